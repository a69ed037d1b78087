"""Measure import speed (parse + store) on a generated corpus of realistic texts.

The issue asks for ≥ 1,000 documents/s on SQLite on one core. The corpus is made by
varying the conventions of the real texts (dates, times, message numbers, people,
offices, files, classifications, footnotes) so that each file has its own identity and
the vocabularies grow as they would over a volume. By default it runs against a
throwaway SQLite database, so a real catalogue is never touched; it is a measurement,
not a test, and no test asserts its timing.
"""

import random
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from catalogue.bench.stats import children_cpu

MONTHS = ["October", "November", "December"]
PEOPLE = [
    ("Secretary of State", "Rusk"),
    ("Under Secretary of State", "Ball"),
    ("Secretary of Defense", "McNamara"),
    ("Ambassador at Large", "Thompson"),
    ("Assistant Secretary of State for Inter-American Affairs", "Martin"),
    ("Deputy Under Secretary of State for Political Affairs", "Johnson"),
    ("Assistant Secretary of State for Public Affairs", "Manning"),
    ("Legal Adviser", "Chayes"),
    ("Director of Central Intelligence", "McCone"),
    ("Special Assistant to the President", "Bundy"),
]
UN_PEOPLE = ["Stevenson", "McCloy", "Yost", "Plimpton"]
SOVIETS = ["Kuznetsov", "Zorin", "Mikoyan", "Dobrynin", "Kuznetzov"]
DRAFTERS = ["Akalovsky", "Sisco", "Pedersen", "Buffum", "Cleveland", "Meeker", "Hilsman"]
POSTS = [
    ("the Embassy in the Soviet Union", "Moscow"),
    ("the Embassy in Turkey", "Ankara"),
    ("the Embassy in Brazil", "Rio de Janeiro"),
    ("the Embassy in the United Kingdom", "London"),
    ("the Embassy in France", "Paris"),
    ("the Mission to the United Nations", "New York"),
]
CLASSIFICATIONS = ["Secret", "Confidential", "Top Secret", "Official Use Only", "Unclassified"]
CAVEATS = ["Eyes Only", "Niact", "Operational Immediate", "Priority", "Limited Distribution"]
FILES = [
    "Telcons--Cuba",
    "Cuba--October 1962",
    "Cuba Crisis, Vol. II",
    "October-November Meetings",
    "Soviet Union, General",
]
LOTS = ["Lot 74 D 272", "Lot 65 D 438", "Lot 70 D 265", "Lot 66 D 95"]
PARAGRAPHS = [
    "After exchange of pleasantries, {a} noted U Thant and his entire party leaving Havana "
    "{t} today, and according our info there were difficulties with Castro.",
    "{s} observed all anti-aircraft weapons were in Cuban hands. {a} said we had thought "
    "sophisticated weapons were in Soviet hands. {s} repeated all anti-aircraft weapons "
    "were in Cuban hands.",
    "{s} then said President and Khrushchev had committed themselves to certain steps and "
    "it was his and {a}'s job see that arrangements be made for carrying out those steps. "
    "Dismantling of relevant facilities would be finished in couple of days, probably by "
    "Nov {d2}, although he not familiar with details.",
    "{a} responded he could not tell definitely US attitude on these points; however, "
    "{s}'s statement of problems welcome and we would express our views on them at "
    "appropriate time. . . . Problem of exiles ticklish.",
    "{a} inquired whether USSR thought ICRC would act as agent of UN. {s} replied "
    "definitely yes. It impossible negotiate while gun was on table and therefore removal "
    "those weapons was primary problem.",
]


def _clock(rng: random.Random) -> str:
    hour, minute = rng.randint(1, 12), rng.choice([0, 5, 10, 15, 30, 45, 50, 59])
    half = rng.choice(["a.m.", "p.m."])
    return f"{hour}:{minute:02d} {half}" if minute else f"{hour} {half}"


def _date(rng: random.Random) -> tuple[str, int, str]:
    month = rng.choice(MONTHS)
    day = rng.randint(16 if month == "October" else 1, 30 if month != "October" else 31)
    return month, day, f"{month} {day}, 1962"


