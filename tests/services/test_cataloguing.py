"""Cataloguing the two seed texts: every record an archivist would enter by hand."""

import datetime as dt
from pathlib import Path

import pytest

from catalogue import models as m
from catalogue.importers.avalon import parse_document
from catalogue.services.cataloguing import CatalogueContext, catalogue_document, catalogue_documents
from tests.factories import ImportRunFactory

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"

pytestmark = pytest.mark.django_db


def parse(path: Path, data: bytes | None = None):
    return parse_document(
        data if data is not None else path.read_bytes(),
        filename=str(path),
        max_bytes=2_000_000,
        collection=None,
    )


def store(path: Path, run=None, data: bytes | None = None, **kwargs):
    run = run or ImportRunFactory()
    return catalogue_document(parsed=parse(path, data), import_run=run, **kwargs)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in [
            m.Document,
            m.Footnote,
            m.DocumentAgent,
            m.ProvenanceEvent,
            m.EventAgent,
            m.DocumentRelation,
            m.Citation,
            m.Agent,
            m.AgentName,
            m.Position,
            m.ArchivalUnit,
            m.Repository,
            m.Publication,
            m.AuthorityReview,
            m.Collection,
        ]
    } | {"history": m.Document.history.count()}


def test_telegram_is_catalogued_with_units_agents_and_citations():
    run = ImportRunFactory()
    doc, outcome = store(TELEGRAM, run)

    assert outcome == "created"
    doc.refresh_from_db()
    assert doc.title == "Telegram From the Mission to the United Nations to the Department of State"
    assert doc.doc_type.key == "telegram"
    assert doc.collection.name == "The Cuban Missile Crisis"
    assert (doc.place, doc.date, doc.time) == ("New York", dt.date(1962, 10, 31), dt.time(22, 50))
    assert (doc.date_precision, doc.date_certainty) == ("day", "certain")
    assert doc.message_number == "1581" and doc.subject_line == "Cuba"
    assert doc.slug == "telegram-from-the-mission-to-the-united-nations-to-the-department-of-state"
    assert doc.get_absolute_url().endswith(f"/{doc.pk}/{doc.slug}/")
    assert doc.routing == ["Dept pass White House"]
    assert doc.classification.name == "Confidential"
    assert doc.status == m.PublicationStatus.DRAFT
    assert doc.import_run == run and doc.source_checksum == parse(TELEGRAM).checksum
    assert doc.raw_text == TELEGRAM.read_text()
    assert doc.source_note == (
        "Source: USUN Files: NYFRC 84-84-001, October-November Meetings. Confidential. "
        "Drafted by Akalovsky and concurred in by McCloy."
    )
    assert doc.unit.repository.name == "New York Federal Records Center"
    assert doc.unit.path_labels() == ["USUN Files", "NYFRC 84-84-001", "October-November Meetings"]
    top = doc.unit.parent
    assert (top.level, top.identifier, top.identifier_scheme) == (
        "collection",
        "NYFRC 84-84-001",
        m.IdentifierScheme.ACCESSION,
    )
    assert doc.sender.authorised_name == "Mission to the United Nations"
    assert doc.sender.kind == m.AgentKind.ORGANISATION
    assert doc.recipient.authorised_name == "Department of State"

    roles = {(r.agent.authorised_name, r.role) for r in doc.agent_roles.select_related("agent")}
    assert roles == {
        ("Mission to the United Nations", "sender"),
        ("Department of State", "recipient"),
        ("Akalovsky", "drafter"),
        ("McCloy", "concurred"),
    }

    footnote = doc.footnotes.get()
    assert (footnote.number, footnote.kind, footnote.anchor_text) == (1, "archival", "today")
    assert doc.text[footnote.marker_offset :].startswith("(1)")
    archival = doc.citations.get(kind=m.CitationKind.CITES_ARCHIVAL)
    assert archival.footnote == footnote
    assert archival.unit.repository.name == "Washington National Records Center"
    assert archival.unit.path_labels() == [
        "RG 330",
        "OASD(C) A Files",
        "FRC 71 A 2896",
        "Verification of US-USSR Agreements re Cuba",
        "Gilpatric Notes",
    ]
    rg = m.ArchivalUnit.objects.get(title="RG 330")
    assert (rg.level, rg.identifier_scheme, rg.parent) == ("record_group", "record_group", None)
    kinds = set(doc.citations.values_list("kind", "publication__short_title"))
    assert ("published_in", "FRUS 1961–1963, vol. XI") in kinds
    assert ("transcribed_in", "Avalon Project") in kinds

    events = list(doc.events.prefetch_related("agents"))
    assert [e.event_type for e in events] == [
        "drafted",
        "concurred",
        "sent",
        "filed",
        "published",
        "transcribed",
        "catalogued",
    ]
    assert [a.authorised_name for a in events[0].agents.all()] == ["Akalovsky"]
    assert [a.authorised_name for a in events[1].agents.all()] == ["McCloy"]
    sent = events[2]
    assert (sent.date, sent.time, sent.place) == (
        dt.date(1962, 10, 31),
        dt.time(22, 50),
        "New York",
    )
    assert events[3].unit == doc.unit
    assert events[3].custodian_after.name == "New York Federal Records Center"
    assert events[4].publication.short_title == "FRUS 1961–1963, vol. XI"
    assert all(e.import_run == run for e in events)
    assert doc.needs_review is False


