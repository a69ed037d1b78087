import datetime
import io

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from PIL import Image

from catalogue import models as m
from catalogue.services.media import ingest_page_image
from catalogue.services.merging import merge_agents
from tests.admin.browser import form_values
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DraftDocumentFactory,
    EventFactory,
    FootnoteFactory,
    ImportRunFactory,
    PublicationFactory,
    SubjectFactory,
    SuperuserFactory,
    UnitFactory,
    staff_in_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(obj):
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


# --- optimistic locking ------------------------------------------------------------


def test_two_archivists_editing_the_same_document_first_save_wins():
    doc = DraftDocumentFactory(title="Telegram From the Embassy in Moscow")
    FootnoteFactory(document=doc, number=1, text="Received at 4:30 p.m.")
    alice = login(staff_in_group("Cataloguer", username="alice"))
    bob = login(staff_in_group("Cataloguer", username="bob"))

    page_a = alice.get(change_url(doc))
    page_b = bob.get(change_url(doc))
    data_a = form_values(page_a, "document_form")
    data_b = form_values(page_b, "document_form")
    assert data_a["version"] == data_b["version"] == "1"

    data_a.update(title="Telegram From the Embassy in the Soviet Union", _save="Save")
    response = alice.post(change_url(doc), data_a)
    assert response.status_code == 302, response.context and response.context["errors"]

    data_b.update(title="Bob's title", text="Bob rewrote the body.", _save="Save")
    data_b["footnotes-0-text"] = "Bob's footnote"
    response = bob.post(change_url(doc), data_b)
    assert response.status_code == 200
    body = response.content.decode()
    assert "changed by alice at " in body
    assert "since you opened it" in body and "review their change" in body

    doc.refresh_from_db()
    assert doc.title == "Telegram From the Embassy in the Soviet Union"
    assert doc.text != "Bob rewrote the body."
    assert doc.footnotes.get().text == "Received at 4:30 p.m."
    assert doc.version == 2
    assert doc.history.count() == 2

    # Bob reloads, sees Alice's change, and can now save his.
    data_b = form_values(bob.get(change_url(doc)), "document_form")
    assert data_b["version"] == "2"
    data_b.update(title="Bob's title", _save="Save")
    assert bob.post(change_url(doc), data_b).status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.version) == ("Bob's title", 3)


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: AgentFactory(authorised_name="Kuznetsov"), "authorised_name"),
        (lambda: UnitFactory(title="Lot 65 D 438"), "title"),
    ],
    ids=["agent", "unit"],
)
def test_agents_and_units_are_locked_too(make, field):
    obj = make()
    form_id = f"{obj._meta.model_name}_form"
    first = login(staff_in_group("Reviewer", username="first"))
    second = login(staff_in_group("Reviewer", username="second"))
    data_1 = form_values(first.get(change_url(obj)), form_id)
    data_2 = form_values(second.get(change_url(obj)), form_id)
    data_1.update({field: "First's edit", "_save": "Save"})
    assert first.post(change_url(obj), data_1).status_code == 302
    data_2.update({field: "Second's edit", "_save": "Save"})
    response = second.post(change_url(obj), data_2)
    assert response.status_code == 200
    assert "changed by first at" in response.content.decode()
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == ("First's edit", 2)


def test_changes_are_recorded_with_the_admin_channel_and_diff_shown():
    doc = DraftDocumentFactory(title="Old title")
    client = login(SuperuserFactory(username="archivist"))
    data = form_values(client.get(change_url(doc)), "document_form")
    data.update(title="New title", _save="Save")
    assert client.post(change_url(doc), data).status_code == 302
    record = doc.history.latest()
    assert record.history_channel == m.ChangeChannel.ADMIN
    assert record.history_user.username == "archivist"

    page = client.get(reverse("admin:catalogue_document_history", args=[doc.pk]))
    body = page.content.decode()
    assert "Old title" in body and "New title" in body  # the field-by-field diff
    assert "<strong>Title:</strong>" in body
    assert "<td>Admin</td>" in body  # the channel column


