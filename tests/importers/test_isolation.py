"""The parser must import and run with no Django settings and without the ORM."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from catalogue.importers.avalon import parse_document, ParseError, PARSER_VERSION
from catalogue.importers import records, export_shape
doc = parse_document(open(sys.argv[1], 'rb').read())
print(json.dumps({
    "django": sorted(m for m in sys.modules if m == "django" or m.startswith("django.")),
    "type": doc.doc_type,
    "export": bool(doc.to_export_dict()),
}))
"""


def test_parser_imports_no_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    seed = Path(__file__).parent / "texts" / "seeds" / "003_4f44f1490693370c.txt"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(seed)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    out = json.loads(result.stdout)
    assert out == {"django": [], "type": "telegram", "export": True}