def _telegram(rng: random.Random, n: int) -> str:
    post, place = rng.choice(POSTS)
    month, day, date = _date(rng)
    a, s = rng.choice(UN_PEOPLE), rng.choice(SOVIETS)
    number = 1000 + n
    body = "\n\n".join(
        p.format(a=a, s=s, t=_clock(rng), d2=rng.randint(1, 5))
        for p in rng.sample(PARAGRAPHS, k=rng.randint(3, 5))
    )
    caveats = "; ".join(rng.sample(CAVEATS, k=rng.randint(0, 2)))
    drafter = rng.choice(DRAFTERS)
    source = (
        f"Source: Department of State, Central Files, 737.00/{rng.randint(10, 12)}-{day}62. "
        f"{rng.choice(CLASSIFICATIONS)}; {caveats}. "
        if caveats
        else f"Source: Department of State, Central Files, 737.00/{rng.randint(10, 12)}-{day}62. "
        f"{rng.choice(CLASSIFICATIONS)}. "
    )
    source += f"Drafted by {drafter} and concurred in by {a}. Received in the Department of State at {_clock(rng)}."
    if rng.random() < 0.5:
        source = (
            f"Source: USUN Files: NYFRC 84-84-00{rng.randint(1, 4)}, {rng.choice(FILES)}. "
            f"{rng.choice(CLASSIFICATIONS)}. Drafted by {drafter} and concurred in by {a}."
        )
    return (
        "The Cuban Missile Crisis\n"
        f"Telegram From {post} to the Department of State\n\n\n"
        f"{place}, {date}, {_clock(rng)}.\n\n"
        f"{number}. Subject: Cuba. Dept pass White House. {a} had one hour mtg with {s} "
        f"today.(1) {body}\n\n\n"
        f"1 Gilpatric's 2-page handwritten notes on this meeting are in Washington National "
        f"Records Center, RG 330, OASD(C) A Files: FRC 71 A 2896, {rng.choice(FILES)}, "
        f"Gilpatric Notes. Back\n\n"
        f"{source}\n\n"
        "127 Wall Street, New Haven, CT 06511."
    )


DAYS = [("October", d) for d in range(16, 32)] + [
    (m, d) for m in ("November", "December") for d in range(1, 31)
]


