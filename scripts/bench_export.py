"""Measure the NDJSON export (and restore) on a generated catalogue.

    .venv/bin/python scripts/bench_export.py --documents 100000 [--restore]
    .venv/bin/python scripts/bench_export.py --source /work/bench/c100k.sqlite3 --runs 3
    .venv/bin/python scripts/bench_export.py --source … --keep DIR --reuse --in-process

Builds a throwaway SQLite database with ``generate_corpus`` (or copies ``--source``,
which is never written to, and migrates the copy), then times ``export_catalogue`` in a
child process and reports wall seconds, CPU seconds (the command's and its worker
process's) and peak RSS: the command's own plus its worker's, as the command reports
them, since the two run at the same time (the median run of ``--runs``). With ``--restore`` it also restores the export into a second empty database and
exports that again, checking the files are byte-identical.
"""

import argparse
import filecmp
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_utime + u.ru_stime, u.ru_maxrss)"
)


PEAK = re.compile(r"peak RSS (\d+) MB(?: \+ worker (\d+) MB)?")


def manage(env, *args):
    """Run a management command; return (wall seconds, CPU seconds, peak RSS in MB).

    The peak is the sum of the command's and its worker's when the command reports
    them (``export_catalogue`` does), else the largest process's (RUSAGE_CHILDREN).

    CPU seconds matter on a shared machine, where wall time mostly measures the
    neighbours.

    A small wrapper process waits for the command alone, so RUSAGE_CHILDREN's
    high-water mark is that command's and not an earlier one's.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", MEASURE, PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print("  " + line)
    cpu, peak_kb = lines[-1].split()
    reported = PEAK.search(done.stdout)
    if reported:
        return seconds, float(cpu), sum(int(mb) for mb in reported.groups() if mb)
    return seconds, float(cpu), int(peak_kb) / 1024


def database_env(work: Path, name: str) -> dict:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.dev"
    env["DATABASE_URL"] = f"sqlite:///{work / name}"
    env["DEBUG"] = "0"
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--restore", action="store_true")
    parser.add_argument("--keep", help="Work directory to use and keep.")
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse the --keep directory's generated database."
    )
    parser.add_argument("--source", help="Copy this SQLite catalogue instead of generating one.")
    parser.add_argument("--runs", type=int, default=1, help="Exports to time (median reported).")
    parser.add_argument(
        "--in-process", action="store_true", help="Export without the worker process."
    )
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    source = database_env(work, "source.sqlite3")
    if args.source and not (args.reuse and (work / "source.sqlite3").exists()):
        copy = sqlite3.connect(work / "source.sqlite3")
        with closing(sqlite3.connect(f"file:{args.source}?mode=ro", uri=True)) as original:
            original.backup(copy)
        copy.close()
        manage(source, "migrate", "--noinput", "-v", "0")
    elif not (args.reuse and (work / "source.sqlite3").exists()):
        manage(source, "migrate", "--noinput", "-v", "0")
        seconds, _, _ = manage(
            source, "generate_corpus", "--documents", str(args.documents), "--no-index", "-v", "0"
        )
        print(f"generate_corpus {args.documents}: {seconds:.1f}s")
    export_args = ["export_catalogue", str(work / "export"), "--force"]
    if args.in_process:
        export_args.append("--in-process")
    runs = sorted(
        (manage(source, *export_args) for _ in range(max(1, args.runs))), key=lambda r: r[1]
    )
    for n, (seconds, cpu, peak) in enumerate(runs, 1):
        print(
            f"export run (by CPU) {n}: {seconds:.1f}s wall, {cpu:.1f}s CPU, {peak:.0f} MB peak RSS"
        )
    seconds, cpu, peak = runs[len(runs) // 2]
    size = sum(p.stat().st_size for p in (work / "export").glob("*.ndjson")) / 2**20
    manifest = json.loads((work / "export" / "manifest.json").read_text())
    counts = {e["kind"]: e["records"] for e in manifest["files"]}
    result = {
        "documents": counts["documents"],
        "export_seconds": round(seconds, 2),
        "export_cpu_seconds": round(cpu, 2),
        "export_peak_rss_mb": round(peak, 1),
        "export_mb": round(size, 1),
    }
    if args.restore:
        target = database_env(work, "restored.sqlite3")
        for stale in work.glob("restored.sqlite3*"):
            stale.unlink()
        manage(target, "migrate", "--noinput", "-v", "0")
        seconds, cpu, peak = manage(target, "import_catalogue", str(work / "export"))
        result["restore_seconds"] = round(seconds, 2)
        result["restore_cpu_seconds"] = round(cpu, 2)
        result["restore_peak_rss_mb"] = round(peak, 1)
        manage(target, "export_catalogue", str(work / "again"), "--force")
        names = [p.name for p in (work / "export").glob("*.ndjson")]
        match, mismatch, errors = filecmp.cmpfiles(
            work / "export", work / "again", names, shallow=False
        )
        result["round_trip_identical"] = not mismatch and not errors
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
