import pytest
from django.core.exceptions import PermissionDenied

from catalogue.models import ChangeChannel, Document, PublicationStatus
from catalogue.services import workflow
from catalogue.services.locking import StaleVersionError, save_versioned
from tests.factories import DraftDocumentFactory, staff_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def cataloguer():
    return staff_in_group("Cataloguer", username="cat")


@pytest.fixture
def reviewer():
    return staff_in_group("Reviewer", username="rev")


def test_full_cycle_sets_published_at_and_keeps_history(cataloguer, reviewer):
    doc = DraftDocumentFactory()
    assert doc.published_at is None
    workflow.submit_for_review(document=doc, user=cataloguer)
    published = workflow.publish(document=doc, user=reviewer)
    assert published.status == PublicationStatus.PUBLISHED
    assert published.published_at is not None
    withdrawn = workflow.withdraw(document=doc, user=reviewer, reason="Duplicate of #12.")
    doc.refresh_from_db()
    assert doc.status == PublicationStatus.WITHDRAWN
    assert doc.withdrawn_reason == "Duplicate of #12."
    assert doc.published_at == published.published_at
    assert doc.version == withdrawn.version == 4
    reasons = list(
        doc.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-3:] == ["Submitted for review", "Published", "Withdrawn: Duplicate of #12."]
    users = set(
        doc.history.exclude(history_user=None).values_list("history_user__username", flat=True)
    )
    assert users == {"cat", "rev"}
    assert doc.history.latest().history_channel == ChangeChannel.COMMAND


def test_cataloguer_cannot_publish_or_withdraw(cataloguer):
    doc = DraftDocumentFactory(status=PublicationStatus.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        workflow.publish(document=doc, user=cataloguer)
    doc.refresh_from_db()
    assert doc.status == PublicationStatus.IN_REVIEW
    assert doc.published_at is None
    doc.status = PublicationStatus.PUBLISHED
    doc.save()
    with pytest.raises(PermissionDenied):
        workflow.withdraw(document=doc, user=cataloguer, reason="x")


def test_reviewer_can_publish(reviewer):
    doc = DraftDocumentFactory(status=PublicationStatus.IN_REVIEW)
    workflow.publish(document=doc, user=reviewer)
    assert Document.objects.published().filter(pk=doc.pk).exists()


def test_wrong_state_is_refused_with_a_clear_message(reviewer):
    doc = DraftDocumentFactory()
    with pytest.raises(workflow.WorkflowError, match="is draft; only a in review"):
        workflow.publish(document=doc, user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="only a published document"):
        workflow.withdraw(document=doc, user=reviewer, reason="x")


def test_withdraw_requires_a_reason(reviewer):
    doc = DraftDocumentFactory(status=PublicationStatus.PUBLISHED)
    with pytest.raises(workflow.WorkflowError, match="Say why"):
        workflow.withdraw(document=doc, user=reviewer, reason="   ")
    doc.refresh_from_db()
    assert doc.status == PublicationStatus.PUBLISHED
    assert doc.version == 1


def test_return_to_draft_from_review_and_from_withdrawn(reviewer):
    doc = DraftDocumentFactory(status=PublicationStatus.IN_REVIEW)
    workflow.return_to_draft(document=doc, user=reviewer, note="Date needs a source.")
    doc.refresh_from_db()
    assert doc.status == PublicationStatus.DRAFT
    assert doc.review_note == "Date needs a source."
    gone = DraftDocumentFactory(status=PublicationStatus.WITHDRAWN, withdrawn_reason="dup")
    workflow.return_to_draft(document=gone, user=reviewer)
    gone.refresh_from_db()
    assert gone.status == PublicationStatus.DRAFT


def test_transition_makes_an_editors_older_copy_stale(reviewer):
    doc = DraftDocumentFactory(status=PublicationStatus.IN_REVIEW)
    editor_copy = Document.objects.get(pk=doc.pk)
    workflow.publish(document=doc, user=reviewer)
    editor_copy.title = "Edited meanwhile"
    with pytest.raises(StaleVersionError):
        save_versioned(editor_copy, expected_version=editor_copy.version)
    doc.refresh_from_db()
    assert doc.status == PublicationStatus.PUBLISHED
    assert doc.title != "Edited meanwhile"


def test_bulk_skips_records_in_the_wrong_state(reviewer):
    ready = DraftDocumentFactory.create_batch(2, status=PublicationStatus.IN_REVIEW)
    draft = DraftDocumentFactory()
    result = workflow.apply_to_many(documents=[*ready, draft], transition="publish", user=reviewer)
    assert {d.pk for d in result.done} == {d.pk for d in ready}
    assert [pk for pk, _ in result.skipped] == [draft.pk]
    assert Document.objects.published().count() == 2


def test_bulk_permission_checked_before_anything_changes(cataloguer):
    docs = DraftDocumentFactory.create_batch(2, status=PublicationStatus.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        workflow.apply_to_many(documents=docs, transition="publish", user=cataloguer)
    assert not Document.objects.published().exists()


def test_history_records_the_channel_and_import_run():
    from catalogue.models import recording_channel
    from tests.factories import ImportRunFactory

    run = ImportRunFactory()
    with recording_channel(ChangeChannel.IMPORT, import_run=run):
        doc = DraftDocumentFactory()
    record = doc.history.get()
    assert record.history_channel == ChangeChannel.IMPORT
    assert record.history_import_run_id == run.pk
    doc.title = "Edited in a shell"
    doc.save()
    assert doc.history.latest().history_channel == ChangeChannel.COMMAND
    assert doc.history.latest().history_import_run_id is None


def test_role_groups_from_the_data_migration():
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    cataloguer, reviewer = codenames("Cataloguer"), codenames("Reviewer")
    assert {"add_document", "change_document", "add_footnote"} <= cataloguer
    assert not {"publish_document", "withdraw_document", "merge_agent", "delete_document"} & (
        cataloguer
    )
    assert cataloguer < reviewer
    assert {"publish_document", "withdraw_document", "merge_agent", "change_authorityreview"} <= (
        reviewer
    )
    administrator = codenames("Administrator")
    assert reviewer < administrator
    assert {"delete_document", "delete_agent", "merge_archivalunit", "add_user"} <= administrator


@pytest.mark.parametrize(
    "path, channel",
    [
        ("/api/v1/documents/1/", ChangeChannel.API),
        ("/admin/catalogue/document/1/change/", ChangeChannel.ADMIN),
    ],
)
def test_channel_follows_the_request_that_made_the_change(path, channel):
    from django.test import RequestFactory
    from simple_history.models import HistoricalRecords

    doc = DraftDocumentFactory()
    HistoricalRecords.context.request = RequestFactory().post(path)
    try:
        doc.title = "Changed over the wire"
        doc.save()
    finally:
        del HistoricalRecords.context.request
    assert doc.history.latest().history_channel == channel
