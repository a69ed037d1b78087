"""CSV for archivists who work in spreadsheets: one row per document or agent.

The export's columns are exactly what the import reads back (read-only columns such
as ``url`` are accepted and ignored), so export → edit in a spreadsheet → import is a
round trip. Writing happens only in ``catalogue.services.csv_import``.
"""

import csv
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from catalogue.models import Agent, ArchivalUnit, Document, DocumentAgent

from . import absolute, iso_date, url_for

LIST_SEPARATOR = ";"
# What ``reverse()`` leaves unquoted in a path (django.urls.resolvers).
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    read_only: bool = False
    required: bool = False


DOCUMENT_COLUMNS = (
    Column("id", "Catalogue number. Empty: create a new draft record; a number: update it."),
    Column("version", "Record version at export; the update is refused if it changed since."),
    Column("title", "Title (heading) of the document.", required=True),
    Column("doc_type", "Document type, by key or label (telegram, Letter …)."),
    Column("collection", "Collection name, or one of its recorded variant spellings."),
    Column("date", "YYYY, YYYY-MM or YYYY-MM-DD; the precision follows the form."),
    Column("date_text", "The date as written in the source."),
    Column("date_certainty", "certain, probable, inferred or conjectural."),
    Column("date_note", "How an uncertain date was arrived at (required if not certain)."),
    Column("time", "HH:MM (24-hour clock)."),
    Column("place", "Place of writing or sending."),
    Column("sender", "Sender, by any recorded name of an existing agent."),
    Column("recipient", "Recipient, by any recorded name of an existing agent."),
    Column("classification", "Classification level at the time (Secret, Top Secret …)."),
    Column("caveats", "Caveats and precedence, separated by ';' (Eyes Only; Niact)."),
    Column("subjects", "Subject headings separated by ';' (new ones are created)."),
    Column("unit_id", "Number of the archival unit (file) the original is filed in."),
    Column("unit", "The unit's path, for reading.", read_only=True),
    Column("repository", "The holding repository, for reading.", read_only=True),
    Column("message_number", "Telegram or message number."),
    Column("subject_line", "The Subject: line."),
    Column("item_reference", "Item reference within the unit."),
    Column("source_note", "The Source: paragraph, verbatim."),
    Column("transmission_note", "Sent to / repeated to."),
    Column("editorial_note", "Editorial remarks of the source note."),
    Column("status", "Publication status, for reading (imports never publish).", read_only=True),
    Column("url", "Public address of the record, for reading.", read_only=True),
)

