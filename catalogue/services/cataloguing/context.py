"""Per-run caches of the vocabularies a document points at.

An import of thousands of texts names the same collection, types, classification
levels, caveats, repositories, units, publications and agents over and over. Looking
each up per document would cost a query per fact; the context loads each vocabulary
once (lazily) and creates what is missing, so steady-state cataloguing touches the
database only to write. After a rolled-back transaction call ``reset()``: objects
created inside it no longer exist.
"""

from __future__ import annotations

from django.utils.text import slugify
from rapidfuzz import fuzz, process

from catalogue.models import (
    ArchivalUnit,
    Caveat,
    CaveatKind,
    ClassificationLevel,
    Collection,
    DocumentType,
    Publication,
    Repository,
    UnitLevel,
)
from catalogue.models.history import ChangeChannel
from catalogue.services.authority import AgentAuthority
from catalogue.services.authority import cached_normalise as normalise_name

from .instances import new_instance, relate
from .rows import insert_history, insert_returning_ids, update_rows

COLLECTION_FUZZY_THRESHOLD = 90.0

FRUS = {
    "title": "Foreign Relations of the United States, 1961–1963, Volume XI, "
    "Cuban Missile Crisis and Aftermath",
    "short_title": "FRUS 1961–1963, vol. XI",
    "publisher": "United States Government Printing Office",
    "place": "Washington",
    "volume": "XI",
    "editor": "Edward C. Keefer, Charles S. Sampson, Louis J. Smith",
}
AVALON = {
    "title": "The Avalon Project: Documents in Law, History and Diplomacy",
    "short_title": "Avalon Project",
    "publisher": "Lillian Goldman Law Library, Yale Law School",
    "place": "New Haven",
    "url": "https://avalon.law.yale.edu/",
}
UNIT_LEVELS = set(UnitLevel.values)
# What matching and placing units needs (the rest of a unit is never read here), in
# the model's field order, which is the order ``Model.from_db`` expects values in.
UNIT_FIELDS = tuple(
    f.attname
    for f in ArchivalUnit._meta.concrete_fields
    if f.attname
    in {
        "id",
        "repository_id",
        "parent_id",
        "title",
        "identifier",
        "identifier_scheme",
        "level",
        "tree_path",
        "depth",
        "slug",
    }
)
_ID, _PARENT, _TITLE, _IDENTIFIER, _SCHEME = (
    UNIT_FIELDS.index(name)
    for name in ("id", "parent_id", "title", "identifier", "identifier_scheme")
)