def test_telcon_has_inferred_date_with_evidence_relations_and_speakers():
    doc, _ = store(TELCON)
    doc.refresh_from_db()

    assert doc.doc_type.key == "memorandum_of_telephone_conversation"
    assert doc.unit.repository.name == "Department of State"
    assert doc.unit.path_labels() == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert doc.unit.parent.identifier_scheme == m.IdentifierScheme.LOT
    assert doc.classification.name == "No classification marking"
    assert (doc.date, doc.date_certainty) == (dt.date(1962, 10, 31), "inferred")
    assert "Rusk's Appointment Book" in doc.date_note
    assert "Rusk's Appointment Book" in doc.editorial_note

    created = doc.events.get(event_type="created")
    assert created.date_certainty == "inferred"
    assert created.evidence == "Rusk's Appointment Book (Johnson Library)"
    assert {a.authorised_name for a in created.agents.all()} == {"Rusk", "Stevenson"}

    roles = {
        (r.agent.authorised_name, r.role, r.position_title, r.name_as_written)
        for r in doc.agent_roles.select_related("agent")
        if r.role == "participant"
    }
    assert roles == {
        ("Rusk", "participant", "Secretary of State", "Secretary of State Rusk"),
        (
            "Stevenson",
            "participant",
            "Permanent Representative to the United Nations",
            "the Permanent Representative to the United Nations (Stevenson)",
        ),
    }
    speakers = set(
        doc.agent_roles.filter(role="speaker").values_list("agent__authorised_name", flat=True)
    )
    assert speakers == {"Rusk", "Stevenson"}
    rusk = m.Agent.objects.get(authorised_name="Rusk")
    assert set(rusk.names.values_list("name", "name_type")) >= {
        ("Secretary of State Rusk", "office"),
        ("Sec", "label"),
        ("Secretary", "label"),
    }
    assert list(rusk.positions.values_list("title", flat=True)) == ["Secretary of State"]

    footnotes = list(doc.footnotes.values_list("number", "kind", "anchor_text", "resolved_date"))
    assert footnotes == [
        (1, "date", "Sunday", dt.date(1962, 10, 28)),
        (2, "citation", "Kennedy", None),
        (3, "date", "Friday", dt.date(1962, 11, 2)),
    ]
    relation = doc.relations.get()
    assert relation.relation_type == m.RelationType.PRINTED_AS
    assert (relation.target_label, relation.target_document_number) == ("Document 102", 102)
    assert relation.target is None and relation.footnote.number == 2
    printed = doc.citations.get(kind=m.CitationKind.CITES_PRINTED)
    assert printed.publication.title == "American Foreign Policy: Current Documents, 1962"
    assert printed.pages == "447-448" and printed.footnote.number == 2


def test_relation_links_a_document_known_by_its_frus_number():
    target, _ = store(TELEGRAM)
    context = CatalogueContext()
    m.Citation.objects.filter(document=target, kind="published_in").update(document_number=102)

    doc, _ = catalogue_document(parsed=parse(TELCON), context=context)

    assert doc.relations.get().target == target


