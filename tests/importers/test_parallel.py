"""Parsing in worker processes gives exactly what parsing in this process gives."""

import sys
from pathlib import Path

import pytest

from catalogue.importers import parallel
from catalogue.importers.parallel import ParallelParser, ParseJob, parse_file

TEXTS = Path(__file__).resolve().parent / "texts"
MAX_BYTES = 2_000_000


def jobs(tmp_path):
    files = sorted(TEXTS.glob("*.txt"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"Cuban Missile Crisis\n\x00\x01\x02")
    headless = tmp_path / "headless.txt"
    headless.write_text("\n\nthis is not a heading of any kind, only a lower-case line\n")
    out = [ParseJob(path=str(p), fs_path=str(p)) for p in files]
    out.insert(3, ParseJob(path=str(binary), fs_path=str(binary)))
    out.insert(7, ParseJob(path="missing.txt", error="no such file or directory"))
    out.insert(9, ParseJob(path=str(headless), fs_path=str(headless)))
    out.append(ParseJob(path="upload.txt", data=files[0].read_bytes()))
    out.append(ParseJob(path=str(tmp_path / "gone.txt")))
    return out


def test_workers_return_the_same_outcomes_in_the_same_order(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 3)  # several chunks, some in flight
    monkeypatch.setattr(parallel, "CHUNKS_AHEAD", 1)
    # One worker: this process parses the chunks it has not started (both paths run).
    given = jobs(tmp_path)
    here = [parse_file(job, max_bytes=MAX_BYTES) for job in given]
    with ParallelParser(1, max_bytes=MAX_BYTES) as pool:
        there = list(pool.parse(given))

    assert len(there) == len(given) == len(list(TEXTS.glob("*.txt"))) + 5
    assert there == here
    # Field by field, with types (== alone would let 1 == 1.0 == True through).
    assert [repr(o) for o in there] == [repr(o) for o in here]
    failures = {job.path: o for job, o in zip(given, there, strict=True) if o.parsed is None}
    assert set(failures) == {
        str(tmp_path / "binary.txt"),
        "missing.txt",
        str(tmp_path / "headless.txt"),
        str(tmp_path / "gone.txt"),
    }
    assert failures["missing.txt"].error == "no such file or directory"
    assert failures[str(tmp_path / "binary.txt")].error.startswith("binary content: NUL byte")
    assert failures[str(tmp_path / "binary.txt")].line == 2
    assert failures[str(tmp_path / "headless.txt")].line == 3
    assert failures[str(tmp_path / "gone.txt")].error.startswith("cannot read file")
    assert there[-2].parsed.source_file == "upload.txt"


def test_collection_and_size_limit_reach_the_workers(tmp_path):
    given = [ParseJob(path=str(p), fs_path=str(p)) for p in sorted(TEXTS.glob("*.txt"))]
    sizes = sorted(Path(job.path).stat().st_size for job in given)
    limit = sizes[len(sizes) // 2]
    with ParallelParser(2, max_bytes=limit, collection="Berlin Crisis") as pool:
        there = list(pool.parse(given))
    assert there == [parse_file(j, max_bytes=limit, collection="Berlin Crisis") for j in given]
    too_large = [o for o in there if o.parsed is None]
    assert too_large and all(o.error.startswith("file too large") for o in too_large)
    assert {o.parsed.collection for o in there if o.parsed} == {"Berlin Crisis"}


def test_leaving_early_stops_the_workers():
    given = [ParseJob(path=str(p), fs_path=str(p)) for p in sorted(TEXTS.glob("*.txt"))] * 20
    with ParallelParser(2, max_bytes=MAX_BYTES) as pool:
        stream = pool.parse(given)
        first = next(stream)
        processes = list(pool._executor._processes.values())
    assert first == parse_file(given[0], max_bytes=MAX_BYTES)
    for process in processes:
        process.join(timeout=30)
    assert processes and not any(p.is_alive() for p in processes)


def test_default_workers_is_bounded():
    assert parallel.default_workers() in range(parallel.MAX_DEFAULT_WORKERS + 1)


def test_default_workers_leave_the_storing_process_a_core(monkeypatch):
    for cores, workers in [(1, 0), (2, 1), (3, 2), (8, parallel.MAX_DEFAULT_WORKERS)]:
        monkeypatch.setattr(
            parallel.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False
        )
        assert parallel.default_workers() == workers
    monkeypatch.delattr(parallel.os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)
    assert parallel.default_workers() == 2


def test_workers_leave_when_the_importing_process_is_killed(tmp_path):
    """A SIGKILLed import must not leave its workers waiting for tasks for ever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, time\n"
        "from catalogue.importers.parallel import ParallelParser, ParseJob\n"
        f"jobs = [ParseJob(path={str(next(TEXTS.glob('*.txt')))!r})] * 64\n"
        "with ParallelParser(2, max_bytes=10**6) as pool:\n"
        "    list(pool.parse(jobs))\n"
        "    print(*pool._executor._processes, flush=True)\n"
        "    time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True
    )
    workers = [int(pid) for pid in child.stdout.readline().split()]
    assert workers and all(_alive(pid) for pid in workers)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert os.getpid()  # this process is untouched


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for init to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


FORK_SCRIPT = """
import json, sys, threading
from pathlib import Path
from catalogue.importers.parallel import ParallelParser, ParseJob, parse_file, start_method
jobs = [ParseJob(path=str(p), fs_path=str(p)) for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
here = [parse_file(job, max_bytes=10**6) for job in jobs]
def run(**kwargs):
    with ParallelParser(2, max_bytes=10**6, **kwargs) as pool:
        method = pool._executor._mp_context.get_start_method()
        assert list(pool.parse(jobs)) == here, method
    return method
seen = {"fresh": start_method(fork=True), "first": run(fork=True), "second": run(fork=True)}
release = threading.Event()
busy = threading.Thread(target=release.wait)
busy.start()
seen["another thread"] = run(fork=True)
release.set()
busy.join()
seen["not allowed"] = run()
print(json.dumps(seen))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_workers_are_forked_when_allowed_and_no_other_thread_runs():
    """Forked workers start in milliseconds; with another thread alive a fork could copy
    a lock that thread holds, so they are spawned; only callers that allow it (the
    command) fork at all; and a forked pool leaves no thread behind, so the next import
    in the process forks again. Every way gives exactly what parsing here gives. In a
    fresh interpreter: this test process may run other tests' threads."""
    import json
    import subprocess

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", FORK_SCRIPT, str(TEXTS)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "fresh": "fork",
        "first": "fork",
        "second": "fork",
        "another thread": "spawn",
        "not allowed": "spawn",
    }
