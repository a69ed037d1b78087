"""The review workflow: draft → in review → published → withdrawn (and back to draft).

Every transition is a service so the admin, the API and scripts enforce the same rules:
the permission is checked here, not only in the interface that calls it, and the change
goes through the optimistic lock so an editor holding an older copy cannot silently
undo a publication. A withdrawn record keeps its page (a tombstone with the reason) so
that citations of it do not break.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Document, PublicationStatus

from .locking import save_versioned

PUBLISH_PERMISSION = "catalogue.publish_document"
WITHDRAW_PERMISSION = "catalogue.withdraw_document"
CHANGE_PERMISSION = "catalogue.change_document"


class WorkflowError(ValidationError):
    """A transition that the record's current state does not allow."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    verb: str = ""


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "submitted for review",
            (PublicationStatus.DRAFT,),
            PublicationStatus.IN_REVIEW,
            CHANGE_PERMISSION,
            "Submit for review",
        ),
        Transition(
            "publish",
            "published",
            (PublicationStatus.IN_REVIEW,),
            PublicationStatus.PUBLISHED,
            PUBLISH_PERMISSION,
            "Publish",
        ),
        Transition(
            "withdraw",
            "withdrawn",
            (PublicationStatus.PUBLISHED,),
            PublicationStatus.WITHDRAWN,
            WITHDRAW_PERMISSION,
            "Withdraw",
        ),
        Transition(
            "return_to_draft",
            "returned to draft",
            (PublicationStatus.IN_REVIEW, PublicationStatus.WITHDRAWN),
            PublicationStatus.DRAFT,
            PUBLISH_PERMISSION,
            "Return to draft",
        ),
    ]
}


def can(user, transition: str) -> bool:
    return bool(user and user.has_perm(TRANSITIONS[transition].permission))


def _check_permission(user, transition: Transition):
    if not (user and user.has_perm(transition.permission)):
        raise PermissionDenied(
            f"You do not have permission to mark documents {transition.label} "
            f"({transition.permission})."
        )


def _apply(*, document: Document, user, transition: Transition, reason: str = "") -> Document:
    _check_permission(user, transition)
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.status not in transition.sources:
            allowed = " or ".join(
                str(PublicationStatus(s).label).lower() for s in transition.sources
            )
            raise WorkflowError(
                f"Document {current.pk} is {current.get_status_display().lower()}; only a "
                f"{allowed} document can be {transition.label}."
            )
        current.status = transition.target
        fields = ["status", "updated_at"]
        if transition.target == PublicationStatus.PUBLISHED:
            current.published_at = timezone.now()
            current.withdrawn_reason = ""
            fields += ["published_at", "withdrawn_reason"]
        elif transition.target == PublicationStatus.WITHDRAWN:
            current.withdrawn_reason = reason
            fields.append("withdrawn_reason")
        if reason and transition.target != PublicationStatus.WITHDRAWN:
            current.review_note = reason
            fields.append("review_note")
        current._history_user = user
        current._change_reason = f"{transition.label.capitalize()}" + (
            f": {reason}" if reason else ""
        )
        save_versioned(current, expected_version=current.version, update_fields=fields)
    return current


def submit_for_review(*, document: Document, user, note: str = "") -> Document:
    """A cataloguer hands a draft to a reviewer."""
    return _apply(document=document, user=user, transition=TRANSITIONS["submit"], reason=note)


def publish(*, document: Document, user) -> Document:
    """A reviewer makes a reviewed record public; ``published_at`` records when."""
    return _apply(document=document, user=user, transition=TRANSITIONS["publish"])


def withdraw(*, document: Document, user, reason: str) -> Document:
    """Take a published record off the public catalogue, leaving a tombstone that says why."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the record is withdrawn: the public tombstone shows it.")
    return _apply(document=document, user=user, transition=TRANSITIONS["withdraw"], reason=reason)


def return_to_draft(*, document: Document, user, note: str = "") -> Document:
    """Send a record under review (or a withdrawn one, to be reworked) back to draft."""
    return _apply(
        document=document, user=user, transition=TRANSITIONS["return_to_draft"], reason=note
    )


SERVICES = {
    "submit": submit_for_review,
    "publish": publish,
    "withdraw": withdraw,
    "return_to_draft": return_to_draft,
}


@dataclass
class BulkResult:
    done: list[Document] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def apply_to_many(*, documents, transition: str, user, reason: str = "") -> BulkResult:
    """Apply one transition to many documents; those in the wrong state are skipped and
    reported, not failed, so a reviewer can select a mixed page of results."""
    spec = TRANSITIONS[transition]
    _check_permission(user, spec)
    if transition == "withdraw" and not (reason or "").strip():
        raise WorkflowError("Say why the records are withdrawn: the public tombstone shows it.")
    result = BulkResult()
    kwargs = {"reason": reason} if transition == "withdraw" else {}
    if transition in {"submit", "return_to_draft"} and reason:
        kwargs = {"note": reason}
    with transaction.atomic():
        for document in documents:
            try:
                result.done.append(SERVICES[transition](document=document, user=user, **kwargs))
            except WorkflowError as error:
                result.skipped.append((document.pk, error.messages[0]))
    return result
