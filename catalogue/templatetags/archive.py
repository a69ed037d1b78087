"""Template helpers for the public pages: shareable facet URLs and site settings.

A search page builds ~100 facet links and every page ~10 fixed navigation links, so
these helpers avoid Django's general machinery where it is measurably slow at that
rate: ``QueryDict.copy()`` deep-copies, ``urlencode`` re-quotes the same pairs for
every link, and ``reverse`` walks the resolver on each call (docs/performance.md,
"Rendering (session 2)"). The URLs they return are equal to what the general path gives.
"""

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.template.defaultfilters import time as time_filter
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from catalogue.views.presentation import MARKER_PK, choice_label, record_url

register = template.Library()

MULTI_VALUED = {"type", "classification", "caveat", "subject"}


@register.simple_tag
def site_name():
    return settings.CATALOGUE_SITE_NAME


@lru_cache(maxsize=4096)
def _pair(key: str, value: str, encoding: str) -> str:
    # What QueryDict.urlencode() gives for one pair (no ``safe`` characters).
    return urlencode({key.encode(encoding): value.encode(encoding)})


def _lists(params) -> dict[str, list[str]]:
    """The parameters as ``{key: [values]}`` in their order, without the page number: a
    shallow copy is all a link needs, where ``QueryDict.copy()`` deep-copies."""
    return {key: list(values) for key, values in params.lists() if key != "page"}


def _encode(lists: dict[str, list[str]], encoding: str) -> str:
    encoded = "&".join(_pair(k, str(v), encoding) for k, values in lists.items() for v in values)
    return f"?{encoded}" if encoded else "?"


def _encoding(params) -> str:
    return getattr(params, "encoding", None) or settings.DEFAULT_CHARSET


@register.simple_tag
def facet_url(params, facet, value):
    """The URL that toggles ``value`` of ``facet`` (adding or removing it), from page 1."""
    query = _lists(params)
    if facet.name in MULTI_VALUED:
        param = facet.params[0]
        chosen = query.setdefault(param, [])
        if value.value in chosen:
            chosen.remove(value.value)
        else:
            chosen.append(value.value)
    else:
        for param in facet.params:
            query.pop(param, None)
        if not value.selected:
            for key, item in value.params.items():
                query[key] = [item]
    return _encode(query, _encoding(params))


_ITEM_GAP = "\n        "
_SELECTED = (
    ' aria-current="true" class="selected"',
    '<span aria-hidden="true">✓ </span>',
    ", selected; activate to remove",
)


