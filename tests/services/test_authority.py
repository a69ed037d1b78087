"""Authority control: names as written resolve to one agent; fuzzy matches only propose."""

import pytest

from catalogue.models import Agent, AgentKind, AgentName, AuthorityReview, NameType, Position
from catalogue.services.authority import AgentAuthority, resolve_agent
from tests.factories import AgentFactory, AgentNameFactory, ImportRunFactory

pytestmark = pytest.mark.django_db


def _resolve(authority, name, **kwargs):
    result = authority.resolve(name, **kwargs)
    authority.flush()
    return result


def test_matches_recorded_variant_and_records_new_office_form():
    rusk = AgentFactory(authorised_name="Dean Rusk")
    AgentNameFactory(agent=rusk, name="Rusk", name_type=NameType.VARIANT)
    run = ImportRunFactory()
    authority = AgentAuthority(import_run=run)

    result = _resolve(
        authority,
        "Rusk",
        variants=(("Secretary of State Rusk", NameType.OFFICE),),
        office="Secretary of State",
    )

    assert result.agent == rusk and not result.created and not result.ambiguous
    office_form = AgentName.objects.get(agent=rusk, name="Secretary of State Rusk")
    assert office_form.name_type == NameType.OFFICE and office_form.import_run == run
    assert list(Position.objects.filter(agent=rusk).values_list("title", flat=True)) == [
        "Secretary of State"
    ]
    assert Agent.objects.count() == 1


def test_normalisation_folds_case_punctuation_and_diacritics():
    agent = AgentFactory(authorised_name="Kuznetsóv, V.")
    result = _resolve(AgentAuthority(), "KUZNETSOV  V")
    assert result.agent == agent and not result.created


def test_surname_matches_full_authorised_name_of_a_person():
    ball = AgentFactory(authorised_name="George W. Ball")
    assert _resolve(AgentAuthority(), "Ball").agent == ball


def test_new_name_creates_agent_with_authorised_form():
    run = ImportRunFactory()
    result = _resolve(AgentAuthority(import_run=run), "Akalovsky")
    assert result.created
    agent = Agent.objects.get(authorised_name="Akalovsky")
    assert agent.import_run == run and agent.kind == AgentKind.PERSON
    assert AgentName.objects.filter(agent=agent, name_type=NameType.AUTHORISED).count() == 1


def test_transliteration_variant_is_proposed_for_merge_never_merged():
    kuznetsov = AgentFactory(authorised_name="Kuznetsov")
    run = ImportRunFactory()

    result = _resolve(AgentAuthority(import_run=run), "Kuznetzov")

    assert result.created and result.agent != kuznetsov
    assert Agent.objects.filter(merged_into__isnull=False).count() == 0
    review = AuthorityReview.objects.get()
    assert review.kind == AuthorityReview.Kind.PROPOSED_MERGE
    assert (review.agent, review.candidate) == (result.agent, kuznetsov)
    assert 85 <= review.score < 100
    assert review.status == AuthorityReview.Status.OPEN and review.import_run == run


def test_dissimilar_names_are_not_proposed():
    AgentFactory(authorised_name="Ball")
    _resolve(AgentAuthority(), "Bell")
    assert not AuthorityReview.objects.exists()


def test_ambiguous_name_goes_to_review():
    first = AgentFactory(authorised_name="Johnson")
    second = AgentFactory(authorised_name="U. Alexis Johnson")
    AgentNameFactory(agent=second, name="Johnson")

    result = _resolve(AgentAuthority(), "Johnson")

    assert result.ambiguous and result.agent == first
    review = AuthorityReview.objects.get()
    assert review.kind == AuthorityReview.Kind.AMBIGUOUS
    assert {review.agent, review.candidate} == {first, second}


def test_speaker_labels_are_recorded_but_never_matched():
    rusk = AgentFactory(authorised_name="Rusk")
    AgentNameFactory(agent=rusk, name="Sec", name_type=NameType.LABEL)
    result = _resolve(AgentAuthority(), "Sec")
    assert result.created and result.agent != rusk


def test_merged_agent_resolves_to_the_record_it_was_merged_into():
    kept = AgentFactory(authorised_name="Vasily V. Kuznetsov")
    AgentFactory(authorised_name="Kuznetzov", merged_into=kept)
    assert _resolve(AgentAuthority(), "Kuznetzov").agent == kept


def test_organisations_are_agents_of_kind_organisation():
    agent = resolve_agent("Mission to the United Nations", kind=AgentKind.ORGANISATION)
    assert agent.kind == AgentKind.ORGANISATION
    again = resolve_agent("mission to the united nations", kind=AgentKind.ORGANISATION)
    assert again == agent


def test_cache_answers_without_queries_after_loading(django_assert_num_queries):
    AgentFactory(authorised_name="McCloy")
    authority = AgentAuthority()
    authority.resolve("McCloy")
    with django_assert_num_queries(0):
        for _ in range(20):
            authority.resolve("McCloy")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Llewellyn E. Thompson", AgentKind.PERSON), ("Département d’État", AgentKind.ORGANISATION)],
)
def test_created_agent_has_what_save_derives_and_one_history_row(name, kind):
    from catalogue.models import ChangeChannel, recording_channel

    run = ImportRunFactory()
    authority = AgentAuthority(import_run=run)
    with recording_channel(ChangeChannel.IMPORT, import_run=run):
        agent = authority.resolve(name, kind=kind).agent
        authority.flush()
    by_save = Agent(authorised_name=name, kind=kind)
    by_save.save()

    stored = Agent.objects.get(pk=agent.pk)
    derived = ("normalised_name", "sort_name", "slug", "kind", "authorised_name")
    assert [getattr(stored, f) for f in derived] == [getattr(by_save, f) for f in derived]
    assert stored.created_at is not None and stored.import_run == run
    (row,) = Agent.history.filter(id=agent.pk)
    assert (row.history_type, row.history_channel, row.history_import_run_id) == (
        "+",
        ChangeChannel.IMPORT,
        run.pk,
    )
    assert row.authorised_name == name and row.history_change_reason is None
