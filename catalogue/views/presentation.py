"""Turning a document's stored text into the page a reader sees.

Pure functions over already-fetched objects: they never query, so a page's query count
does not depend on how many footnotes, agents or events a document has.
"""

import datetime
import functools
import html
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.safestring import SafeString, mark_safe

from catalogue.formats.dc import creators

MARKER = re.compile(r"\((\d{1,3})\)")
SPEAKER = re.compile(r"^((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,3}):\s")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class RenderedText:
    html: SafeString
    referenced: dict[int, str]  # footnote number -> id of its first marker


def render_body(text: str, footnote_numbers) -> RenderedText:
    """Paragraphs with speaker labels set off, and ``(n)`` markers turned into links to
    footnote ``n`` (only for numbers that have a footnote, so "(a)" lists stay text)."""
    numbers = set(footnote_numbers)
    seen: dict[int, int] = {}
    referenced: dict[int, str] = {}

    def marker(match: re.Match) -> str:
        number = int(match.group(1))
        if number not in numbers:
            return match.group(0)
        seen[number] = seen.get(number, 0) + 1
        ref_id = f"fnref-{number}" if seen[number] == 1 else f"fnref-{number}-{seen[number]}"
        referenced.setdefault(number, ref_id)
        return (
            f'<sup class="fn-ref" id="{ref_id}"><a href="#fn-{number}" '
            f'aria-label="Footnote {number}">{number}</a></sup>'
        )

    paragraphs = []
    for block in PARAGRAPH_BREAK.split((text or "").strip()):
        if not block.strip():
            continue
        escaped = html.escape(block.strip(), quote=False)
        escaped = SPEAKER.sub(r'<strong class="speaker">\1:</strong> ', escaped, count=1)
        escaped = MARKER.sub(marker, escaped).replace("\n", "<br>\n")
        paragraphs.append(f"<p>{escaped}</p>")
    return RenderedText(mark_safe("\n".join(paragraphs)), referenced)  # noqa: S308


def link_phrases(text: str, links: list[tuple[str, str]]) -> SafeString:
    """Escape ``text`` and link the first occurrence of each label to its URL.

    Longer labels win over the shorter labels they contain ("Ball Papers" over
    "Ball"); spans never overlap.
    """
    spans: list[tuple[int, int, str]] = []
    for label, url in sorted({(lbl, u) for lbl, u in links if lbl}, key=lambda x: -len(x[0])):
        start = text.find(label)
        while start != -1:
            end = start + len(label)
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, url))
                break
            start = text.find(label, start + 1)
    out, position = [], 0
    for start, end, url in sorted(spans):
        out.append(html.escape(text[position:start], quote=False))
        out.append(f'<a href="{html.escape(url)}">{html.escape(text[start:end], quote=False)}</a>')
        position = end
    out.append(html.escape(text[position:], quote=False))
    return mark_safe("".join(out))  # noqa: S308


def location_links(unit, ancestors) -> list[tuple[str, str]]:
    """(label, url) pairs for a document's repository and every unit above its file."""
    if unit is None:
        return []
    links = [(unit.repository.name, _url(unit.repository))]
    for node in [*ancestors, unit]:
        links.append((node.title, _url(node)))
        if node.identifier:
            links.append((node.identifier, _url(node)))
    return links


def location_label(unit, ancestors) -> str:
    if unit is None:
        return ""
    parts = [unit.repository.name]
    for node in [*ancestors, unit]:
        parts.append(f"{node.title} ({node.identifier})" if node.identifier else node.title)
    return ", ".join(parts)


def display_time(document) -> str:
    if document.time_text:
        return document.time_text
    if document.time:
        return document.time.strftime("%H:%M")
    return ""


def chicago_citation(document, *, location: str, url: str, today: datetime.date) -> str:
    """A Chicago-style note for an archival document, ending with the stable URL."""
    parts = []
    names = [agent.authorised_name for agent in creators(document)]
    if names:
        parts.append(names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
        parts[-1] += ","
    parts.append(f"“{document.title},”")
    when = [document.place, document.display_date if document.date else "undated"]
    if display_time(document):
        when.append(display_time(document))
    parts.append(", ".join(p for p in when if p))
    if document.message_number:
        parts[-1] += f", no. {document.message_number}"
    parts[-1] += "."
    if location:
        parts.append(location + ".")
    parts.append(f"{settings.CATALOGUE_SITE_NAME}, document {document.pk}, {url}")
    parts.append(f"(accessed {today.strftime('%B')} {today.day}, {today.year}).")
    return " ".join(parts)


def script_json(data: dict) -> SafeString:
    """JSON for a ``<script type="application/ld+json">`` element: ``<``, ``>`` and ``&``
    escaped so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - JSON with <, >, & escaped


MARKER_PK = 987654321  # a key no route takes: found again in a reversed URL
_MARKER_SLUG = "slug-marker"
_SAFE = "!$&'()*+,;=~:@"  # what ``reverse`` leaves unquoted in a path segment


def url_maker(viewname: str):
    """``(pk, slug) -> URL`` for a ``<int:pk>/<str:slug>/`` route, equal to what
    ``reverse`` returns, for pages that link hundreds of records: ``reverse`` walks the
    resolver each call (tens of microseconds); this reverses once, then formats."""
    pattern = reverse(viewname, kwargs={"pk": MARKER_PK, "slug": _MARKER_SLUG})
    before, rest = pattern.split(str(MARKER_PK), 1)
    middle, after = rest.split(_MARKER_SLUG, 1)

    def url(pk, slug) -> str:
        if not slug or "/" in slug:
            return reverse(viewname, kwargs={"pk": pk, "slug": slug})  # its own error
        return f"{before}{int(pk)}{middle}{quote(slug, safe=_SAFE)}{after}"

    return url


@functools.lru_cache(maxsize=64)
def _cached_maker(viewname: str, urlconf, prefix):
    return url_maker(viewname)


@receiver(setting_changed)
def _forget_makers(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _cached_maker.cache_clear()


def record_url(viewname: str):
    """``url_maker(viewname)``, made once per URL configuration and script prefix (it
    reverses once itself: a document page made three of them each time)."""
    return _cached_maker(viewname, get_urlconf(), get_script_prefix())


@functools.cache
def _choice_labels(model, name: str) -> dict:
    return dict(make_hashable(model._meta.get_field(name).flatchoices))


def choice_label(obj, name: str) -> str:
    """``obj.get_<name>_display()``, with the field's choices made a dict once rather
    than on every call (a document page asks ~20 times)."""
    value = getattr(obj, name)
    label = _choice_labels(type(obj), name).get(make_hashable(value), value)
    return force_str(label, strings_only=True)


def _url(obj) -> str:
    return getattr(obj, "url", None) or obj.get_absolute_url()


def attach_urls(*, unit, ancestors, agents, documents) -> None:
    """Set ``.url`` on the records a document page links to, so its templates format
    them rather than ``reverse`` each (a page links ~40 times, half of them to the same
    unit, repository and agents)."""
    if unit is not None:
        unit.repository.url = unit.repository.get_absolute_url()
        unit_url = record_url("catalogue:unit-detail")
        for node in [*ancestors, unit]:
            node.url = unit_url(node.pk, node.slug)
    agent_url = record_url("catalogue:agent-detail")
    for agent in agents:
        agent.url = agent_url(agent.pk, agent.slug)
    document_url = record_url("catalogue:document-detail")
    for document in documents:
        document.url = document_url(document.pk, document.slug)