class CatalogueContext:
    """What one import run knows about the catalogue's vocabularies."""

    def __init__(self, *, import_run=None):
        self.import_run = import_run
        self.authority = AgentAuthority(import_run=import_run)
        self.reset()

    def reset(self):
        self.authority.reset()
        self._collections: list[Collection] | None = None
        self._doc_types: dict[str, DocumentType] | None = None
        self._levels: dict[str, ClassificationLevel] | None = None
        self._caveats: dict[str, Caveat] | None = None
        self._repositories: dict[str, Repository] | None = None
        self._publications: dict[str, Publication] | None = None
        self._unit_index: dict[int, dict] = {}
        self._new_units: list[ArchivalUnit] = []
        self._collection_memo: dict[tuple[str, str], Collection] = {}
        self.agent_memo: dict[tuple, object] = {}
        self.frus_numbers: dict[int, int | None] = {}  # FRUS document number → first id

    # -- collections ------------------------------------------------------------------

    def collection(self, name: str, *, as_written: str = "") -> Collection:
        """Match the heading on names and recorded variants (then a close spelling), and
        remember a new spelling as a variant."""
        memo_key = (name, as_written)
        if memo_key in self._collection_memo:
            return self._collection_memo[memo_key]
        if self._collections is None:
            self._collections = list(Collection.objects.all())
        name = (name or as_written or "Uncatalogued texts").strip()
        wanted = {normalise_name(name), normalise_name(as_written)} - {""}
        found = None
        for collection in self._collections:
            forms = {normalise_name(collection.name)} | {
                normalise_name(v) for v in collection.variants
            }
            if forms & wanted:
                found = collection
                break
        if found is None and self._collections:
            names = {normalise_name(c.name): c for c in self._collections}
            match = process.extractOne(
                normalise_name(name),
                list(names),
                scorer=fuzz.ratio,
                score_cutoff=COLLECTION_FUZZY_THRESHOLD,
            )
            if match:
                found = names[match[0]]
        if found is None:
            found = Collection.objects.create(name=name[:255])
            self._collections.append(found)
        known = {normalise_name(found.name)} | {normalise_name(v) for v in found.variants}
        new = [
            form
            for form in dict.fromkeys([name, as_written])
            if form and normalise_name(form) not in known
        ]
        if new:
            found.variants = [*found.variants, *new]
            found.save(update_fields=["variants"])
        self._collection_memo[memo_key] = found
        return found

    # -- controlled vocabularies ----------------------------------------------------

    def doc_type(self, key: str, label: str = "") -> DocumentType:
        if self._doc_types is None:
            self._doc_types = {t.key: t for t in DocumentType.objects.all()}
        key = (key or "other").strip()[:80]
        if key not in self._doc_types:
            labels = {t.label for t in self._doc_types.values()}
            label = (label or key.replace("_", " ").capitalize())[:120]
            if label in labels:
                label = f"{label} ({key})"[:120]
            self._doc_types[key] = DocumentType.objects.create(key=key, label=label)
        return self._doc_types[key]

    def classification(self, name: str) -> ClassificationLevel | None:
        """Levels are an ordered, curated list: an unknown name is not invented here."""
        if self._levels is None:
            self._levels = {normalise_name(c.name): c for c in ClassificationLevel.objects.all()}
        return self._levels.get(normalise_name(name)) if name else None

    def caveat(self, name: str) -> Caveat:
        if self._caveats is None:
            self._caveats = {normalise_name(c.name): c for c in Caveat.objects.all()}
        key = normalise_name(name)
        if key not in self._caveats:
            self._caveats[key] = Caveat.objects.create(
                name=name.strip()[:80], kind=CaveatKind.CAVEAT
            )
        return self._caveats[key]

    def publication(self, title: str, **defaults) -> Publication:
        if self._publications is None:
            self._publications = {}
            for pub in Publication.objects.all():
                self._publications[normalise_name(pub.title)] = pub
                if pub.short_title:
                    self._publications.setdefault(normalise_name(pub.short_title), pub)
        key = normalise_name(title)
        if key not in self._publications:
            short = defaults.get("short_title")
            if short and normalise_name(short) in self._publications:
                return self._publications[normalise_name(short)]
            self._publications[key] = Publication.objects.create(title=title[:500], **defaults)
        return self._publications[key]

    def frus(self) -> Publication:
        return self.publication(**FRUS)

    def edition(self, collection: str) -> Publication | None:
        """The printed edition a collection's texts are taken from (FRUS 1961–1963 vol.
        XI for the Cuban Missile Crisis), or None for a collection not known to be one."""
        from catalogue.importers.export_shape import PUBLICATIONS

        title = PUBLICATIONS.get(collection)
        if title is None:
            return None
        if normalise_name(title) == normalise_name(FRUS["title"]):
            return self.frus()
        return self.publication(title)

    def avalon(self) -> Publication:
        return self.publication(**AVALON)

    # -- repositories and units -------------------------------------------------------

    def repository(self, name: str) -> Repository:
        if self._repositories is None:
            self._repositories = {}
            for repo in Repository.objects.all():
                self._repositories[normalise_name(repo.name)] = repo
                if repo.short_name:
                    self._repositories.setdefault(normalise_name(repo.short_name), repo)
        key = normalise_name(name)
        if key not in self._repositories:
            self._repositories[key] = Repository.objects.create(name=name.strip()[:255])
        return self._repositories[key]

    def _units_of(self, repository: Repository) -> dict:
        """The repository's units by (parent, normalised title) and by (scheme,
        normalised identifier). Rows are read as tuples and become ``ArchivalUnit``
        objects only when a text names them (``_unit``): a large tree costs a tuple per
        unit, not a model instance."""
        index = self._unit_index.get(repository.pk)
        if index is None:
            index = {"by_title": {}, "by_identifier": {}, "objects": {}}
            units = ArchivalUnit.objects.filter(repository=repository)
            index["db"] = units.db
            by_title, by_identifier = index["by_title"], index["by_identifier"]
            for row in units.values_list(*UNIT_FIELDS):
                # The same keys as _index_unit; the first unit in the tree's order wins.
                by_title.setdefault((row[_PARENT], normalise_name(row[_TITLE])), row)
                if row[_IDENTIFIER]:
                    key = (row[_SCHEME], normalise_name(row[_IDENTIFIER]))
                    by_identifier.setdefault(key, row)
            self._unit_index[repository.pk] = index
        return index

    @staticmethod
    def _unit(index: dict, found) -> ArchivalUnit | None:
        """An index entry as an object: a row read by ``_units_of`` becomes the same
        partly loaded instance ``.only(*UNIT_FIELDS)`` would give, once per unit."""
        if found is None or isinstance(found, ArchivalUnit):
            return found
        objects = index["objects"]
        pk = found[_ID]
        unit = objects.get(pk)
        if unit is None:
            unit = objects[pk] = ArchivalUnit.from_db(index["db"], UNIT_FIELDS, found)
        return unit

    @staticmethod
    def _parent_key(parent: ArchivalUnit | None):
        """A unit's parent in the index: its id, or the object itself while it waits
        in ``_new_units`` without one."""
        if parent is None:
            return None
        return parent.pk if parent.pk is not None else ("new", id(parent))

    @classmethod
    def _index_unit(cls, index: dict, unit: ArchivalUnit):
        # A parent not yet written has no id: its object stands for it (see location()).
        key = unit.parent_id if unit.parent_id is not None else cls._parent_key(unit.parent)
        index["by_title"].setdefault((key, normalise_name(unit.title)), unit)
        if unit.identifier:
            index["by_identifier"].setdefault(
                (unit.identifier_scheme, normalise_name(unit.identifier)), unit
            )

    def location(self, location) -> tuple[Repository | None, ArchivalUnit | None]:
        """The repository and the lowest unit of a parsed location, creating the chain
        of units that is not yet catalogued (matched by parent + title, or identifier)."""
        if location is None or not (location.repository or "").strip():
            return None, None
        repository = self.repository(location.repository)
        index = self._units_of(repository)
        parent = None
        for ref in location.units:
            title = (ref.title or ref.identifier or "").strip()
            if not title:
                continue
            scheme = ref.identifier_scheme or ("other" if ref.identifier else "")
            unit = None
            by_title = index["by_title"]
            if ref.identifier:
                found = index["by_identifier"].get((scheme, normalise_name(ref.identifier)))
                unit = self._unit(index, found)
            if unit is None:
                found = by_title.get((self._parent_key(parent), normalise_name(title)))
                unit = self._unit(index, found)
                if unit is not None and ref.identifier and unit.identifier:
                    # Same title, another accession/lot (USUN Files: NYFRC 84-84-001 and
                    # …-002): a different unit, never silently the first one.
                    title = f"{title} ({ref.identifier})"
                    found = by_title.get((self._parent_key(parent), normalise_name(title)))
                    unit = self._unit(index, found)
            if unit is None:
                unit = new_instance(ArchivalUnit)
                relate(unit, "repository", repository)
                relate(unit, "parent", parent)  # its id once written (save_new_units)
                relate(unit, "import_run", self.import_run)
                unit.level = ref.level if ref.level in UNIT_LEVELS else UnitLevel.FILE
                unit.title = title[:500]
                unit.identifier = (ref.identifier or "")[:120]
                unit.identifier_scheme = scheme if ref.identifier else ""
                unit.slug = slugify(unit.title)[:120] or "unit"  # what save() derives
                self._new_units.append(unit)  # written in bulk by save_new_units()
                self._index_unit(index, unit)
            parent = unit
        return repository, parent

    def save_new_units(self, *, reason: str | None = None, user=None):
        """Write the units ``location()`` found missing since the last call: one INSERT
        per level of the hierarchy, one UPDATE for their tree paths and one INSERT for
        their history rows (what ``ArchivalUnit.save()`` and django-simple-history
        would do one unit at a time). Call it before anything refers to their ids."""
        pending, self._new_units = self._new_units, []
        if not pending:
            return
        written: list[ArchivalUnit] = []
        while pending:
            ready = [u for u in pending if u.parent is None or u.parent.pk is not None]
            pending = [u for u in pending if not (u.parent is None or u.parent.pk is not None)]
            if not ready:
                raise RuntimeError("new units whose parent is neither written nor pending")
            for unit in ready:
                if unit.parent is not None:
                    unit.parent = unit.parent  # takes the parent's id, now known
            insert_returning_ids(ArchivalUnit, ready)
            for unit in ready:
                parent_path = unit.parent.tree_path if unit.parent is not None else "/"
                unit.tree_path = f"{parent_path}{unit.pk}/"
                unit.depth = unit.tree_path.count("/") - 2
            written += ready
        update_rows(
            ArchivalUnit, ("tree_path", "depth"), [(u.tree_path, u.depth, u.pk) for u in written]
        )
        run_id = self.import_run.pk if self.import_run else None
        insert_history(
            written,
            extra={
                "history_change_reason": reason,
                "history_user_id": user.pk if user else None,
                "history_channel": ChangeChannel.IMPORT,
                "history_import_run_id": run_id,
            },
        )
        for unit in written:
            index = self._unit_index.get(unit.repository_id)
            if index is not None:
                self._index_unit(index, unit)  # now also under its parent's id
