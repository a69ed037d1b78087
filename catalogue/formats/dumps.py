"""The whole-catalogue downloads: the CSV sheets and the PROV dump in two syntaxes.

One definition per file, shared by the views that send them and by ``build_downloads``,
which makes them ahead of the first request (``catalogue.downloads``)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from catalogue.models import Document

from . import csv as csv_format
from . import prov

# Measured at 100,000 documents (docs/performance.md, session 10): the documents sheet
# ~0.06 ms a document, the PROV dump ~5.8 ms. Both limits keep a request near 30 s.
SHEET_WEB_MAX_DOCUMENTS = 500_000
PROV_WEB_MAX_DOCUMENTS = 5_000


@dataclass(frozen=True)
class Dump:
    """``web_max_documents``: past this many published documents the file takes longer
    to make than a web request may (gunicorn's timeout): a request that finds no copy
    kept is answered 503, and ``build_downloads`` makes it."""

    filename: str
    content_type: str
    attachment: bool
    chunks: Callable[[str], Iterable[bytes]]  # the site's base URL → the file's bytes
    web_max_documents: int | None = None

    def makeable_in_a_request(self) -> bool:
        if self.web_max_documents is None:
            return True
        return Document.objects.published().count() <= self.web_max_documents

    @property
    def disposition(self) -> str:
        return f'{"attachment" if self.attachment else "inline"}; filename="{self.filename}"'


def _sheet(rows, columns) -> Iterable[bytes]:
    for chunk in csv_format.csv_chunks(rows, columns):
        yield chunk.encode("utf-8")


def _prov(base_url: str, rdf_format: str) -> Iterable[bytes]:
    documents = prov.documents_for_prov().iterator(chunk_size=500)
    for chunk in prov.stream(documents, base_url, rdf_format):
        yield chunk.encode("utf-8")


CSV = "text/csv; charset=utf-8"
DUMPS = {
    dump.filename: dump
    for dump in (
        Dump(
            "documents.csv",
            CSV,
            True,
            lambda base_url: _sheet(
                csv_format.document_rows(csv_format.public_documents(), base_url),
                csv_format.DOCUMENT_COLUMNS,
            ),
            SHEET_WEB_MAX_DOCUMENTS,
        ),
        Dump(
            "agents.csv",
            CSV,
            True,
            lambda base_url: _sheet(
                csv_format.agent_rows(csv_format.public_agents(), base_url),
                csv_format.AGENT_COLUMNS,
            ),
        ),
        Dump(
            "catalogue-prov.ttl",
            "text/turtle; charset=utf-8",
            False,
            lambda base_url: _prov(base_url, "turtle"),
            PROV_WEB_MAX_DOCUMENTS,
        ),
        Dump(
            "catalogue-prov.jsonld",
            "application/ld+json",
            False,
            lambda base_url: _prov(base_url, "json-ld"),
            PROV_WEB_MAX_DOCUMENTS,
        ),
    )
}
