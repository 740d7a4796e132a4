"""``manage.py import_oruk``: import services from an Open Referral UK feed or JSON file, all or
nothing, within limits no feed can get round (see ``directory.oruk.feeds``)."""

from __future__ import annotations

import time as clock
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from directory.models import ListingStatus
from directory.oruk.checks import quoted
from directory.oruk.feeds import Deadline, FeedError, FeedLimits, records_from_file, records_from_url
from directory.oruk.importer import ImportResult, Rejected, import_records
from directory.oruk.ownership import source_name

DEFAULTS = FeedLimits()
LINE_AT_MOST = 600  # characters of one problem shown (what a feed sends is cut shorter, in checks)
PLAIN_EVERY = 100  # records between two progress lines when stderr is not a terminal
STAGES = {
    "pages": "pages fetched",
    "fetched": "records fetched",
    "checked": "records checked",
    "written": "records written",
}


class _Progress:
    """Progress on stderr: bars when it is a terminal, else a plain line every PLAIN_EVERY records.
    Each call also checks the import's time limit, so checking and writing stop in time too (a
    refusal while writing rolls the whole import back)."""

    def __init__(self, command: BaseCommand, deadline: Deadline, *, shown: bool) -> None:
        self.stderr, self.deadline, self.shown = command.stderr, deadline, shown
        self.bars: dict[str, Any] = {}
        self.terminal = self.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.deadline.check()
        if not self.shown:
            return
        label = STAGES.get(stage, stage)
        if self.terminal:
            from tqdm import tqdm

            bar = self.bars.get(stage)
            if bar is None:
                bar = self.bars[stage] = tqdm(total=total or None, desc=label, unit="", file=self.stderr._out)
            bar.update(done - bar.n)
        elif done == 1 or done % PLAIN_EVERY == 0 or done == total:
            self.stderr.write(f"{label}: {done}" + (f" of {total}" if total else ""))

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _record(rejected: Rejected) -> str:
    name = f", '{quoted(rejected.name)}'" if rejected.name else ""
    return f"Record {rejected.position} ({quoted(rejected.record_id)}{name})"


def _line(problem: str) -> str:
    return quoted(problem, LINE_AT_MOST)


class Command(BaseCommand):
    help = (
        "Import services from an Open Referral UK feed (its API address) or a JSON file. Every record "
        "is checked first; if any is rejected, or the feed breaks a limit, nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a feed address (https://…/) or a JSON file")
        parser.add_argument(
            "--owner",
            help=(
                "the source: name of the Closeknit organisation whose editors keep these listings up to "
                "date. The import creates and updates this source's records only; without --owner, the "
                "district's own records (those with no owner)"
            ),
        )
        parser.add_argument(
            "--status",
            choices=ListingStatus.values,
            default=ListingStatus.PUBLISHED,
            help="listing status for imported services (default: published)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every record but write nothing")
        parser.add_argument("--no-progress", action="store_true", help="show no progress, only the summary")
        limits = parser.add_argument_group("limits (a feed that breaks one is refused whole)")
        limits.add_argument(
            "--time-limit", type=float, default=DEFAULTS.time_limit, help="seconds for the whole import (900)"
        )
        limits.add_argument(
            "--timeout",
            type=float,
            default=DEFAULTS.timeout,
            help="seconds for each request, start to end (30)",
        )
        limits.add_argument(
            "--max-bytes", type=int, default=DEFAULTS.max_bytes, help="bytes in one answer or file (50 MB)"
        )
        limits.add_argument(
            "--max-feed-bytes",
            type=int,
            default=DEFAULTS.max_feed_bytes,
            help="bytes in all answers (500 MB)",
        )
        limits.add_argument(
            "--max-pages", type=int, default=DEFAULTS.max_pages, help="pages of a feed (1000)"
        )
        limits.add_argument(
            "--max-records", type=int, default=DEFAULTS.max_records, help="services in a feed or file (20000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = clock.monotonic()
        owner = None
        if options["owner"]:
            owner = Organisation.objects.filter(name=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No organisation is called {options['owner']!r}. Nothing was imported.")
        limits = FeedLimits(
            time_limit=options["time_limit"],
            timeout=options["timeout"],
            max_bytes=options["max_bytes"],
            max_feed_bytes=options["max_feed_bytes"],
            max_pages=options["max_pages"],
            max_records=options["max_records"],
        )
        deadline = Deadline(limits.time_limit, started)
        shown = not options["no_progress"] and options.get("verbosity", 1) > 0
        progress = _Progress(self, deadline, shown=shown)
        source = options["source"]
        try:
            if source.startswith(("http://", "https://")):
                records = records_from_url(source, limits=limits, deadline=deadline, progress=progress)
            else:
                records = records_from_file(source, limits=limits)
            result = import_records(
                records, owner=owner, status=options["status"], dry_run=options["dry_run"], progress=progress
            )
        except FeedError as error:
            raise CommandError(f"{_line(str(error))}. Nothing was imported.") from None
        finally:
            progress.close()
        self._report(result, options["dry_run"], clock.monotonic() - started, source_name(owner))

    def _report(self, result: ImportResult, dry_run: bool, seconds: float, source: str) -> None:
        summary = (
            f"read {result.read}, {result.created} new, {result.updated} updated, "
            f"{len(result.rejected)} rejected, in {seconds:.1f} s"
        )
        for rejected in result.rejected:
            self.stderr.write(f"{_record(rejected)} was rejected:")
            for problem in rejected.problems:
                self.stderr.write(f"  - {_line(problem)}")
        if result.rejected:
            first = result.rejected[0]
            raise CommandError(
                f"{len(result.rejected)} of {result.read} records were rejected. Nothing was imported. "
                f"The first: {_record(first)}: {_line(first.problems[0])} ({summary})"
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"All {result.read} records are fine for {source}. Nothing was written (dry run; "
                    f"{summary})."
                )
            )
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(warning))
            return
        self.stdout.write(self.style.SUCCESS(f"Imported {result.read} services for {source}: {summary}."))
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
