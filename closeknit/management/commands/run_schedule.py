"""The reminders' schedule: queue each reminder task at its time, for the task worker to send.

``manage.py serve`` runs this beside the web server and the worker. Run it on one machine only
(``serve --no-schedule`` on the others), or use cron with the ``send_*`` commands instead.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone

from accounts.housekeeping import forget_abandoned_two_factor_set_ups_task, forget_unconfirmed_sign_ups_task
from care.budget_surpluses import warn_of_surpluses_task
from care.provider_reminders import send_check_reminders_task
from care.return_reminders import send_return_reminders_task
from common.health import tasks_kept_in_database
from directory.reminders import send_review_reminders_task
from grants.reminders import send_monitoring_reminders_task
from lending.reminders import send_overdue_reminders_task
from transport.reminders import send_expiry_reminders_task
from volunteering.reminders import send_shift_reminders_task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A task queued at ``minute`` past every hour, or, with ``hour``, once a day at that time."""

    name: str
    task: object
    args: Callable[[datetime, str], tuple]
    minute: int
    hour: int | None = None

    def last_due(self, now: datetime) -> datetime:
        """The latest time at or before ``now`` (local time) that this job was due."""
        if self.hour is None:
            due = now.replace(minute=self.minute, second=0, microsecond=0)
            return due if due <= now else due - timedelta(hours=1)
        due = timezone.make_aware(datetime.combine(now.date(), time(self.hour, self.minute)))
        return due if due <= now else due - timedelta(days=1)


SCHEDULE = [
    Job(
        "review reminders (directory)",
        send_review_reminders_task,
        lambda now, site_url: (now.date().isoformat(), site_url),
        hour=7,
        minute=0,
    ),
    Job(
        "shift reminders (volunteering)",
        send_shift_reminders_task,
        lambda now, site_url: (now.isoformat(), site_url),
        minute=5,
    ),
    Job(
        "overdue loan reminders (lending)",
        send_overdue_reminders_task,
        lambda now, site_url: (now.date().isoformat(),),
        hour=8,
        minute=0,
    ),
    Job(
        "checks and vehicle dates running out (transport)",
        send_expiry_reminders_task,
        lambda now, site_url: (now.date().isoformat(), site_url),
        hour=8,
        minute=10,
    ),
    Job(
        "micro-providers' checks: lapsed ones hidden, reminders (care)",
        send_check_reminders_task,
        lambda now, site_url: (now.date().isoformat(),),
        hour=7,
        minute=30,
    ),
    Job(
        "personal budgets over their surplus ceiling (care)",
        warn_of_surpluses_task,
        lambda now, site_url: (now.date().isoformat(), site_url),
        hour=8,
        minute=20,
    ),
    Job(
        "quarterly returns of personal budgets (care)",
        send_return_reminders_task,
        lambda now, site_url: (now.date().isoformat(), site_url),
        hour=8,
        minute=30,
    ),
    Job(
        "grants' monitoring returns due and overdue (grants)",
        send_monitoring_reminders_task,
        lambda now, site_url: (now.date().isoformat(), site_url),
        hour=8,
        minute=40,
    ),
    Job(
        "abandoned two-factor set-ups (accounts)",
        forget_abandoned_two_factor_set_ups_task,
        lambda now, site_url: (now.isoformat(),),
        hour=3,
        minute=30,
    ),
    Job(
        "unconfirmed sign-ups (accounts)",
        forget_unconfirmed_sign_ups_task,
        lambda now, site_url: (now.isoformat(),),
        hour=3,
        minute=40,
    ),
]


def queued_since(job: Job, since: datetime) -> bool | None:
    """Whether the database task queue holds this job's task enqueued at or after ``since``; None
    when tasks are not kept in the database, so only this process's memory can say."""
    if not tasks_kept_in_database():
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=job.task.module_path, enqueued_at__gte=since).exists()


def run_due(now: datetime, site_url: str, memory: dict[str, datetime]) -> list[str]:
    """Queue every job whose latest time has no task yet; the names of those queued.

    The queue itself records what was queued, so a restart (or a stop over a job's time) queues a
    missed run once, late, rather than never or twice. The reminders themselves remind each
    person once, so a late or repeated run sends nothing twice.
    """
    queued = []
    for job in SCHEDULE:
        due = job.last_due(now)
        already = queued_since(job, due)
        if already is None:
            already = memory.setdefault(job.name, due) >= due
        if not already:
            job.task.enqueue(*job.args(now, site_url))
            memory[job.name] = due
            queued.append(job.name)
            logger.info("Queued the %s due at %s", job.name, due.isoformat(timespec="minutes"))
    return queued


class Command(BaseCommand):
    help = (
        "Queue the reminder tasks at their times (review reminders daily at 07:00, micro-providers' "
        "checks at 07:30, overdue loans at "
        "08:00, transport checks and vehicle dates at 08:10, budget surpluses at 08:20, personal budgets' "
        "quarterly returns at 08:30, shift reminders hourly at :05) until stopped; "
        "the task worker (db_worker) sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default="", help="the site's address for links in emails")
        parser.add_argument("--interval", type=float, default=30, help="seconds between looks (default 30)")

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        memory: dict[str, datetime] = {}
        while not stop.is_set():
            try:
                run_due(timezone.localtime(), options["site_url"], memory)
            except DatabaseError:
                # A database that is away for a moment must not stop the site: try again next time.
                logger.exception("Could not look at or queue the reminders; trying again shortly")
            finally:
                connection.close()
            stop.wait(options["interval"])