def test_reimport_of_the_same_file_writes_nothing(django_assert_max_num_queries):
    store(TELEGRAM)
    store(TELCON)
    before = counts()
    run = ImportRunFactory()
    parsed = [parse(TELEGRAM), parse(TELCON)]

    with django_assert_max_num_queries(3) as captured:  # savepoint, identity lookup, release
        results = catalogue_documents(parsed, import_run=run)

    assert [outcome for _doc, outcome in results] == ["unchanged", "unchanged"]
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert counts() == before


def test_changed_file_updates_in_place_and_history_keeps_earlier_value():
    first_run, second_run = ImportRunFactory(), ImportRunFactory()
    doc, _ = store(TELEGRAM, first_run)
    before = counts()
    changed = (
        TELEGRAM.read_bytes()
        .replace(b"Confidential.", b"Secret.")
        .replace(b"Kuznetsov smiled.", b"Kuznetsov smiled broadly.")
    )

    updated, outcome = store(TELEGRAM, second_run, data=changed)

    assert outcome == "updated" and updated.pk == doc.pk
    updated.refresh_from_db()
    assert updated.classification.name == "Secret"
    assert updated.version == 2 and updated.import_run == second_run
    assert "smiled broadly" in updated.text
    after = counts()
    assert after.pop("history") == before.pop("history") + 1
    assert after == before  # child rows replaced, not duplicated
    history = list(updated.history.order_by("history_date"))
    assert [h.classification.name for h in history] == ["Confidential", "Secret"]
    assert history[-1].history_change_reason == f"Import run {second_run.pk}"
    assert history[0].history_change_reason == f"Import run {first_run.pk}"


def test_publish_flag_publishes():
    doc, _ = store(TELEGRAM, publish=True)
    doc.refresh_from_db()
    assert doc.status == m.PublicationStatus.PUBLISHED and doc.published_at is not None


def test_missing_parts_are_flagged_for_review():
    text = b"The Cuban Missile Crisis\nMemorandum for the Record\n\nWe met at noon and agreed.\n"
    doc, outcome = store(SEEDS / "bare.txt", data=text)
    doc.refresh_from_db()
    assert outcome == "created"
    assert doc.needs_review
    for missing in ("dateline", "source note", "footnotes"):
        assert missing in doc.review_note
    assert doc.unit is None and doc.date is None and doc.date_precision == "unknown"


def test_seeds_on_the_bundled_fixture_reuse_its_records(seed_catalogue):
    before = counts()
    run = ImportRunFactory()
    results = catalogue_documents([parse(TELEGRAM), parse(TELCON)], import_run=run)
    # The fixture describes the same two files by hand: they are adopted, not duplicated.
    assert [outcome for _doc, outcome in results] == ["unchanged", "unchanged"]
    assert counts() == before
    assert m.Document.objects.filter(identity_key="").count() == 0


def test_variant_texts_reuse_agents_units_and_vocabularies():
    run = ImportRunFactory()
    base = TELEGRAM.read_bytes()
    variants = [
        base.replace(b"1581.", f"{1600 + i}.".encode()).replace(
            b"Kuznetsov smiled.", f"Note {i}.".encode()
        )
        for i in range(3)
    ]
    context = CatalogueContext(import_run=run)
    parsed = [parse(TELEGRAM, data) for data in variants]
    results = catalogue_documents(parsed, import_run=run, context=context)
    assert [o for _d, o in results] == ["created"] * 3
    assert m.Document.objects.count() == 3
    assert m.Agent.objects.filter(authorised_name="McCloy").count() == 1
    assert m.ArchivalUnit.objects.filter(title="October-November Meetings").count() == 1
    assert m.Repository.objects.filter(name="Washington National Records Center").count() == 1


def test_transliteration_in_a_text_is_proposed_for_merge():
    run = ImportRunFactory()
    store(TELEGRAM, run)
    variant = (
        TELEGRAM.read_bytes()
        .replace(b"1581.", b"1590.")
        .replace(
            b"Drafted by Akalovsky and concurred in by McCloy.",
            b"Drafted by Akalovsky and concurred in by Kuznetzov.",
        )
    )
    parsed = parse(TELEGRAM, variant)
    assert any(r.agent.name == "Kuznetzov" for r in parsed.roles)
    m.Agent.objects.create(authorised_name="Kuznetsov")

    doc, _ = catalogue_document(parsed=parsed, import_run=run)

    review = m.AuthorityReview.objects.get(kind="proposed_merge")
    assert (review.agent.authorised_name, review.candidate.authorised_name) == (
        "Kuznetzov",
        "Kuznetsov",
    )
    assert review.document == doc
    assert m.Agent.objects.filter(merged_into__isnull=False).count() == 0


