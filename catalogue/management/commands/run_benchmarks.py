"""Run the benchmark suite (``make bench``): tiers × databases, a table and a JSON file.

Not part of ``make test`` (it takes minutes to hours); a tiny run of it is, as a test
that the suite still produces a complete table with query counts that do not grow.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.bench import report
from catalogue.bench.runner import DEFAULT_TIERS, BenchConfig, BenchError, run_suite, run_worker


def _int_list(value: str) -> list[int]:
    try:
        tiers = [int(part.replace("_", "").replace(",", "")) for part in value.split(",") if part]
    except ValueError as exc:
        raise CommandError(f"--tiers must be comma-separated integers, not {value!r}.") from exc
    if not tiers or any(t < 1 for t in tiers):
        raise CommandError("--tiers needs at least one positive integer.")
    return tiers


class Command(BaseCommand):
    help = (
        "Benchmark the catalogue at archive scale: for each database and tier, build a fresh "
        "database with the synthetic corpus and time import, search, pages, API and export."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tiers",
            default=",".join(str(t) for t in DEFAULT_TIERS),
            help="Comma-separated corpus sizes (default 10000,100000; 1000 for a smoke run).",
        )
        parser.add_argument(
            "--databases",
            default="sqlite",
            help="Comma-separated: sqlite, postgres (postgres needs scripts/with-postgres.sh).",
        )
        parser.add_argument("--seed", type=int, default=1962)
        parser.add_argument(
            "--rounds", type=int, default=8, help="Timed passes over each URL set (default 8)."
        )
        parser.add_argument(
            "--import-files", type=int, default=1000, help="Texts imported per tier (default 1000)."
        )
        parser.add_argument("--out", default="bench-results", help="Directory for the results.")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the tier databases after the run."
        )
        parser.add_argument("--postgres-url", default="", help="Server for --databases postgres.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would run (tiers, databases, output) and stop.",
        )
        # Internal: one tier inside its own process and database.
        parser.add_argument("--worker", action="store_true", help="(internal)")
        parser.add_argument("--tier", type=int, help="(internal)")
        parser.add_argument("--label", default="", help="(internal)")
        parser.add_argument("--worker-json", help="(internal)")

    def handle(self, *args, **options):
        if options["worker"]:
            return self._worker(options)
        databases = [d.strip() for d in options["databases"].split(",") if d.strip()]
        unknown = set(databases) - {"sqlite", "postgres"}
        if unknown:
            raise CommandError(f"Unknown database(s): {', '.join(sorted(unknown))}.")
        if options["rounds"] < 1:
            raise CommandError("--rounds must be at least 1.")
        config = BenchConfig(
            tiers=_int_list(options["tiers"]),
            databases=databases,
            seed=options["seed"],
            rounds=options["rounds"],
            import_files=options["import_files"],
            out_dir=Path(options["out"]),
            keep=options["keep"],
            postgres_url=options["postgres_url"],
        )
        if options["dry_run"]:
            self.stdout.write(
                f"Would benchmark tiers {config.tiers} on {', '.join(databases)}; "
                f"results to {config.out_dir}/ (dry run, nothing done)."
            )
            return
        try:
            data, path = run_suite(config, log=lambda line: self.stderr.write(line))
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.text(data))
        self.stdout.write("")
        self.stdout.write(
            f"Benchmarked {len(data['runs'])} run(s); results in {path} "
            f"(and {config.out_dir}/latest.md)."
        )

    def _worker(self, options):
        if not options["tier"] or not options["worker_json"]:
            raise CommandError("--worker needs --tier and --worker-json.")
        result = run_worker(
            tier=options["tier"],
            seed=options["seed"],
            rounds=options["rounds"],
            import_files=options["import_files"],
            label=options["label"],
        )
        Path(options["worker_json"]).write_text(json.dumps(result, indent=2, default=str))