def test_revert_to_an_earlier_version_through_history():
    doc = DraftDocumentFactory(title="First")
    client = login(SuperuserFactory())
    data = form_values(client.get(change_url(doc)), "document_form")
    data.update(title="Second", _save="Save")
    client.post(change_url(doc), data)
    first = doc.history.earliest()
    url = reverse("admin:catalogue_document_simple_history", args=[doc.pk, first.history_id])
    page = client.get(url)
    data = form_values(page, "historicaldocument_form")
    assert data["title"] == "First"
    assert data["version"] == "2"  # the current version, so a revert is not stale
    data["_change_history"] = "Revert"
    assert client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.version) == ("First", 3)


# --- workflow and permissions ----------------------------------------------------


def run_action(client, action, docs, **extra):
    data = {"action": action, "_selected_action": [d.pk for d in docs], **extra}
    return client.post(reverse("admin:catalogue_document_changelist"), data, follow=True)


def test_cataloguer_cannot_publish_a_reviewer_can():
    docs = DraftDocumentFactory.create_batch(2, status=m.PublicationStatus.IN_REVIEW)
    cataloguer = login(staff_in_group("Cataloguer"))
    changelist = cataloguer.get(reverse("admin:catalogue_document_changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "submit" in actions and "publish" not in actions and "withdraw" not in actions
    run_action(cataloguer, "publish", docs)
    assert not m.Document.objects.published().exists()
    # nor may a cataloguer edit a record that is under review
    assert cataloguer.post(change_url(docs[0]), {"title": "x"}).status_code == 403

    reviewer = login(staff_in_group("Reviewer"))
    response = run_action(reviewer, "publish", docs)
    assert "2 document(s) published." in response.content.decode()
    assert m.Document.objects.published().count() == 2
    assert all(d.published_at for d in m.Document.objects.all())


def test_bulk_withdraw_needs_a_reason_and_skips_wrong_states():
    published = DraftDocumentFactory.create_batch(2, status=m.PublicationStatus.PUBLISHED)
    draft = DraftDocumentFactory()
    reviewer = login(staff_in_group("Reviewer"))
    response = run_action(reviewer, "withdraw", [*published, draft])
    assert "Say why" in response.content.decode()
    assert m.Document.objects.withdrawn().count() == 0
    response = run_action(reviewer, "withdraw", [*published, draft], reason="Superseded.")
    body = response.content.decode()
    assert "2 document(s) withdrawn." in body and f"Document {draft.pk} is draft" in body
    assert set(m.Document.objects.withdrawn().values_list("withdrawn_reason", flat=True)) == {
        "Superseded."
    }


def test_workflow_buttons_on_the_change_page():
    doc = DraftDocumentFactory()
    cataloguer = login(staff_in_group("Cataloguer"))
    page = cataloguer.get(change_url(doc)).content.decode()
    assert "Submit for review" in page and ">Publish<" not in page
    url = reverse("admin:catalogue_document_transition", args=[doc.pk, "submit"])
    cataloguer.post(url)
    doc.refresh_from_db()
    assert doc.status == m.PublicationStatus.IN_REVIEW
    cataloguer.post(reverse("admin:catalogue_document_transition", args=[doc.pk, "publish"]))
    doc.refresh_from_db()
    assert doc.status == m.PublicationStatus.IN_REVIEW
    reviewer = login(staff_in_group("Reviewer"))
    assert ">Publish<" in reviewer.get(change_url(doc)).content.decode()
    reviewer.post(reverse("admin:catalogue_document_transition", args=[doc.pk, "publish"]))
    doc.refresh_from_db()
    assert doc.status == m.PublicationStatus.PUBLISHED


def test_status_cannot_be_set_through_the_form():
    doc = DraftDocumentFactory()
    client = login(staff_in_group("Cataloguer"))
    data = form_values(client.get(change_url(doc)), "document_form")
    data.update(status="published", published_at="2026-01-01 00:00", _save="Save")
    assert client.post(change_url(doc), data).status_code == 302
    doc.refresh_from_db()
    assert doc.status == m.PublicationStatus.DRAFT and doc.published_at is None


# --- a complete telegram through the add form -----------------------------------


def test_archivist_adds_a_complete_telegram_with_inlines():
    rusk = AgentFactory(authorised_name="Dean Rusk")
    kohler = AgentFactory(authorised_name="Foy D. Kohler")
    unit = UnitFactory(title="Central Files, 737.00/10-2662")
    subject = SubjectFactory(name="Quarantine")
    client = login(staff_in_group("Cataloguer", username="carol"))
    page = client.get(reverse("admin:catalogue_document_add"))
    assert page.status_code == 200
    data = form_values(page, "document_form")
    data.update(
        {
            "title": "Telegram From the Embassy in the Soviet Union to the Department of State",
            "collection": m.Collection.objects.get_or_create(name="The Cuban Missile Crisis")[0].pk,
            "doc_type": m.DocumentType.objects.get(key="telegram").pk,
            "sender": kohler.pk,
            "recipient": rusk.pk,
            "place": "Moscow",
            "date": "1962-10-26",
            "date_precision": "day",
            "date_certainty": "certain",
            "time": "19:00",
            "message_number": "1101",
            "routing": "[]",
            "text": "Embassy has received letter from Khrushchev (1) to President.",
            "unit": unit.pk,
            "classification": m.ClassificationLevel.objects.get(name="Secret").pk,
            "subjects": [subject.pk],
            "_save": "Save",
            "agent_roles-TOTAL_FORMS": "2",
            "agent_roles-0-agent": kohler.pk,
            "agent_roles-0-role": "sender",
            "agent_roles-0-sequence": "0",
            "agent_roles-1-agent": rusk.pk,
            "agent_roles-1-role": "recipient",
            "agent_roles-1-sequence": "1",
            "footnotes-TOTAL_FORMS": "1",
            "footnotes-0-number": "1",
            "footnotes-0-kind": "cross_reference",
            "footnotes-0-text": "Printed as Document 84.",
            "events-TOTAL_FORMS": "2",
            "events-0-event_type": "sent",
            "events-0-sequence": "0",
            "events-0-date": "1962-10-26",
            "events-0-date_precision": "day",
            "events-0-date_certainty": "certain",
            "events-1-event_type": "received",
            "events-1-sequence": "1",
            "events-1-date_precision": "unknown",
            "events-1-date_certainty": "certain",
            "events-1-evidence": "Received 9:42 p.m.",
            "digital_objects-TOTAL_FORMS": "1",
            "digital_objects-0-caption": "First page",
        }
    )
    upload = io.BytesIO(png())
    upload.name = "scan of page 1.png"
    data["digital_objects-0-upload"] = upload
    response = client.post(reverse("admin:catalogue_document_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    doc = m.Document.objects.get(message_number="1101")
    assert doc.status == m.PublicationStatus.DRAFT and doc.version == 1
    assert (doc.sender, doc.recipient, doc.unit) == (kohler, rusk, unit)
    assert doc.date == datetime.date(1962, 10, 26)
    assert list(doc.subjects.all()) == [subject]
    assert {(r.agent, r.role) for r in doc.agent_roles.all()} == {
        (kohler, "sender"),
        (rusk, "recipient"),
    }
    assert doc.footnotes.get().text == "Printed as Document 84."
    assert list(doc.events.values_list("event_type", flat=True)) == ["sent", "received"]
    page_image = doc.digital_objects.get()
    assert (page_image.page_number, page_image.format, page_image.width) == (1, "PNG", 300)
    assert page_image.original_name == "scan of page 1.png"
    assert "scan" not in page_image.image.name and page_image.checksum_sha256
    assert doc.history.get().history_user.username == "carol"


def test_bad_upload_is_refused_in_the_form_and_nothing_saved():
    doc = DraftDocumentFactory()
    client = login(SuperuserFactory())
    data = form_values(client.get(change_url(doc)), "document_form")
    fake = io.BytesIO(b"<html><body>not a scan</body></html>")
    fake.name = "page.jpg"
    data.update({"digital_objects-TOTAL_FORMS": "1", "digital_objects-0-upload": fake})
    data["_save"] = "Save"
    response = client.post(change_url(doc), data)
    assert response.status_code == 200
    assert "not an image in an accepted format" in response.content.decode()
    assert not m.DigitalObject.objects.exists()
    doc.refresh_from_db()
    assert doc.version == 1


# --- merging and the review queue -------------------------------------------------


def test_merge_action_with_survivor_choice():
    keep = AgentFactory(authorised_name="Vasily Kuznetsov")
    dup = AgentFactory(authorised_name="Vasily Kuznetzov")
    DocumentAgentFactory(agent=dup)
    client = login(staff_in_group("Reviewer"))
    url = reverse("admin:catalogue_agent_changelist")
    data = {"action": "merge_agents", "_selected_action": [keep.pk, dup.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Choose the record that survives" in confirm.content.decode()
    response = client.post(url, {**data, "confirm": "yes", "survivor": keep.pk}, follow=True)
    assert "Merged 1 record(s) into “Vasily Kuznetsov”" in response.content.decode()
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert keep.document_roles.count() == 1

    cataloguer = login(staff_in_group("Cataloguer"))
    action_form = cataloguer.get(url).context["action_form"]
    assert action_form is None or "merge_agents" not in dict(action_form.fields["action"].choices)


def test_accepting_a_proposed_merge_runs_the_merge_and_undo_restores():
    existing = AgentFactory(authorised_name="Kuznetsov")
    new = AgentFactory(authorised_name="Kuznetzov")
    AgentNameFactory(agent=new, name="Kuznetzov", name_type=m.NameType.AUTHORISED)
    DocumentAgentFactory(agent=new)
    review = m.AuthorityReview.objects.create(
        kind=m.AuthorityReview.Kind.PROPOSED_MERGE,
        name="Kuznetzov",
        agent=new,
        candidate=existing,
        score=88.9,
    )
    client = login(staff_in_group("Reviewer", username="rita"))
    client.post(
        reverse("admin:catalogue_authorityreview_changelist"),
        {"action": "accept", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    new.refresh_from_db()
    assert review.status == "accepted" and review.resolved_by.username == "rita"
    assert new.merged_into == existing
    record = m.MergeRecord.objects.get(review=review)

    client.post(
        reverse("admin:catalogue_mergerecord_changelist"),
        {"action": "undo", "_selected_action": [record.pk]},
    )
    new.refresh_from_db()
    assert new.merged_into is None and new.document_roles.count() == 1
    assert new.names.get().name_type == m.NameType.AUTHORISED


def test_reject_keeps_records_apart():
    review = m.AuthorityReview.objects.create(
        kind=m.AuthorityReview.Kind.PROPOSED_MERGE,
        name="Ball",
        agent=AgentFactory(),
        candidate=AgentFactory(),
    )
    client = login(staff_in_group("Reviewer"))
    client.post(
        reverse("admin:catalogue_authorityreview_changelist"),
        {"action": "reject", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert review.status == "rejected"
    assert not m.MergeRecord.objects.exists()


# --- every admin page renders ------------------------------------------------------


@pytest.fixture
def one_of_everything():
    superuser = SuperuserFactory(username="root")
    doc = DraftDocumentFactory()
    DocumentAgentFactory(document=doc)
    FootnoteFactory(document=doc)
    event = EventFactory(document=doc)
    m.EventAgent.objects.create(event=event, agent=AgentFactory())
    m.Citation.objects.create(
        document=doc, kind=m.CitationKind.PUBLISHED_IN, publication=PublicationFactory()
    )
    m.DocumentRelation.objects.create(source=doc, target_label="Document 84", relation_type="cites")
    agent = AgentFactory()
    AgentNameFactory(agent=agent)
    m.Position.objects.create(agent=agent, title="Ambassador")
    m.AgentIdentifier.objects.create(agent=agent, source="viaf", url="https://viaf.org/1")
    SubjectFactory()
    run = ImportRunFactory()
    m.ImportedFile.objects.create(run=run, path="a.txt", outcome="created", document=doc)
    m.AuthorityReview.objects.create(kind="unresolved", name="Sec", agent=agent)
    page = ingest_page_image(document=doc, upload=png())
    m.FixityCheck.objects.create(digital_object=page, outcome="ok", expected="x", actual="x")
    merge_agents(survivor=agent, loser=AgentFactory(), user=superuser)
    return superuser


def test_every_admin_page_renders_for_a_superuser(one_of_everything):
    client = login(one_of_everything)
    assert client.get(reverse("admin:index")).status_code == 200
    checked = 0
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(_request(one_of_everything)):
            add = reverse("admin:{}_{}_add".format(*info))
            assert client.get(add).status_code == 200, add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(change).status_code == 200, change
            history = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
            assert client.get(history).status_code == 200, history
            checked += 1
    assert checked >= 18


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