def _variants(n: int) -> list[bytes]:
    base = TELEGRAM.read_bytes()
    return [base.replace(b"1581.", f"{2000 + i}.".encode()) for i in range(n)]


def test_query_count_does_not_grow_with_the_number_of_documents(django_assert_max_num_queries):
    """Twenty documents cost the same bulk statements as one (SQLite may split a large
    bulk INSERT at its 999-parameter limit, hence the headroom; 20x would be per-row)."""
    store(TELEGRAM)  # warm the vocabularies: both runs below only write documents

    def prepared(n, tag):
        parsed = [parse(TELEGRAM, data) for data in _variants(n)]
        for p in parsed:
            p.identity_key += tag
        return parsed

    with django_assert_max_num_queries(100) as one:
        catalogue_documents(prepared(1, "-one"), import_run=ImportRunFactory())
    single = len(one.captured_queries)

    with django_assert_max_num_queries(single + 6):
        catalogue_documents(prepared(20, "-twenty"), import_run=ImportRunFactory())
    assert m.Document.objects.count() == 1 + 1 + 20


def test_same_title_with_another_accession_is_another_unit():
    store(TELEGRAM)
    other = (
        TELEGRAM.read_bytes()
        .replace(b"1581.", b"1582.")
        .replace(b"NYFRC 84-84-001", b"NYFRC 84-84-002")
    )
    doc, _ = store(TELEGRAM, data=other)
    doc.refresh_from_db()
    assert doc.unit.parent.identifier == "NYFRC 84-84-002"
    assert m.ArchivalUnit.objects.filter(identifier="NYFRC 84-84-001").count() == 1
    again, _ = store(TELEGRAM, data=other.replace(b"1582.", b"1583."))
    again.refresh_from_db()
    assert again.unit == doc.unit


def test_same_identity_twice_in_one_batch_creates_then_updates():
    first = parse(TELEGRAM)
    second = parse(TELEGRAM, TELEGRAM.read_bytes().replace(b"Kuznetsov smiled.", b"He left."))
    results = catalogue_documents([first, second], import_run=ImportRunFactory())
    assert [outcome for _d, outcome in results] == ["created", "updated"]
    assert m.Document.objects.count() == 1
    assert "He left." in m.Document.objects.get().text


def test_received_after_midnight_is_dated_the_next_day():
    text = TELEGRAM.read_bytes().replace(
        b"concurred in by McCloy.",
        b"concurred in by McCloy. Received in the Department of State at 1:12 a.m.",
    )
    doc, _ = store(TELEGRAM, data=text)
    received = doc.events.get(event_type="received")
    assert received.time == dt.time(1, 12)
    assert (received.date, received.date_certainty) == (dt.date(1962, 11, 1), "inferred")
    assert doc.events.get(event_type="sent").date == dt.date(1962, 10, 31)


def test_an_unknown_collection_is_not_claimed_for_frus():
    run = ImportRunFactory()
    parsed = parse_document(
        TELEGRAM.read_bytes(),
        filename=str(TELEGRAM),
        max_bytes=2_000_000,
        collection="Private Papers of Nobody",
    )
    doc, _ = catalogue_document(parsed=parsed, import_run=run)
    assert doc.collection.name == "Private Papers of Nobody"
    assert not doc.citations.filter(kind="published_in").exists()
    assert not doc.events.filter(event_type="published").exists()
    assert doc.citations.filter(kind="transcribed_in").exists()


def test_reference_line_becomes_a_relation():
    text = TELEGRAM.read_bytes().replace(
        b"1581. Subject: Cuba.", b"1581. Subject: Cuba. Ref: Deptel 1015."
    )
    doc, _ = store(TELEGRAM, data=text)
    relation = doc.relations.get()
    assert (relation.relation_type, relation.target_label, relation.target) == (
        m.RelationType.REFERS_TO,
        "Deptel 1015",
        None,
    )


