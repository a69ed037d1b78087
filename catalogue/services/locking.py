"""Optimistic locking, as ArchivesSpace's lock_version: a save based on an older version
of a record is refused instead of silently overwriting someone else's change."""

from django.db import transaction
from django.db.models import F


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
