"""Creating and editing documents from outside the admin (the JSON API).

A document write touches the document row, its caveats and its subjects; doing it
here, in one transaction, keeps a failed write from leaving half a record. Updates go
through ``save_versioned`` so an edit based on a stale copy is refused, never merged.
"""

from django.db import transaction

from catalogue.models import Document

from .locking import StaleVersionError, save_versioned


@transaction.atomic
def create_document(*, fields: dict, caveats=None, subjects=None) -> Document:
    document = Document(**fields)
    document.save()
    if caveats is not None:
        document.caveats.set(caveats)
    if subjects is not None:
        document.subjects.set(subjects)
    return document


@transaction.atomic
def update_document(
    *, document: Document, fields: dict, expected_version: int, caveats=None, subjects=None
) -> Document:
    for name, value in fields.items():
        setattr(document, name, value)
    save_versioned(document, expected_version=expected_version)
    if caveats is not None:
        document.caveats.set(caveats)
    if subjects is not None:
        document.subjects.set(subjects)
    return document


@transaction.atomic
def delete_document(*, document: Document, expected_version: int | None = None) -> None:
    """Delete a document and everything that hangs off it (footnotes, roles, events).

    With ``expected_version`` the delete is refused if someone changed it meanwhile.
    """
    if expected_version is not None:
        deleted, _ = Document.objects.filter(pk=document.pk, version=expected_version).delete()
        if not deleted:
            current = Document.objects.filter(pk=document.pk).values_list("version", flat=True)
            raise StaleVersionError(document, expected_version, current.first())
        return
    document.delete()