@register.simple_tag(takes_context=True)
def facet_items(context, params, facet):
    """The ``<li>`` links of one facet, as the loop they replace rendered them
    (tests/views/test_templatetags.py compares the two): a search page has ~100 of
    them, and the template engine spent more on their dozen lookups each than on the
    rest of the page."""

    escape = conditional_escape if context.autoescape else str

    def show(value):
        # What {{ value }} gives; text needs no localising, so only its escaping.
        if isinstance(value, str):
            return escape(value)
        return render_value_in_context(value, context)

    items = []
    for value in facet.values:
        if value.selected:
            current, tick, state = _SELECTED
        else:
            current = tick = state = ""
        note = ""
        if value.note:
            note = f' <span class="facet-note">({show(str(value.note).lower())})</span>'
        url = escape(facet_url(params, facet, value))
        items.append(
            f'{_ITEM_GAP}<li><a href="{url}"{current}><span class="facet-label">{tick}'
            f"{show(value.label)}{note}</span> "
            f'<span class="count">{show(value.count)}<span class="visually-hidden"> '
            f"{plural(value.count)}{state}</span></span></a></li>{_ITEM_GAP}"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


@register.simple_tag
def remove_url(params, removal):
    """Drop a filter: ``{param: None}`` removes every value, ``{param: v}`` only ``v``."""
    query = _lists(params)
    for key, item in removal.items():
        if item is None:
            query.pop(key, None)
        elif key in query:
            query[key] = [v for v in query[key] if v != item]
    return _encode(query, _encoding(params))


@register.simple_tag
def page_url(params, number):
    query = {key: list(values) for key, values in params.lists()}
    query["page"] = [number]
    return _encode(query, _encoding(params))


@register.filter
def plural(count, forms="document,documents"):
    one, many = forms.split(",")
    return one if count == 1 else many


_FIXED: dict[tuple, object] = {}


@receiver(setting_changed)
def _forget_fixed_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _FIXED.clear()


def _reversed_once(name: str, make, missing_ok: bool):
    """``make()`` (built by ``reverse``) once per route, URL configuration and script
    prefix. A route that is not installed raises ``NoReverseMatch``, or gives ``None``
    with ``missing_ok``."""
    key = (make.__name__, name, get_urlconf(), get_script_prefix())
    try:
        value = _FIXED[key]
    except KeyError:
        try:
            value = make(name)
        except NoReverseMatch:
            value = None
        _FIXED[key] = value
    if value is None and not missing_ok:
        raise NoReverseMatch(f"Reverse for {name!r} not found.")
    return value


def _fixed(name: str) -> str:
    return reverse(name)


def _around_key(name: str) -> tuple[str, str]:
    before, after = reverse(name, args=[MARKER_PK]).split(str(MARKER_PK), 1)
    return before, after


@register.simple_tag
def fixed_url(name, missing_ok=False):
    """``{% url name %}`` for a route without arguments, reversed once per URL
    configuration and script prefix. ``missing_ok`` gives "" for a route that is not
    installed, as ``{% url name as var %}`` does."""
    return _reversed_once(name, _fixed, missing_ok) or ""


@register.simple_tag
def pk_url(name, pk, missing_ok=False):
    """``{% url name pk %}`` for a route whose one argument is an integer key, reversed
    once per URL configuration and script prefix (the document page links eight such
    routes; ``reverse`` costs ~50 µs each). ``missing_ok`` gives "" for a route that is
    not installed, as ``{% url name pk as var %}`` does."""
    parts = _reversed_once(name, _around_key, missing_ok)
    return f"{parts[0]}{int(pk)}{parts[1]}" if parts else ""


@register.filter
def document_url(document) -> str:
    """``document.get_absolute_url()`` without a ``reverse`` per row."""
    return record_url("catalogue:document-detail")(document.pk, document.slug)


_EVENT_GAP = "\n            "


def _shown(context):
    """What ``{{ value }}`` gives in ``context``: text only escaped (it needs no
    localising), anything else rendered as the template would."""
    escape = conditional_escape if context.autoescape else str

    def show(value):
        if isinstance(value, str):
            return escape(value)
        return render_value_in_context(value, context)

    return escape, show


@register.simple_tag(takes_context=True)
def provenance_items(context, events, linked_agents):
    """The ``<li>`` of a document's provenance events, as the loop they replace
    rendered them (tests/views/test_templatetags.py compares the two): the events were
    a third of the document page's rendering, ~25 template lookups and tests each."""

    escape, show = _shown(context)

    def lower(value):
        return escape(str(value).lower())

    items = []
    for event in events:
        if event.date:
            when = show(event.display_date)
            if event.time:
                when += f", {show(time_filter(event.time, 'g:i A'))}"
        else:
            when = "Date not recorded"
        if event.date_certainty != "certain":
            when += f" ({lower(choice_label(event, 'date_certainty'))})"
        if event.place:
            when += f" · {show(event.place)}"
        parts = [
            f'\n          <li class="event event-{show(event.event_type)}">{_EVENT_GAP}'
            f'<h3 class="event-title">{show(choice_label(event, "event_type"))}</h3>{_EVENT_GAP}'
            f'<p class="event-when">{when}</p>{_EVENT_GAP}'
        ]
        if event.description:
            parts.append(f"<p>{show(event.description)}</p>")
        parts.append(_EVENT_GAP)
        people = event.event_agents.all()
        if people:
            names = []
            for link in people:
                agent = link.agent
                name = show(agent.authorised_name)
                if link.agent_id in linked_agents:
                    name = f'<a href="{show(getattr(agent, "url", ""))}">{name}</a>'
                if link.role:
                    name += f" ({lower(choice_label(link, 'role'))})"
                names.append(name)
            parts.append(f'<p class="event-agents">{", ".join(names)}</p>')
        parts.append(_EVENT_GAP)
        before, after = event.custodian_before, event.custodian_after
        if before or after:
            parts.append(
                f'<p class="custody">Custody: {show(before.name) if before else "—"} → '
                f"{show(after.name) if after else '—'}</p>"
            )
        parts.append(_EVENT_GAP)
        if event.publication:
            parts.append(
                f'<p class="publication">In: <cite>{show(event.publication.title)}</cite></p>'
            )
        parts.append(_EVENT_GAP)
        if event.evidence:
            parts.append(
                '<p class="evidence"><span class="evidence-label">Evidence:</span> '
                f"{show(event.evidence)}</p>"
            )
        parts.append("\n          </li>\n          ")
        items.append("".join(parts))
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def meta_tags(context, pairs):
    """``<meta name=… content=…>`` for each (name, content) pair, as the loop it
    replaces rendered them (tests/views/test_document_events_tag.py compares the two):
    a document page has ~25."""
    _, show = _shown(context)
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<meta name="{show(name)}" content="{show(content)}">\n  ' for name, content in pairs
        )
    )
