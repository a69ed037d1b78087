"""The document page's provenance events and meta tags: the ``provenance_items`` and
``meta_tags`` tags render what the template loops they replaced rendered, escaped the
same way; ``choice_label`` is ``get_FOO_display``."""

import datetime

import pytest
from django.db.models import Prefetch
from django.template import Context, Template

from catalogue.models import DateCertainty, EventAgent, ProvenanceEvent
from catalogue.views.presentation import choice_label
from tests.factories import (
    AgentFactory,
    DocumentFactory,
    EventFactory,
    PublicationFactory,
    RepositoryFactory,
)

# The loop as document_detail.html had it before the tag (session 4).
OLD_LOOP = Template(
    "{% load archive %}"
    "          {% for event in events %}\n"
    '          <li class="event event-{{ event.event_type }}">\n'
    '            <h3 class="event-title">{{ event.get_event_type_display }}</h3>\n'
    '            <p class="event-when">{% if event.date %}{{ event.display_date }}{% if event.time %}, {{ event.time|time:"g:i A" }}{% endif %}{% else %}Date not recorded{% endif %}{% if event.date_certainty != "certain" %} ({{ event.get_date_certainty_display|lower }}){% endif %}{% if event.place %} · {{ event.place }}{% endif %}</p>\n'
    "            {% if event.description %}<p>{{ event.description }}</p>{% endif %}\n"
    '            {% with people=event.event_agents.all %}{% if people %}<p class="event-agents">{% for ea in people %}{% if ea.agent_id in linked_agents %}<a href="{{ ea.agent.url }}">{{ ea.agent.authorised_name }}</a>{% else %}{{ ea.agent.authorised_name }}{% endif %}{% if ea.role %} ({{ ea.get_role_display|lower }}){% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}</p>{% endif %}{% endwith %}\n'
    '            {% if event.custodian_before or event.custodian_after %}<p class="custody">Custody: {% if event.custodian_before %}{{ event.custodian_before.name }}{% else %}—{% endif %} → {% if event.custodian_after %}{{ event.custodian_after.name }}{% else %}—{% endif %}</p>{% endif %}\n'
    '            {% if event.publication %}<p class="publication">In: <cite>{{ event.publication.title }}</cite></p>{% endif %}\n'
    '            {% if event.evidence %}<p class="evidence"><span class="evidence-label">Evidence:</span> {{ event.evidence }}</p>{% endif %}\n'
    "          </li>\n"
    "          {% endfor %}"
)
NEW_TAG = Template("{% load archive %}          {% provenance_items events linked_agents %}")


@pytest.fixture
def events(db):
    document = DocumentFactory()
    linked, unlinked = AgentFactory(authorised_name="Rusk <Dean>"), AgentFactory()
    archives = RepositoryFactory(name="National Archives & Records")
    EventFactory(
        document=document,
        sequence=1,
        event_type="drafted",
        time=datetime.time(14, 5),
        place="Washington <D.C.>",
        description="Drafted in <b>haste</b> & sent.",
        evidence="Drafting line: “Rusk”.",
    )
    EventFactory(
        document=document,
        sequence=2,
        event_type="received",
        date=None,
        date_precision="unknown",
        date_certainty=DateCertainty.INFERRED,
        custodian_after=archives,
    )
    EventFactory(
        document=document,
        sequence=3,
        event_type="published",
        date=datetime.date(1962, 10, 1),
        date_precision="month",
        date_certainty=DateCertainty.PROBABLE,
        time=datetime.time(0, 0),
        custodian_before=archives,
        publication=PublicationFactory(title="FRUS <XI>"),
    )
    EventFactory(document=document, sequence=4, event_type="transferred")
    first = ProvenanceEvent.objects.filter(document=document).order_by("sequence").first()
    EventAgent.objects.create(event=first, agent=linked, role="drafter")
    EventAgent.objects.create(event=first, agent=unlinked, role="")
    EventAgent.objects.create(event=first, agent=unlinked, role="cleared")
    rows = list(
        ProvenanceEvent.objects.filter(document=document)
        .select_related("custodian_before", "custodian_after", "publication")
        .prefetch_related(
            Prefetch(
                "event_agents",
                queryset=EventAgent.objects.select_related("agent").order_by("id"),
            )
        )
        .order_by("sequence")
    )
    for event in rows:
        for link in event.event_agents.all():
            link.agent.url = f"/agents/{link.agent.pk}/a&b/"
    return {"events": rows, "linked_agents": {linked.pk}}


def test_provenance_items_render_as_the_template_loop(events):
    old = OLD_LOOP.render(Context(events))
    assert NEW_TAG.render(Context(events)) == old
    assert "&lt;b&gt;haste&lt;/b&gt; &amp; sent" in old and "<b>" not in old
    assert old.count('<li class="event event-') == 4
    assert "2:05 PM" in old and "12:00 AM" in old and "Date not recorded (inferred" in old
    raw = OLD_LOOP.render(Context(events, autoescape=False))
    assert NEW_TAG.render(Context(events, autoescape=False)) == raw
    assert "<b>haste</b>" in raw


def test_no_events_no_items(db):
    context = {"events": [], "linked_agents": set()}
    assert NEW_TAG.render(Context(context)) == OLD_LOOP.render(Context(context))


OLD_META_LOOP = Template(
    "{% load archive %}"
    "  {% for name, content in dublin_core %}"
    '<meta name="{{ name }}" content="{{ content }}">\n'
    "  {% endfor %}\n"
)
NEW_META_TAG = Template("{% load archive %}  {% meta_tags dublin_core %}\n")


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("DC.title", "Letter <to> “Khrushchev” & co"), ("DC.date", "1962-10-27")],
        [("citation_author", 'Rusk "Dean"'), ("DC.language", "en"), ("n", 5)],
    ],
)
def test_meta_tags_render_as_the_template_loop(pairs):
    context = {"dublin_core": pairs}
    old = OLD_META_LOOP.render(Context(context))
    assert NEW_META_TAG.render(Context(context)) == old
    assert "<to>" not in old and '"Dean"' not in old
    raw = OLD_META_LOOP.render(Context(context, autoescape=False))
    assert NEW_META_TAG.render(Context(context, autoescape=False)) == raw


def test_choice_label_is_get_display(db):
    event = EventFactory()
    link = EventAgent.objects.create(event=event, agent=AgentFactory(), role="")
    for value in [*DateCertainty.values, "unheard-of"]:
        event.date_certainty = value
        assert choice_label(event, "date_certainty") == event.get_date_certainty_display()
    for value in ["", "drafter", "cleared", "nonsense"]:
        link.role = value
        assert choice_label(link, "role") == link.get_role_display()
    assert choice_label(link, "role") == "nonsense"
