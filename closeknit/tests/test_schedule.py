"""The reminders' schedule queues each reminder task once at its time, and once after a restart."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from closeknit.management.commands.run_schedule import run_due


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/London"))


def run_at(when: datetime, site_url: str = "") -> list[str]:
    """run_due as if the clock said ``when``: what it queues is stamped with that time too."""
    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    queued = run_due(when, site_url, {})  # a fresh memory each time: as if restarted in between
    DBTaskResult.objects.exclude(pk__in=before).update(enqueued_at=when)
    return queued


def queued_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
def test_each_reminder_is_queued_once_at_its_time_and_not_again_after_a_restart():
    run_at(at(2, 9, 30), "https://closeknit.example")
    assert queued_paths() == [
        "accounts.housekeeping.forget_abandoned_two_factor_set_ups_task",
        "accounts.housekeeping.forget_unconfirmed_sign_ups_task",
        "care.budget_surpluses.warn_of_surpluses_task",
        "care.provider_reminders.send_check_reminders_task",
        "care.return_reminders.send_return_reminders_task",
        "directory.reminders.send_review_reminders_task",
        "grants.reminders.send_monitoring_reminders_task",
        "lending.reminders.send_overdue_reminders_task",
        "transport.reminders.send_expiry_reminders_task",
        "volunteering.reminders.send_shift_reminders_task",
    ]
    # Later in the same hour, after a restart: nothing new is due.
    assert run_at(at(2, 9, 50)) == []
    # The next hour's :05 brings the shift reminders only.
    assert run_at(at(2, 10, 4)) == []
    assert run_at(at(2, 10, 5)) == ["shift reminders (volunteering)"]
    # The next morning: the daily ones again, each at its own time.
    assert run_at(at(3, 3, 31)) == [
        "shift reminders (volunteering)",
        "abandoned two-factor set-ups (accounts)",
    ]
    assert run_at(at(3, 3, 41)) == ["unconfirmed sign-ups (accounts)"]
    assert run_at(at(3, 7, 0)) == ["review reminders (directory)", "shift reminders (volunteering)"]
    assert run_at(at(3, 7, 31)) == [
        "shift reminders (volunteering)",
        "micro-providers' checks: lapsed ones hidden, reminders (care)",
    ]
    assert run_at(at(3, 8, 1)) == ["overdue loan reminders (lending)"]  # 07:05's shifts went at 07:31
    assert run_at(at(3, 8, 10)) == [
        "shift reminders (volunteering)",
        "checks and vehicle dates running out (transport)",
    ]
    assert run_at(at(3, 8, 20)) == ["personal budgets over their surplus ceiling (care)"]
    assert run_at(at(3, 8, 30)) == ["quarterly returns of personal budgets (care)"]
    assert run_at(at(3, 8, 40)) == ["grants' monitoring returns due and overdue (grants)"]
    review = DBTaskResult.objects.filter(task_path="directory.reminders.send_review_reminders_task")
    assert [r.args_kwargs["args"] for r in review.order_by("enqueued_at")][0] == [
        "2026-03-02",
        "https://closeknit.example",
    ]
