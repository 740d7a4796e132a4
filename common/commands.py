"""Shared shape of operators' import commands: a progress bar and one-line errors."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from common.csvimport import ImportFileError


class ImportOutcome(Protocol):
    """What an import function returns for the command to print (e.g. ``places.services.ImportReport``)."""

    read: int
    created: int
    updated: int
    skipped: int
    notes: list[str]


class ImportCommand(BaseCommand):
    """Runs an import function, showing progress and turning file errors into one line.

    Subclasses implement ``run_import(options, progress)`` and return an
    object with ``read``, ``created``, ``updated``, ``skipped`` and ``notes``.
    """

    unit = "rows"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path to the CSV file (may be gzipped)")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def run_import(self, options: dict[str, Any], progress: Callable[[int], None]) -> ImportOutcome:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"] and options.get("verbosity", 1) > 0
        with tqdm(
            unit=f" {self.unit}", disable=not show, file=sys.stderr, desc=self.help.split(".")[0][:40]
        ) as bar:
            try:
                report = self.run_import(options, bar.update)
            except ImportFileError as error:
                raise CommandError(f"{error}. Nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {report.read:,} {self.unit}: {report.created:,} new, {report.updated:,} updated"
                + (f", {report.skipped:,} skipped" if report.skipped else "")
                + "."
            )
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
