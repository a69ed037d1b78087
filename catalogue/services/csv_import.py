"""Import documents and agents from CSV, all or nothing.

Archivists correct descriptions in spreadsheets; a half-applied sheet would leave the
catalogue in a state nobody wrote. So every row is checked first and every problem is
reported with its line and column; only a sheet without problems is written, in one
transaction. Updates carry the exported ``version`` so an edit made in the catalogue
since the export is never silently overwritten. New documents arrive as drafts:
publishing is a curatorial decision, not a side effect of an import.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.formats.csv import AGENT_COLUMNS, DOCUMENT_COLUMNS, split_list, unprotect_cell
from catalogue.models import (
    Agent,
    AgentKind,
    AgentName,
    ArchivalUnit,
    Caveat,
    ClassificationLevel,
    Collection,
    DateCertainty,
    DatePrecision,
    Document,
    DocumentType,
    NameType,
    Subject,
)
from catalogue.normalise import normalise_name
from catalogue.services.locking import StaleVersionError, save_versioned

DATE_FORMS = (
    (re.compile(r"^\d{4}$"), DatePrecision.YEAR),
    (re.compile(r"^\d{4}-\d{2}$"), DatePrecision.MONTH),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), DatePrecision.DAY),
)
DOCUMENT_TEXT_FIELDS = (
    "title",
    "date_text",
    "date_note",
    "place",
    "message_number",
    "subject_line",
    "item_reference",
    "source_note",
    "transmission_note",
    "editorial_note",
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class CsvImportError(Exception):
    """The sheet has problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class CsvImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    records: list = field(default_factory=list)

    def summary(self, kind: str) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} {kind} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


