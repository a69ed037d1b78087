"""The API detail and the importer's ``--json`` preview share one record shape: import
a real seed text, read it back through the API, and compare with the preview.

Events and relations are left out: the preview derives them from the parse, while the
stored record holds what the cataloguing service made of them (e.g. an archival
citation is stored as a Citation, not a relation), so their content legitimately
differs; their item shape (type, date, agents, evidence / type, target) is shared and
checked by the schema tests.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalogue.importers.avalon import parse_document
from catalogue.models import Document

SEEDS = sorted(Path(__file__).resolve().parent.parent.joinpath("data", "seeds").glob("*.txt"))
SCALARS = [
    "title",
    "doc_type",
    "collection",
    "sender",
    "recipient",
    "place",
    "date",
    "time",
    "message_number",
    "subject",
    "routing",
    "classification",
    "caveats",
    "received",
    "text",
    "source_file",
]


def project(items, keys):
    return [{key: item[key] for key in keys} for item in items]


@pytest.mark.skipif(not SEEDS, reason="no seed texts in tests/data/seeds")
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
@pytest.mark.django_db
def test_api_detail_matches_the_import_preview(client, path):
    preview = parse_document(path.read_bytes(), filename=str(path)).to_export_dict()
    call_command("import_documents", str(path), "--publish", verbosity=0)
    document = Document.objects.get()
    data = client.get(reverse("api:document-detail", kwargs={"pk": document.pk})).json()

    assert data["id"] == document.pk
    for key in SCALARS:
        assert data[key] == preview[key], key
    assert {k: data["source"][k] for k in preview["source"]} == preview["source"]
    assert project(data["footnotes"], ["number", "text"]) == preview["footnotes"]
    agent_keys = ["name", "role", "position"]
    assert sorted(map(tuple, (d.values() for d in project(data["agents"], agent_keys)))) == sorted(
        map(tuple, (d.values() for d in project(preview["agents"], agent_keys)))
    )
