"""Build a synthetic catalogue for benchmarks and demonstrations.

The real collection is a few hundred documents; an archive is millions. This command
produces a catalogue with the real collection's proportions at any size, the same for
the same seed, so performance figures can be reproduced and compared.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from catalogue.corpus import CorpusError, generate_corpus
from catalogue.management.termination import EXIT_CODE, Terminated, terminate_cleanly


class Command(BaseCommand):
    help = (
        "Generate a realistic synthetic catalogue (documents, agents, units, provenance), "
        "deterministic for --seed; optionally also write it as Avalon-format .txt files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, required=True, help="How many documents.")
        parser.add_argument("--seed", type=int, default=1962, help="Random seed (default 1962).")
        parser.add_argument(
            "--publish-ratio",
            type=float,
            default=0.9,
            help="Share of documents published (the rest are draft, in review or withdrawn).",
        )
        parser.add_argument(
            "--text-dir",
            help="Write Avalon-format .txt files here instead of to the database.",
        )
        parser.add_argument(
            "--with-database",
            action="store_true",
            help="With --text-dir: write the documents to the database too.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Documents per insert batch."
        )
        parser.add_argument(
            "--no-index", action="store_true", help="Do not bring the search index up to date."
        )
        parser.add_argument(
            "--single-process",
            action="store_true",
            help="Plan and insert in this process (default: from 4,000 documents a forked "
            "worker plans while this process inserts; the corpus is the same).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Plan the corpus and report; write nothing."
        )

    def handle(self, *args, **options):
        total = options["documents"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        text_dir = options["text_dir"]
        to_database = text_dir is None or options["with_database"]
        bar = None
        if sys.stdout.isatty() and options["verbosity"] > 0:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="doc", desc="Generating")
        with terminate_cleanly():
            try:
                result = generate_corpus(
                    documents=total,
                    seed=options["seed"],
                    publish_ratio=options["publish_ratio"],
                    text_dir=text_dir,
                    to_database=to_database,
                    dry_run=options["dry_run"],
                    batch_size=options["batch_size"],
                    progress=bar.update if bar else None,
                    index=not options["no_index"],
                    parallel=False if options["single_process"] else None,
                )
            except CorpusError as exc:
                raise CommandError(str(exc)) from exc
            except Terminated as exc:
                raise CommandError(
                    f"Corpus generation {exc}; the database load was rolled back"
                    " (text files already written stay).",
                    returncode=EXIT_CODE,
                ) from exc
            finally:
                if bar:
                    bar.close()
        cpu = result.cpu_seconds
        where = []
        if to_database and not result.dry_run:
            where.append("database")
        if result.files_written:
            where.append(f"{result.files_written} files in {text_dir}")
        verb = "Planned (dry run, nothing written)" if result.dry_run else "Generated"
        rows = sum(v for k, v in result.rows.items())
        self.stdout.write(
            f"{verb} {result.documents} documents (seed {options['seed']}, {rows} rows) "
            f"{'into ' + ' and '.join(where) if where else ''} in {result.seconds:.1f} s "
            f"({result.documents_per_second:,.0f} documents/s; "
            f"{result.documents / cpu if cpu else 0:,.0f}/s of CPU time, worker included); "
            f"search index {result.index_seconds:.1f} s"
            + (
                f"; {result.total_seconds:.1f} s in all ({result.total_cpu_seconds:.1f} s of CPU)."
                if result.total_seconds
                else "."
            )
        )