def _telcon(rng: random.Random, n: int) -> str:
    # Heading + date is a telcon's identity: walk the combinations so none repeats.
    k = n // 3
    month, day = DAYS[k % len(DAYS)]
    office, name = PEOPLE[(k // len(DAYS)) % len(PEOPLE)]
    other = UN_PEOPLE[(k // (len(DAYS) * len(PEOPLE))) % len(UN_PEOPLE)]
    date = f"{month} {day}, 1962"
    lines = [
        f"{other}: When Khrushchev said to Kennedy on Sunday(1) morning that he was going to "
        f"dismantle, Castro had not been consulted. He stated five points three hours after "
        f"Khrushchev's letter to Kennedy.(2) It will be all over by Friday.(3)",
        "Secretary: We've already done that.",
        f"{other}: On the incoming ships. "
        + " ".join(rng.sample(PARAGRAPHS, k=2)).format(
            a=other, s=rng.choice(SOVIETS), t=_clock(rng), d2=2
        ),
        "Sec: Thanks a lot.",
    ]
    lot = rng.choice(LOTS)
    papers = rng.choice(["Ball Papers", "Rusk Files", "Thompson Papers"])
    return (
        "The Cuban Missile Crisis\n"
        f"Memorandum of Telephone Conversation Between {office} {name} and the Permanent "
        f"Representative to the United Nations ({other})\n\n\n"
        f"{date}.\n\n" + "\n\n".join(lines) + "\n\n"
        f"1 October {rng.randint(20, 28)}. Back\n\n"
        "2 For text of the five points, see American Foreign Policy: Current Documents, "
        f"1962, pp. {rng.randint(400, 440)}-{rng.randint(441, 460)}; Khrushchev's letter is "
        f"printed as Document {rng.randint(90, 140)}. Back\n\n"
        f"3 November {rng.randint(1, 5)}. Back\n\n"
        f"Source: Department of State, {papers}: {lot}, {rng.choice(FILES)}. "
        f"No classification marking. The conversation probably took place after the "
        f"{rng.randint(10, 30)}th meeting of the Executive Committee since {name}'s "
        f"Appointment Book shows that he met with {other} at {_clock(rng)} (Johnson Library)\n\n"
        "127 Wall Street, New Haven, CT 06511."
    )


def generate_corpus(directory: Path, count: int, *, seed: int = 1962) -> list[Path]:
    """Write ``count`` varied texts into ``directory``; returns their paths."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        make = _telegram if n % 3 else _telcon
        path = directory / f"{n:05d}.txt"
        path.write_text(make(rng, n), encoding="utf-8")
        paths.append(path)
    return paths


class Command(BaseCommand):
    help = (
        "Measure importing speed (parse + store, documents per second) on a generated "
        "corpus of realistic texts, by default in a throwaway SQLite database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000, help="Texts to generate.")
        parser.add_argument("--seed", type=int, default=1962)
        parser.add_argument(
            "--corpus", metavar="DIR", help="Use (or fill, if empty) this corpus directory."
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Import into the configured database instead of a throwaway SQLite one.",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            metavar="N",
            help="Parsing worker processes (default 0: everything in this process, so the "
            "CPU figures are one core's). With workers, their CPU time is reported apart.",
        )

    def handle(self, *args, **opts):
        from catalogue.importers.avalon import parse_document
        from catalogue.services.importing import discover, run_import

        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            corpus = Path(opts["corpus"] or Path(tmp) / "corpus")
            if not any(corpus.glob("*.txt")):
                generate_corpus(corpus, opts["count"], seed=opts["seed"])
            if not opts["in_place"]:
                self._use_throwaway_sqlite(Path(tmp) / "bench.sqlite3")
            sources = discover([str(corpus)])
            blobs = [s.fs_path.read_bytes() for s in sources]

            # Measure as production runs: DEBUG would keep every SQL statement in memory.
            settings.DEBUG = False
            n = len(sources)

            parse_cpu, parse_wall = self._timed(
                lambda: [
                    parse_document(data, filename=s.path, max_bytes=10**7, collection=None)
                    for s, data in zip(sources, blobs, strict=True)
                ]
            )
            holder = {}
            batch, workers = opts["batch_size"], max(0, opts["workers"])

            def import_as(name):
                # Forked workers where safe, as import_documents (a command, nothing else).
                holder[name] = run_import(
                    sources, username="bench", batch_size=batch, workers=workers, fork_workers=True
                )

            children_before = children_cpu()
            cpu, wall = self._timed(lambda: import_as("first"))
            workers_cpu = children_cpu() - children_before
            again_cpu, _ = self._timed(lambda: import_as("again"))
        summary, again = holder["first"], holder["again"]
        stored = summary.count("created") + summary.count("updated")
        self.stderr.write(
            f"{n} files; wall clock {n / wall:,.0f} docs/s (other processes share the CPU); "
            f"parse only {n / parse_cpu:,.0f} docs/s; "
            + ("" if workers else f"store only ~{n / max(cpu - parse_cpu, 1e-9):,.0f} docs/s; ")
            + f"re-import {n / again_cpu:,.0f} docs/s ({again.count('unchanged')} "
            f"unchanged); {summary.count('failed')} failed."
        )
        if workers:
            self.stdout.write(
                f"Imported {stored} of {n} documents in {wall:.2f} s wall: {n / wall:,.0f} "
                f"docs/s ({connections['default'].vendor}, {workers} parsing workers; CPU "
                f"{cpu:.2f} s in this process, {workers_cpu:.2f} s in the workers)."
            )
            return
        self.stdout.write(
            f"Imported {stored} of {n} documents in {cpu:.2f} CPU s: {n / cpu:,.0f} docs/s "
            f"(parse + store, {connections['default'].vendor}, one core)."
        )

    @staticmethod
    def _timed(work):
        """(CPU seconds, wall seconds): CPU time is the one-core figure, unaffected by
        other processes on a shared machine; SQLite runs inside this process."""
        cpu, wall = time.process_time(), time.perf_counter()
        work()
        return time.process_time() - cpu, time.perf_counter() - wall

    def _use_throwaway_sqlite(self, path: Path):
        connection = connections["default"]
        if connection.vendor != "sqlite":
            raise CommandError(
                "The throwaway database is SQLite: run with a SQLite DATABASE_URL, or pass "
                "--in-place to measure the configured database (it will be written to)."
            )
        connection.close()
        connection.settings_dict.update({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)})
        call_command("migrate", verbosity=0, interactive=False)