AGENT_COLUMNS = (
    Column("id", "Authority record number. Empty: create a new record; a number: update it."),
    Column("authorised_name", "Authorised form of the name.", required=True),
    Column("kind", "person, organisation or family."),
    Column("sort_name", "Name as sorted (Rusk, Dean)."),
    Column("dates", "Life or existence dates."),
    Column("variant_names", "Other forms of the name separated by ';' (added, never removed)."),
    Column("biographical_note", "Biographical or administrative history."),
    Column("document_count", "Published documents naming the agent, for reading.", read_only=True),
    Column("url", "Public address of the record, for reading.", read_only=True),
)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def protect_cell(value):
    """Spreadsheets run a cell that starts like a formula; a leading apostrophe makes it
    text (CSV injection). ``unprotect_cell`` undoes it on import, so round trips hold."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def split_list(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()]


def join_list(values) -> str:
    return f"{LIST_SEPARATOR} ".join(values)


def _unit_labels() -> dict[int, tuple[str, str]]:
    """Path label and repository of every unit ("Ball Papers › Lot 74 D 272 ›
    Telcons--Cuba", "Lyndon Baines Johnson Library"), in one query."""
    units = {
        u.pk: u
        for u in ArchivalUnit.objects.select_related("repository").only(
            "pk", "title", "tree_path", "repository__name"
        )
    }
    labels = {}
    for pk, unit in units.items():
        ids = [int(part) for part in unit.tree_path.strip("/").split("/") if part]
        path = " › ".join(units[i].title for i in ids if i in units)
        labels[pk] = (path, unit.repository.name)
    return labels


# Rows read, and their caveats and subjects looked up, at a time.
SHEET_CHUNK = 1000


def document_rows(rows, base_url: str):
    """One dict per row of ``rows`` (an ordered ``sheet_rows()`` queryset), read
    ``SHEET_CHUNK`` at a time with the chunk's caveats and subjects."""
    labels = _unit_labels()
    document_url = _document_url_maker(base_url)
    iterator = rows.iterator(chunk_size=SHEET_CHUNK)
    while chunk := list(itertools.islice(iterator, SHEET_CHUNK)):
        ids = [row["id"] for row in chunk]
        caveats = _names_by_document(Document.caveats.through, "caveat", ids)
        subjects = _names_by_document(Document.subjects.through, "subject", ids)
        for d in chunk:
            unit, repository = labels.get(d["unit_id"], ("", ""))
            yield {
                "id": d["id"],
                "version": d["version"],
                "title": d["title"],
                "doc_type": d["doc_type__key"],
                "collection": d["collection__name"],
                "date": iso_date(d["date"], d["date_precision"]),
                "date_text": d["date_text"],
                "date_certainty": d["date_certainty"],
                "date_note": d["date_note"],
                "time": d["time"].strftime("%H:%M") if d["time"] else "",
                "place": d["place"],
                "sender": d["sender__authorised_name"] or "",
                "recipient": d["recipient__authorised_name"] or "",
                "classification": d["classification__name"] or "",
                "caveats": join_list(caveats.get(d["id"], ())),
                "subjects": join_list(subjects.get(d["id"], ())),
                "unit_id": d["unit_id"] or "",
                "unit": unit,
                "repository": repository,
                "message_number": d["message_number"],
                "subject_line": d["subject_line"],
                "item_reference": d["item_reference"],
                "source_note": d["source_note"],
                "transmission_note": d["transmission_note"],
                "editorial_note": d["editorial_note"],
                "status": d["status"],
                "url": document_url(d["id"], d["slug"]),
            }


def _names_by_document(through, field: str, ids) -> dict[int, list[str]]:
    """Names of the ``field`` rows linked to each of ``ids``, in their model's order."""
    ordering = [
        f"{field}__{key}" for key in through._meta.get_field(field).related_model._meta.ordering
    ]
    names = defaultdict(list)
    for document_id, name in (
        through.objects.filter(document_id__in=ids)
        .order_by(*ordering)
        .values_list("document_id", f"{field}__name")
    ):
        names[document_id].append(name)
    return names


def _document_url_maker(base_url: str):
    """``url_for(base_url, "document-detail", pk=…, slug=…)`` without a ``reverse()``
    per row (~15% of the sheet's time): the path is reversed once with markers."""
    path = reverse("catalogue:document-detail", kwargs={"pk": 987654321, "slug": "slugmarker"})
    head, rest = path.split("987654321", 1)
    middle, tail = rest.split("slugmarker", 1)
    head = absolute(base_url, head)
    return lambda pk, slug: f"{head}{pk}{middle}{quote(slug, safe=URL_SAFE)}{tail}"


def agent_rows(queryset, base_url: str):
    """One dict per agent of ``queryset`` (names prefetched), with its published
    documents counted for all agents in one grouped scan: a count subquery per agent
    read every role row of the catalogue (4.2 s at 100,000 documents; now 0.9 s)."""
    counts = DocumentAgent.objects.published_counts_by_agent()
    for agent in queryset.iterator(chunk_size=SHEET_CHUNK):
        variants = [n.name for n in agent.names.all() if n.normalised != agent.normalised_name]
        yield {
            "id": agent.pk,
            "authorised_name": agent.authorised_name,
            "kind": agent.kind,
            "sort_name": agent.sort_name,
            "dates": agent.dates,
            "variant_names": join_list(variants),
            "biographical_note": agent.biographical_note,
            "document_count": counts.get(agent.pk, 0),
            "url": url_for(base_url, "agent-detail", pk=agent.pk, slug=agent.slug),
        }


def public_documents():
    return Document.objects.published().order_by("pk").sheet_rows()


def all_documents():
    return Document.objects.order_by("pk").sheet_rows()


def public_agents():
    return Agent.objects.public().prefetch_related("names").order_by("pk")


def all_agents():
    return Agent.objects.prefetch_related("names").order_by("pk")


def write_csv(rows, columns, out) -> int:
    """Write ``rows`` to the text stream ``out``; returns the number of rows."""
    count = 0
    for chunk, written in _chunks(rows, columns):
        out.write(chunk)
        count += written
    return count


def csv_chunks(rows, columns):
    """The sheet as text chunks of ``CHUNK_ROWS`` rows (the first with the header), for
    a streamed response: the whole catalogue's sheet is hundreds of megabytes at a
    million documents, too much to hold in a web process. The rows are read as the
    chunks are sent, after the request's middleware has finished: on SQLite a slow
    client keeps a read transaction open (and the WAL from being checkpointed) until
    the download ends."""
    for chunk, _written in _chunks(rows, columns):
        yield chunk


CHUNK_ROWS = 200


class _Lines:
    """A file-like target whose ``write`` hands the formatted line back."""

    def write(self, line: str) -> str:
        return line


def _chunks(rows, columns):
    """(text, rows in it) per chunk; the first chunk begins with the header."""
    writer = csv.DictWriter(_Lines(), fieldnames=[c.name for c in columns], lineterminator="\r\n")
    lines, written = [writer.writeheader()], 0
    for row in rows:
        lines.append(writer.writerow({key: protect_cell(value) for key, value in row.items()}))
        written += 1
        if written >= CHUNK_ROWS:
            yield "".join(lines), written
            lines, written = [], 0
    if lines:
        yield "".join(lines), written


def to_string(rows, columns) -> str:
    out = io.StringIO()
    write_csv(rows, columns, out)
    return out.getvalue()
