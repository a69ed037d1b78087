"""Optimistic locking, as ArchivesSpace's lock_version: a save based on an older version
of a record is refused instead of silently overwriting someone else's change."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone


class StaleVersionError(Exception):
    """The record changed since the editor loaded it."""

    def __init__(self, instance, expected_version: int, current_version: int | None):
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"{type(instance).__name__} {instance.pk} was changed by someone else "
            f"(you edited version {expected_version}, it is now at version {current_version})."
        )

    @property
    def user_message(self) -> str:
        """ "changed by X at T since you opened it — review their change", from history."""
        return stale_message(
            self.instance,
            expected_version=self.expected_version,
            current_version=self.current_version,
        )


def save_versioned(instance, *, expected_version: int, update_fields=None):
    """Save ``instance`` only if its stored version is still ``expected_version``.

    The compare-and-increment is one UPDATE, so two concurrent editors cannot both win.
    """
    model = type(instance)
    with transaction.atomic():
        bumped = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            current = (
                model._default_manager.filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            raise StaleVersionError(instance, expected_version, current)
        instance.version = expected_version + 1
        if update_fields is not None:
            update_fields = set(update_fields) | {"version"}
        instance.save(update_fields=update_fields)
    return instance


def last_change(instance):
    """Who last changed ``instance``, when, and through which channel, from its history.

    Returns ``(who, when, channel)``; ``who`` is a display string ("import run 4" when no
    user is recorded), ``when`` a datetime or None for untracked models.
    """
    history = getattr(instance, "history", None)
    if history is None:
        return "someone else", None, ""
    record = (
        type(instance)
        .history.filter(**{instance._meta.pk.attname: instance.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        return "someone else", None, ""
    channel = getattr(record, "history_channel", "")
    if record.history_user is not None:
        who = record.history_user.get_username()
    elif getattr(record, "history_import_run_id", None):
        who = f"import run {record.history_import_run_id}"
    else:
        who = f"an unnamed user ({channel or 'unknown channel'})"
    return who, record.history_date, channel


def stale_message(instance, *, expected_version: int, current_version: int | None) -> str:
    """The message an editor sees when their save is refused; names who changed it, and when."""
    who, when, _channel = last_change(instance)
    at = f" at {timezone.localtime(when):%Y-%m-%d %H:%M:%S %Z}" if when else ""
    label = instance._meta.verbose_name
    return (
        f"This {label} was changed by {who}{at} since you opened it "
        f"(you opened version {expected_version}; it is now version {current_version}) — "
        "review their change in the record's history, then reload the page and make your "
        "edit again. Nothing was saved."
    )


def current_version(instance) -> int | None:
    return (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