def _read(source, columns) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Rows keyed by column name, with their line numbers; header problems as errors."""
    text = source.read() if hasattr(source, "read") else source
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CsvImportError([RowError(1, "", f"The file is not UTF-8 ({exc}).")]) from None
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvImportError([RowError(1, "", "The file is empty.")]) from None
    except csv.Error as exc:
        raise CsvImportError([RowError(1, "", f"Unreadable CSV: {exc}")]) from None
    known = {c.name: c for c in columns}
    header = [h.strip() for h in header]
    errors = [
        RowError(1, name, f"Unknown column (expected some of: {', '.join(known)}).")
        for name in header
        if name not in known
    ]
    errors += [
        RowError(1, name, "Duplicate column.")
        for name in {h for h in header if header.count(h) > 1}
    ]
    errors += [
        RowError(1, c.name, "Required column is missing.")
        for c in columns
        if c.required and c.name not in header
    ]
    if errors:
        raise CsvImportError(errors)
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) != len(header):
                errors.append(
                    RowError(line, "", f"Has {len(values)} cells; the header has {len(header)}.")
                )
                continue
            rows.append(
                (
                    line,
                    {
                        name: unprotect_cell(value.strip())
                        for name, value in zip(header, values, strict=True)
                        if not known[name].read_only
                    },
                )
            )
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"Unreadable CSV: {exc}"))
    return rows, errors


def _parse_date(value: str):
    for pattern, precision in DATE_FORMS:
        if pattern.match(value):
            parts = [int(p) for p in value.split("-")] + [1, 1]
            return datetime.date(parts[0], parts[1], parts[2]), precision
    raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")


class _Vocabulary:
    """Every vocabulary a sheet can name, loaded once (not once per row)."""

    def __init__(self):
        self.types = {}
        for doc_type in DocumentType.objects.all():
            self.types[doc_type.key.lower()] = doc_type
            self.types[doc_type.label.lower()] = doc_type
        self.collections = {}
        for collection in Collection.objects.all():
            for name in [collection.name, *collection.variants]:
                self.collections[name.lower()] = collection
        self.levels = {c.name.lower(): c for c in ClassificationLevel.objects.all()}
        self.caveats = {c.name.lower(): c for c in Caveat.objects.all()}

    def agent(self, name: str) -> Agent:
        matches = list(Agent.objects.active().named(name)[:5])
        if not matches:
            raise ValueError(f"no agent is recorded under the name '{name}' (import agents first)")
        if len(matches) > 1:
            ids = ", ".join(str(a.pk) for a in matches)
            raise ValueError(f"'{name}' names several agents ({ids}); use the authorised name")
        return matches[0]


def _document_changes(line, row, vocab, errors):
    """Check one row; returns (document, field values, caveats, subjects) or None."""

    def fail(column, message):
        errors.append(RowError(line, column, message))

    document = None
    if row.get("id"):
        if not row["id"].isdigit():
            fail("id", f"'{row['id']}' is not a record number.")
            return None
        document = Document.objects.filter(pk=int(row["id"])).first()
        if document is None:
            fail("id", f"No document {row['id']}; leave id empty to create a new record.")
            return None
        if row.get("version") and row["version"] != str(document.version):
            fail(
                "version",
                f"Document {document.pk} changed since this sheet was exported "
                f"(sheet has version {row['version']}, catalogue has {document.version}).",
            )
    values = {}
    for name in DOCUMENT_TEXT_FIELDS:
        if name in row:
            values[name] = row[name]
    if not row.get("title"):
        fail("title", "A title is required.")
    if "doc_type" in row or document is None:
        key = row.get("doc_type", "").lower()
        if key not in vocab.types:
            fail("doc_type", f"Unknown document type '{row.get('doc_type', '')}'.")
        else:
            values["doc_type"] = vocab.types[key]
    if "collection" in row or document is None:
        name = row.get("collection", "").lower()
        if not name and len(set(vocab.collections.values())) == 1:
            values["collection"] = next(iter(vocab.collections.values()))
        elif name not in vocab.collections:
            fail("collection", f"Unknown collection '{row.get('collection', '')}'.")
        else:
            values["collection"] = vocab.collections[name]
    if "date" in row:
        if row["date"]:
            try:
                values["date"], values["date_precision"] = _parse_date(row["date"])
            except ValueError as exc:
                fail("date", f"'{row['date']}' is not a date: {exc}.")
        else:
            values["date"], values["date_precision"] = None, DatePrecision.UNKNOWN
    if row.get("date_certainty"):
        if row["date_certainty"] not in DateCertainty.values:
            fail("date_certainty", f"Use one of: {', '.join(DateCertainty.values)}.")
        else:
            values["date_certainty"] = row["date_certainty"]
    if "time" in row:
        try:
            values["time"] = datetime.time.fromisoformat(row["time"]) if row["time"] else None
        except ValueError:
            fail("time", f"'{row['time']}' is not a time (HH:MM).")
    for column in ("sender", "recipient"):
        if column in row:
            try:
                values[column] = vocab.agent(row[column]) if row[column] else None
            except ValueError as exc:
                fail(column, f"{str(exc)[0].upper()}{str(exc)[1:]}.")
    if "classification" in row:
        if row["classification"] and row["classification"].lower() not in vocab.levels:
            fail("classification", f"Unknown classification level '{row['classification']}'.")
        else:
            values["classification"] = vocab.levels.get(row["classification"].lower())
    if "unit_id" in row:
        if not row["unit_id"]:
            values["unit"] = None
        elif not row["unit_id"].isdigit():
            fail("unit_id", f"'{row['unit_id']}' is not a unit number.")
        else:
            unit = ArchivalUnit.objects.filter(pk=int(row["unit_id"])).first()
            if unit is None:
                fail("unit_id", f"No archival unit {row['unit_id']}.")
            values["unit"] = unit
    caveats = None
    if "caveats" in row:
        caveats = []
        for name in split_list(row["caveats"]):
            if name.lower() not in vocab.caveats:
                fail("caveats", f"Unknown caveat '{name}'.")
            else:
                caveats.append(vocab.caveats[name.lower()])
    subjects = split_list(row["subjects"]) if "subjects" in row else None
    return document, values, caveats, subjects


def _validation_errors(line, exc: ValidationError, errors, column_of=None):
    column_of = column_of or {}
    for name, messages in exc.message_dict.items():
        column = column_of.get(name, name if name != "__all__" else "")
        for message in messages:
            errors.append(RowError(line, column, message))


def import_documents_csv(*, source, dry_run: bool = False) -> CsvImportResult:
    """Create or update documents from a CSV sheet (see ``DOCUMENT_COLUMNS``)."""
    rows, errors = _read(source, DOCUMENT_COLUMNS)
    vocab = _Vocabulary()
    checked = []
    seen_ids = {}
    for line, row in rows:
        if row.get("id"):
            if row["id"] in seen_ids:
                errors.append(
                    RowError(
                        line, "id", f"Document {row['id']} is also on line {seen_ids[row['id']]}."
                    )
                )
            seen_ids[row["id"]] = line
        errors_before = len(errors)
        outcome = _document_changes(line, row, vocab, errors)
        if outcome is None or len(errors) > errors_before:
            continue
        document, values, caveats, subjects = outcome
        target = document or Document()
        expected_version = target.version
        before = {name: getattr(target, name) for name in values} if document else {}
        for name, value in values.items():
            setattr(target, name, value)
        try:
            target.full_clean(exclude=["slug", "version"], validate_unique=False)
        except ValidationError as exc:
            _validation_errors(line, exc, errors, {"unit": "unit_id"})
            continue
        changed = document is None or any(before[n] != values[n] for n in values)
        if document is not None and caveats is not None:
            changed |= {c.pk for c in caveats} != set(document.caveats.values_list("pk", flat=True))
        if document is not None and subjects is not None:
            changed |= {s.lower() for s in subjects} != {
                n.lower() for n in document.subjects.values_list("name", flat=True)
            }
        checked.append(
            (line, target, document is None, changed, expected_version, caveats, subjects)
        )
    if errors:
        raise CsvImportError(sorted(errors, key=lambda e: (e.line, e.column)))

    result = CsvImportResult(dry_run=dry_run)
    with transaction.atomic():
        for line, target, is_new, changed, expected_version, caveats, subjects in checked:
            if not changed:
                result.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    if is_new:
                        target.save()
                        result.created += 1
                    else:
                        save_versioned(target, expected_version=expected_version)
                        result.updated += 1
                    if caveats is not None:
                        target.caveats.set(caveats)
                    if subjects is not None:
                        target.subjects.set(
                            [Subject.objects.get_or_create(name=name)[0] for name in subjects]
                        )
            except StaleVersionError as exc:
                errors.append(RowError(line, "version", str(exc)))
            except IntegrityError as exc:
                errors.append(RowError(line, "", f"Refused by the database: {exc}"))
            result.records.append(target)
        if errors:
            transaction.set_rollback(True)
            raise CsvImportError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


def import_agents_csv(*, source, dry_run: bool = False) -> CsvImportResult:
    """Create or update agents (authority records) from a CSV sheet (``AGENT_COLUMNS``).

    Variant names are only ever added: the importer resolves names through them, and a
    spreadsheet that drops one should not make the next text import create a duplicate.
    """
    rows, errors = _read(source, AGENT_COLUMNS)
    checked = []
    new_names = {}
    for line, row in rows:
        agent = None
        if row.get("id"):
            if not row["id"].isdigit():
                errors.append(RowError(line, "id", f"'{row['id']}' is not a record number."))
                continue
            agent = Agent.objects.filter(pk=int(row["id"])).first()
            if agent is None:
                errors.append(
                    RowError(line, "id", f"No agent {row['id']}; leave id empty to create one.")
                )
                continue
        name = row.get("authorised_name", "")
        if not name:
            errors.append(RowError(line, "authorised_name", "An authorised name is required."))
            continue
        if agent is None:
            key = normalise_name(name)
            existing = Agent.objects.filter(normalised_name=key).first()
            if existing is not None:
                errors.append(
                    RowError(
                        line,
                        "authorised_name",
                        f"Agent {existing.pk} already has this name; give its id to update it.",
                    )
                )
                continue
            if key in new_names:
                errors.append(
                    RowError(line, "authorised_name", f"Also created on line {new_names[key]}.")
                )
                continue
            new_names[key] = line
        target = agent or Agent()
        values = {"authorised_name": name}
        for column in ("sort_name", "dates", "biographical_note"):
            if column in row:
                values[column] = row[column]
        if row.get("kind"):
            if row["kind"] not in AgentKind.values:
                errors.append(RowError(line, "kind", f"Use one of: {', '.join(AgentKind.values)}."))
                continue
            values["kind"] = row["kind"]
        before = {n: getattr(target, n) for n in values}
        for column, value in values.items():
            setattr(target, column, value)
        try:
            target.full_clean(exclude=["slug", "normalised_name"], validate_unique=False)
        except ValidationError as exc:
            _validation_errors(line, exc, errors)
            continue
        variants = split_list(row.get("variant_names", ""))
        known = set() if agent is None else set(agent.names.values_list("normalised", flat=True))
        known.add(normalise_name(name))
        missing = []
        for variant in variants:
            key = normalise_name(variant)
            if key and key not in known:
                known.add(key)
                missing.append(variant)
        changed = agent is None or bool(missing) or any(before[n] != values[n] for n in values)
        checked.append((target, agent is None, changed, missing))
    if errors:
        raise CsvImportError(sorted(errors, key=lambda e: (e.line, e.column)))

    result = CsvImportResult(dry_run=dry_run)
    with transaction.atomic():
        for target, is_new, changed, missing in checked:
            if not changed:
                result.unchanged += 1
                continue
            target.save()
            if is_new:
                AgentName.objects.get_or_create(
                    agent=target,
                    normalised=target.normalised_name,
                    defaults={"name": target.authorised_name, "name_type": NameType.AUTHORISED},
                )
            for variant in missing:
                AgentName.objects.create(agent=target, name=variant, name_type=NameType.VARIANT)
            result.created += is_new
            result.updated += not is_new
            result.records.append(target)
        if dry_run:
            transaction.set_rollback(True)
    return result
