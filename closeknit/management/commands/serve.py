"""Production: the web server, the task worker and the reminders' schedule, started and stopped
together as one service."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.health import tasks_kept_in_database

# How long the children may take to finish what they are doing once asked to stop (gunicorn's own
# graceful timeout is 30 seconds).
STOP_TIMEOUT = 40


def default_workers() -> int:
    """WEB_CONCURRENCY if set, else gunicorn's advice: two per core plus one (cores this process may use)."""
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    return 2 * len(os.sched_getaffinity(0)) + 1


class Command(BaseCommand):
    help = (
        "Run Closeknit in production: gunicorn (workers: WEB_CONCURRENCY, else 2 per core + 1), the "
        "task worker (db_worker) and the reminders' schedule (run_schedule). If any of them stops, all "
        "are stopped and this exits non-zero; SIGTERM or Ctrl-C stops them all cleanly. Run "
        "`manage.py migrate` and `collectstatic` first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("CLOSEKNIT_BIND", "127.0.0.1:8000"),
            help="address:port for gunicorn (default CLOSEKNIT_BIND, else 127.0.0.1:8000)",
        )
        parser.add_argument("--workers", type=int, default=None, help="web worker processes")
        parser.add_argument(
            "--site-url",
            default=os.environ.get("CLOSEKNIT_SITE_URL", ""),
            help="the site's address for links in reminder emails (default CLOSEKNIT_SITE_URL)",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="do not queue reminders here (another machine, or cron, does it)",
        )

    def children(self, options) -> dict[str, list[str]]:
        """The command line of each process to run, by name."""
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        workers = options["workers"] or default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "closeknit.wsgi",
                "--bind",
                options["bind"],
                "--workers",
                str(workers),
                # No access log: addresses can carry search words such as a person's name.
                "--error-logfile",
                "-",
                # This command supervises gunicorn; a control socket in the home folder would be
                # shared by every instance on the machine (and a service user may have no home).
                "--no-control-socket",
            ]
        }
        if tasks_kept_in_database():
            commands["tasks"] = [*manage, "db_worker", "--no-reload"]
        if not options["no_schedule"]:
            commands["schedule"] = [*manage, "run_schedule", "--site-url", options["site_url"]]
        return commands

    def handle(self, *args, **options):
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError('gunicorn is not installed: pip install ".[server]" (or `make serve`).')
        commands = self.children(options)
        stop = threading.Event()
        reason: list[str] = []

        def on_signal(signum, frame):
            reason.append(signal.Signals(signum).name)
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, on_signal)

        running: dict[str, subprocess.Popen] = {}
        try:
            for name, command in commands.items():
                running[name] = subprocess.Popen(command)  # noqa: S603 - our own commands, no shell
                self.stderr.write(f"serve: started {name} (pid {running[name].pid})")
            failed = None
            while not stop.is_set():
                failed = next((name for name, child in running.items() if child.poll() is not None), None)
                if failed:
                    break
                stop.wait(0.5)
        finally:
            self.stop_all(running)
        if failed:
            raise CommandError(
                f"{failed} stopped (exit code {running[failed].returncode}), so everything was stopped."
            )
        self.stderr.write(f"serve: stopped on {reason[0] if reason else 'request'}.")

    def stop_all(self, running: dict[str, subprocess.Popen]) -> None:
        """Ask every child still running to stop, wait for them, and kill any that will not."""
        for child in running.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for name, child in running.items():
            try:
                child.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"serve: {name} did not stop in {STOP_TIMEOUT} s; killing it.")
                child.kill()
                child.wait()
