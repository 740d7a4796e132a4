import json
import urllib.parse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.oruk.conformance import FAIL, PASS, SKIP, WARN, Report, check_feed

LABELS = {PASS: "PASS", FAIL: "FAIL", WARN: "WARNING", SKIP: "SKIPPED"}


class Command(BaseCommand):
    help = (
        "Check an Open Referral UK feed (its API address, where `/` answers) against the rules of the "
        "official ORUK validator. Exits non-zero when any required rule fails. Reads only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the feed's API address, e.g. https://example.org/oruk")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--max-requests", type=int, default=300, help="most requests to make (default 300)"
        )
        parser.add_argument(
            "--timeout", type=float, default=10, help="seconds allowed for each answer (default 10)"
        )
        parser.add_argument(
            "--max-megabytes", type=float, default=20, help="largest answer read, in megabytes (default 20)"
        )

    def handle(self, *args: object, **options: object) -> None:
        url = str(options["url"]).strip()
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise CommandError(f"{url!r} is not a feed address: it must start with http:// or https://")
        max_requests, timeout = int(str(options["max_requests"])), float(str(options["timeout"]))
        megabytes = float(str(options["max_megabytes"]))
        if max_requests < 1 or timeout <= 0 or megabytes <= 0:
            raise CommandError("--max-requests, --timeout and --max-megabytes must be more than zero")
        try:
            report = check_feed(
                url, timeout=timeout, max_requests=max_requests, max_bytes=int(megabytes * 1_000_000)
            )
        except Exception as error:  # noqa: BLE001 - a hostile feed must never end in a traceback
            raise CommandError(
                f"The check stopped on something it did not expect ({type(error).__name__}: {error}). "
                "Please report it, with the feed's address, as a bug in check_oruk."
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.write_text(report)
        if not report.passed:
            names = ", ".join(f"{r.rule.id} {r.rule.name}" for r in report.failed)
            raise CommandError(f"The feed fails {len(report.failed)} required rule(s): {names}.")

    def write_text(self, report: Report) -> None:
        self.stdout.write(f"Checking {report.base_url} against the Open Referral UK 3.0 rules")
        styles = {PASS: self.style.SUCCESS, FAIL: self.style.ERROR, WARN: self.style.WARNING, SKIP: str}
        for result in report.results:
            label = styles[result.outcome](f"{LABELS[result.outcome]:<8}")
            self.stdout.write(f"{label} {result.rule.id} {result.rule.name}: {result.rule.checks}")
            for reason in result.reasons:
                self.stdout.write(f"         - {reason}")
        counts = report.counts()
        self.stdout.write(
            f"Rules: {counts[PASS]} pass, {counts[FAIL]} fail, {counts[WARN]} with warnings, "
            f"{counts[SKIP]} skipped. Requests made: {report.requests}."
        )
        if report.passed:
            self.stdout.write(self.style.SUCCESS("The feed meets every required rule."))
