"""`backup` and `restore`: nothing is lost (row counts, row checksums, media files), a
damaged backup is refused before anything is touched, and a non-empty database is
only overwritten on request. On a SQLite file database and on PostgreSQL."""

import json
import shutil

import pytest

from tests.reliability.helpers import (
    FINGERPRINT,
    env_for,
    manage,
    postgres_available,
    python,
    python_json,
    scratch_postgres_databases,
)

POPULATE = """
import io
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from catalogue import models as m
from tests import factories as f

call_command("loaddata", "fixtures/seed_catalogue.json", verbosity=0)
for status in ("draft", "in_review", "withdrawn", "published"):
    doc = f.DocumentFactory(status=status, title=f"Backup {status} \u00e9t\u00e9 \u041c\u043e\u0441\u043a\u0432\u0430",
                            withdrawn_reason="reason" if status == "withdrawn" else "")
    f.FootnoteFactory(document=doc, number=1)
    f.DocumentAgentFactory(document=doc)
    f.EventFactory(document=doc)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "PNG")
    obj = m.DigitalObject(document=doc, page_number=1, caption="page")
    obj.image.save(f"p\u00e1gina-{status}.png", ContentFile(buffer.getvalue()), save=True)
f.SuperuserFactory(username="restorer")
print(json.dumps(m.Document.objects.count()))
"""


def assert_same(before, after):
    assert after["tables"].keys() == before["tables"].keys()
    for table, info in before["tables"].items():
        assert after["tables"][table] == info, table
    assert after["media"] == before["media"]


def round_trip(src_env, dst_env, spare_env, backup_dir):
    manage(src_env, "migrate", "--noinput")
    documents = python_json(src_env, POPULATE)
    assert documents >= 6
    before = python_json(src_env, FINGERPRINT)
    assert len(before["media"]) == 4
    assert before["tables"]["catalogue_document"]["rows"] == documents

    out = manage(src_env, "backup", str(backup_dir)).stdout
    assert f"{documents} documents" in out and "4 media files" in out
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["tables"]["catalogue_document"]["rows"] == documents
    assert len(manifest["media"]) == 4 and all(len(e["sha256"]) == 64 for e in manifest["media"])

    # A fresh, migrated target: restore brings every row and file back.
    manage(dst_env, "migrate", "--noinput")
    assert "would restore" in manage(dst_env, "restore", str(backup_dir), "--dry-run").stdout
    out = manage(dst_env, "restore", str(backup_dir)).stdout
    assert "all counts and checksums match" in out
    assert_same(before, python_json(dst_env, FINGERPRINT))

    # Now it holds records: restoring over it needs --force.
    python(
        dst_env,
        "from tests.factories import DocumentFactory; DocumentFactory(title='extra', unit__title='Extra unit')",
    )
    refused = manage(dst_env, "restore", str(backup_dir), check=False)
    assert refused.returncode != 0 and "refusing to overwrite" in refused.stderr
    assert python_json(dst_env, FINGERPRINT)["tables"]["catalogue_document"]["rows"] == (
        documents + 1
    )
    manage(dst_env, "restore", str(backup_dir), "--force")
    assert_same(before, python_json(dst_env, FINGERPRINT))

    # A damaged backup is refused, and the target is left exactly as it was.
    damaged = backup_dir.parent / "damaged"
    shutil.copytree(backup_dir, damaged)
    victim = next(p for p in (damaged / "media").rglob("*.png"))
    data = bytearray(victim.read_bytes())
    data[-1] ^= 0xFF
    victim.write_bytes(bytes(data))
    manage(spare_env, "migrate", "--noinput")
    spare_before = python_json(spare_env, FINGERPRINT)
    refused = manage(spare_env, "restore", str(damaged), check=False)
    assert refused.returncode != 0
    assert "failed verification" in refused.stderr and "SHA-256 differs" in refused.stderr
    assert python_json(spare_env, FINGERPRINT) == spare_before

    # The backup directory must be new: an existing backup is never overwritten.
    again = manage(src_env, "backup", str(backup_dir), check=False)
    assert again.returncode != 0 and "not an empty directory" in again.stderr


@pytest.mark.skipif(postgres_available(), reason="SQLite-file test; runs on the SQLite leg")
def test_backup_round_trip_on_sqlite(tmp_path):
    envs = [
        env_for(f"sqlite:///{tmp_path / name}.sqlite3", tmp_path / f"media-{name}")
        for name in ("source", "target", "spare")
    ]
    round_trip(*envs, tmp_path / "backup")


@pytest.mark.skipif(not postgres_available(), reason="needs PostgreSQL (scripts/with-postgres.sh)")
def test_backup_round_trip_on_postgresql(tmp_path):
    with scratch_postgres_databases(3) as urls:
        envs = [env_for(url, tmp_path / f"media-{i}") for i, url in enumerate(urls)]
        round_trip(*envs, tmp_path / "backup")


WRITER = """
import time
from django.db import transaction
from tests import factories as f
end = time.monotonic() + float(sys.argv[1]) if len(sys.argv) > 1 else time.monotonic() + 6
n = 0
print("ready", flush=True)
while time.monotonic() < end:
    with transaction.atomic():
        doc = f.DocumentFactory(title=f"Online {n}")
        for i in range(1, 4):
            f.FootnoteFactory(document=doc, number=i)
    n += 1
print(n)
"""

CONSISTENT = """
from django.db import connection
from django.db.models import Count
from catalogue.models import Document
online = Document.objects.filter(title__startswith="Online ").annotate(n=Count("footnotes"))
bad = [d.pk for d in online if d.n != 3]
if connection.vendor == "sqlite":
    with connection.cursor() as c:
        c.execute("PRAGMA integrity_check")
        integrity = c.fetchone()[0]
else:
    integrity = "ok"
print(json.dumps({"online": online.count(), "bad": bad, "integrity": integrity}))
"""


@pytest.mark.skipif(postgres_available(), reason="SQLite-file test; runs on the SQLite leg")
def test_backup_while_writing_is_a_consistent_snapshot(tmp_path):
    """A backup taken while another process commits documents with their footnotes
    contains only whole transactions."""
    import subprocess
    import sys

    from tests.reliability.helpers import ROOT

    src = env_for(f"sqlite:///{tmp_path / 'live'}.sqlite3", tmp_path / "media")
    dst = env_for(f"sqlite:///{tmp_path / 'restored'}.sqlite3", tmp_path / "media-restored")
    manage(src, "migrate", "--noinput")
    writer = subprocess.Popen(
        [sys.executable, "-c", "import django, json, sys\ndjango.setup()\n" + WRITER, "8"],
        cwd=ROOT,
        env=src,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        backups = []
        for i in range(3):
            manage(src, "backup", str(tmp_path / f"b{i}"))
            backups.append(tmp_path / f"b{i}")
        written = int(writer.communicate(timeout=60)[0].strip().splitlines()[-1])
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert written > 0
    manage(dst, "migrate", "--noinput")
    for backup_dir in backups:
        manage(dst, "restore", str(backup_dir), "--force")
        state = python_json(dst, CONSISTENT)
        assert state["integrity"] == "ok"
        assert state["bad"] == []
        assert state["online"] <= written
