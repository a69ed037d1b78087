"""Merge duplicate authority records (agents, archival units), and undo a merge exactly.

A wrong merge corrupts every document the two records appear in, so each merge is
reversible: every row re-pointed, every duplicate link row removed (with all its
columns) and every value changed is written to a ``MergeRecord`` in the same
transaction, and ``undo_merge`` replays that list backwards. The loser is not deleted:
it stays as ``merged_into`` the survivor so old links and identifiers still resolve.

Relations are found from the model's metadata rather than listed by hand, so a
relation added to the schema later is moved too instead of being silently left behind.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from catalogue.models import (
    Agent,
    AgentIdentifier,
    AgentName,
    ArchivalUnit,
    DocumentAgent,
    EventAgent,
    MergeRecord,
    NameType,
)

from .locking import save_versioned

# Link rows that may simply be dropped when the survivor already has the same link.
DEDUPLICABLE = {DocumentAgent, EventAgent, AgentName, AgentIdentifier}
PERMISSIONS = {
    MergeRecord.Kind.AGENT: "catalogue.merge_agent",
    MergeRecord.Kind.UNIT: "catalogue.merge_archivalunit",
}


class MergeError(ValidationError):
    """A merge (or undo) that cannot be done safely; the message says why."""


def _label(model) -> str:
    return model._meta.label_lower


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _is_tracked(model) -> bool:
    return hasattr(model, "history") and hasattr(model._meta, "simple_history_manager_attribute")


def _reverse_foreign_keys(model):
    """(related model, field) for every visible FK that points at ``model``."""
    for rel in model._meta.related_objects:
        if rel.many_to_many or rel.one_to_one or not rel.field.concrete:
            continue
        if rel.related_model is MergeRecord:
            continue
        yield rel.related_model, rel.field


def _conflict(row, field, survivor):
    """The survivor's existing row that ``row`` would duplicate once re-pointed, if any."""
    model = type(row)
    groups = [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    groups += [tuple(group) for group in model._meta.unique_together]
    for fields in groups:
        if field.name not in fields:
            continue
        lookup = {}
        for name in fields:
            attname = model._meta.get_field(name).attname
            lookup[attname] = getattr(row, attname)
        lookup[field.attname] = survivor.pk
        existing = model._default_manager.filter(**lookup).exclude(pk=row.pk).first()
        if existing is not None:
            return existing
    return None


def _row_values(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def _save_tracked(instance, fields, *, user, reason):
    instance._history_user = user
    instance._change_reason = reason
    if any(f.name == "version" for f in instance._meta.concrete_fields):
        save_versioned(instance, expected_version=instance.version, update_fields=fields)
    elif fields:
        instance.save(update_fields=fields)
    else:
        instance.save()


class _Recorder:
    def __init__(self, *, user, reason):
        self.changes: list[dict] = []
        self.user = user
        self.reason = reason

    def move(self, row, field, target_pk):
        self.changes.append(
            {"op": "move", "model": _label(type(row)), "pk": row.pk, "field": field.name}
        )
        self._set(row, field, target_pk)

    def set(self, row, field_name, value):
        field = row._meta.get_field(field_name)
        self.changes.append(
            {
                "op": "set",
                "model": _label(type(row)),
                "pk": row.pk,
                "field": field_name,
                "old": getattr(row, field.attname),
            }
        )
        self._set(row, field, value)

    def delete(self, row):
        self.changes.append(
            {"op": "delete", "model": _label(type(row)), "values": _row_values(row)}
        )
        type(row)._default_manager.filter(pk=row.pk).delete()

    def create(self, row):
        row.save()
        self.changes.append({"op": "create", "model": _label(type(row)), "pk": row.pk})

    def _set(self, row, field, value):
        setattr(row, field.attname, value)
        model = type(row)
        if _is_tracked(model):
            _save_tracked(row, [field.name], user=self.user, reason=self.reason)
        else:
            model._default_manager.filter(pk=row.pk).update(**{field.attname: value})


def _check(*, kind, survivor, loser, user):
    permission = PERMISSIONS[kind]
    if not (user and user.has_perm(permission)):
        raise PermissionDenied(f"You do not have permission to merge records ({permission}).")
    noun = "an agent" if kind == MergeRecord.Kind.AGENT else "a unit"
    if survivor.pk == loser.pk:
        raise MergeError(f"Choose two different records: {noun} cannot be merged into itself.")
    if loser.merged_into_id:
        raise MergeError(f"“{loser}” was already merged into record {loser.merged_into_id}.")
    if survivor.merged_into_id:
        raise MergeError(
            f"“{survivor}” was itself merged into record {survivor.merged_into_id}; "
            "merge into that record instead."
        )


def _move_references(recorder: _Recorder, *, model, survivor, loser):
    for related_model, field in _reverse_foreign_keys(model):
        rows = related_model._default_manager.filter(**{field.attname: loser.pk}).order_by("pk")
        for row in rows:
            if related_model is model and field.name == "merged_into":
                recorder.move(row, field, survivor.pk)
                continue
            duplicate = _conflict(row, field, survivor)
            if duplicate is None:
                recorder.move(row, field, survivor.pk)
            elif related_model in DEDUPLICABLE:
                recorder.delete(row)
            else:
                raise MergeError(
                    f"Both records have a {related_model._meta.verbose_name} that would "
                    f"collide after the merge (“{row}” and “{duplicate}”); resolve that first."
                )


@transaction.atomic
def merge_agents(*, survivor: Agent, loser: Agent, user, review=None, note="") -> MergeRecord:
    """Merge ``loser`` into ``survivor``: its roles, event parts, positions, names,
    identifiers and unit creatorships move; its names stay on the survivor as variants
    (its authorised form as a ``merged`` name) so the importer resolves them next time."""
    survivor = Agent.objects.select_for_update().get(pk=survivor.pk)
    loser = Agent.objects.select_for_update().get(pk=loser.pk)
    _check(kind=MergeRecord.Kind.AGENT, survivor=survivor, loser=loser, user=user)
    if survivor.kind != loser.kind:
        raise MergeError(
            f"“{loser}” is {loser.get_kind_display().lower()} and “{survivor}” "
            f"{survivor.get_kind_display().lower()}: only records of the same kind can be merged."
        )
    record = MergeRecord.objects.create(
        kind=MergeRecord.Kind.AGENT,
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        survivor_label=str(survivor),
        loser_label=str(loser),
        merged_by=user,
        review=review,
        note=note,
    )
    reason = f"Merge #{record.pk}: agent {loser.pk} “{loser}” merged into {survivor.pk}"
    recorder = _Recorder(user=user, reason=reason)
    for name in loser.names.filter(name_type=NameType.AUTHORISED):
        recorder.set(name, "name_type", NameType.MERGED)
    _move_references(recorder, model=Agent, survivor=survivor, loser=loser)
    already_known = survivor.names.filter(normalised=loser.normalised_name).exists()
    if not already_known and loser.normalised_name != survivor.normalised_name:
        recorder.create(
            AgentName(
                agent=survivor,
                name=loser.authorised_name,
                name_type=NameType.MERGED,
                note=f"Merged from agent {loser.pk} (merge #{record.pk})",
            )
        )
    recorder.set(loser, "merged_into", survivor.pk)
    _save_tracked(survivor, None, user=user, reason=reason)
    record.changes = recorder.changes
    record.save(update_fields=["changes"])
    return record


@transaction.atomic
def merge_units(
    *, survivor: ArchivalUnit, loser: ArchivalUnit, user, review=None, note=""
) -> MergeRecord:
    """Merge a duplicate unit: its documents, child units, events and citations move."""
    survivor = ArchivalUnit.objects.select_for_update().get(pk=survivor.pk)
    loser = ArchivalUnit.objects.select_for_update().get(pk=loser.pk)
    _check(kind=MergeRecord.Kind.UNIT, survivor=survivor, loser=loser, user=user)
    if survivor.repository_id != loser.repository_id:
        raise MergeError("Only units held by the same repository can be merged.")
    if f"/{loser.pk}/" in survivor.tree_path:
        raise MergeError(f"“{survivor}” lies inside “{loser}”; a unit cannot absorb its parent.")
    record = MergeRecord.objects.create(
        kind=MergeRecord.Kind.UNIT,
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        survivor_label=str(survivor),
        loser_label=str(loser),
        merged_by=user,
        review=review,
        note=note,
    )
    reason = f"Merge #{record.pk}: unit {loser.pk} “{loser}” merged into {survivor.pk}"
    recorder = _Recorder(user=user, reason=reason)
    _move_references(recorder, model=ArchivalUnit, survivor=survivor, loser=loser)
    recorder.set(loser, "merged_into", survivor.pk)
    _save_tracked(survivor, None, user=user, reason=reason)
    record.changes = recorder.changes
    record.save(update_fields=["changes"])
    return record


def merge(*, kind: str, survivor, loser, user, review=None, note="") -> MergeRecord:
    service = merge_agents if kind == MergeRecord.Kind.AGENT else merge_units
    return service(survivor=survivor, loser=loser, user=user, review=review, note=note)


@transaction.atomic
def undo_merge(*, record: MergeRecord, user) -> MergeRecord:
    """Put every row back where the merge found it, newest change first."""
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    permission = PERMISSIONS[record.kind]
    if not (user and user.has_perm(permission)):
        raise PermissionDenied(f"You do not have permission to undo merges ({permission}).")
    if record.undone_at:
        raise MergeError(f"Merge #{record.pk} was already undone.")
    involved = [record.survivor_id, record.loser_id]
    later = (
        MergeRecord.objects.filter(kind=record.kind, undone_at__isnull=True, pk__gt=record.pk)
        .filter(models.Q(survivor_id__in=involved) | models.Q(loser_id__in=involved))
        .order_by("-pk")
        .first()
    )
    if later:
        raise MergeError(f"Undo merge #{later.pk} first: it involves the same records.")
    reason = f"Undo merge #{record.pk}"
    recorder = _Recorder(user=user, reason=reason)
    for change in reversed(record.changes):
        model = _model(change["model"])
        if change["op"] == "delete":
            by_attname = {f.attname: f for f in model._meta.concrete_fields}
            row = model(**{a: by_attname[a].to_python(v) for a, v in change["values"].items()})
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError as error:
                raise MergeError(
                    f"Cannot restore {model._meta.verbose_name} “{row}”: the records were "
                    f"edited since the merge in a way that conflicts with it ({error})."
                ) from error
            continue
        if change["op"] == "create":
            model._default_manager.filter(pk=change["pk"]).delete()
            continue
        row = model._default_manager.filter(pk=change["pk"]).first()
        if row is None:
            continue  # deleted since the merge; nothing to put back
        field = model._meta.get_field(change["field"])
        old = record.loser_id if change["op"] == "move" else change["old"]
        recorder._set(row, field, old)
    survivor_model = Agent if record.kind == MergeRecord.Kind.AGENT else ArchivalUnit
    survivor = survivor_model.objects.filter(pk=record.survivor_id).first()
    if survivor is not None:
        _save_tracked(survivor, None, user=user, reason=reason)
    record.undone_at = timezone.now()
    record.undone_by = user
    record.save(update_fields=["undone_at", "undone_by"])
    return record