def test_units_written_in_bulk_have_tree_paths_and_import_history():
    run = ImportRunFactory()
    first = parse(TELEGRAM)
    second = parse(
        TELEGRAM,
        TELEGRAM.read_bytes()
        .replace(b"1581.", b"1582.")
        .replace(b"October-November Meetings", b"Cuba Meetings"),
    )
    (doc, _), (other, _) = catalogue_documents([first, second], import_run=run)
    doc.refresh_from_db()
    other.refresh_from_db()
    unit, sibling = doc.unit, other.unit
    assert unit != sibling and unit.parent == sibling.parent  # the accession is shared
    assert unit.path_labels()[-1] == "October-November Meetings"
    # Units of the source notes and of the footnotes' archival citations (RG 330 …).
    new_units = m.ArchivalUnit.objects.filter(import_run=run)
    assert {unit, sibling, unit.parent} < set(new_units)
    cited = m.Citation.objects.filter(document=doc, kind=m.CitationKind.CITES_ARCHIVAL)
    assert cited.exclude(unit=None).exists()
    assert set(cited.exclude(unit=None).values_list("unit__import_run", flat=True)) == {run.pk}
    for u in new_units:
        chain = [*u.ancestors(), u]
        assert u.tree_path == "/" + "".join(f"{a.pk}/" for a in chain)
        assert [a.depth for a in chain] == list(range(len(chain)))
        assert chain[0].parent is None and u.slug
    history = m.ArchivalUnit.history.filter(id__in=new_units.values("pk"))
    assert history.count() == new_units.count()
    assert {(h.history_type, h.history_channel, h.history_import_run_id) for h in history} == {
        ("+", "import", run.pk)
    }
    assert {h.history_change_reason for h in history} == {f"Import run {run.pk}"}
    assert {h.tree_path for h in history} == set(new_units.values_list("tree_path", flat=True))


def test_repeated_keys_interleaved_in_a_batch_apply_in_file_order():
    telegram = TELEGRAM.read_bytes()
    texts = [
        parse(TELEGRAM),
        parse(TELCON),
        parse(TELEGRAM, telegram.replace(b"Kuznetsov smiled.", b"He left.")),
        parse(TELEGRAM, telegram.replace(b"Kuznetsov smiled.", b"He stayed.")),
        parse(TELCON),
    ]
    results = catalogue_documents(texts, import_run=ImportRunFactory())
    outcomes = [outcome for _d, outcome in results]
    assert outcomes == ["created", "created", "updated", "updated", "unchanged"]
    assert results[0][0].pk == results[2][0].pk == results[3][0].pk != results[1][0].pk
    assert results[4][0].pk == results[1][0].pk
    telegram_doc = m.Document.objects.get(pk=results[0][0].pk)
    assert "He stayed." in telegram_doc.text and telegram_doc.version == 3
    history = list(telegram_doc.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert ["He stayed." in h.text for h in history] == [False, False, True]


def test_update_writes_what_save_would_and_frees_footnotes_cited_elsewhere():
    first_run, second_run = ImportRunFactory(), ImportRunFactory()
    doc, _ = store(TELEGRAM, first_run)
    other, _ = store(TELCON, first_run)
    footnote = doc.footnotes.first()
    citing = m.Citation.objects.filter(document=other).first()
    citing.footnote = footnote
    citing.save()
    relation = m.DocumentRelation.objects.create(
        source=other, relation_type=m.RelationType.REFERS_TO, target_label="x", footnote=footnote
    )
    stored = m.Document.objects.get(pk=doc.pk)
    changed = TELEGRAM.read_bytes().replace(b"Kuznetsov smiled.", b"He left.")

    updated, outcome = store(TELEGRAM, second_run, data=changed)

    assert outcome == "updated"
    fresh = m.Document.objects.get(pk=doc.pk)
    assert fresh.version == stored.version + 1
    assert fresh.updated_at > stored.updated_at and fresh.created_at == stored.created_at
    assert fresh.slug == stored.slug and fresh.raw_text == changed.decode()
    last = fresh.history.order_by("history_id").last()
    assert (last.history_type, last.history_channel, last.history_import_run_id) == (
        "~",
        m.ChangeChannel.IMPORT,
        second_run.pk,
    )
    assert last.version == fresh.version and last.text == fresh.text
    citing.refresh_from_db()
    relation.refresh_from_db()
    assert citing.footnote_id is None and relation.footnote_id is None
    assert fresh.footnotes.count() == stored.footnotes.count()
