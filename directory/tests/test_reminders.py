"""Stale listings: editors are reminded once, and their managers if nothing happens in 30 days."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from directory.models import ReviewReminder
from directory.reminders import send_review_reminders, send_review_reminders_task
from directory.tests.factories import ServiceFactory

TODAY = date(2026, 11, 24)


@pytest.fixture
def group(db, make_user):
    organisation = OrganisationFactory(name="Stretford Neighbours")
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=organisation, email="editor@example.org")
    manager = make_user(Role.ADMINISTRATOR, organisation=organisation, email="manager@example.org")
    stale = [
        ServiceFactory(
            name=name, owner=organisation, last_checked=TODAY - timedelta(days=200), review_interval_days=180
        )
        for name in ("Lunch club", "Knit and natter")
    ]
    fresh = ServiceFactory(name="Choir", owner=organisation, last_checked=TODAY - timedelta(days=10))
    return {
        "organisation": organisation,
        "editor": editor,
        "manager": manager,
        "stale": stale,
        "fresh": fresh,
    }


def test_editors_get_one_email_listing_every_overdue_listing(group):
    sent = send_review_reminders(TODAY, "https://closeknit.example")
    assert sent == {"owner": 1, "manager": 0}
    [email] = mail.outbox
    assert email.to == ["editor@example.org"]
    assert email.subject == "2 listings need checking"
    assert "Lunch club: last checked 8 May 2026" in email.body and "Knit and natter" in email.body
    assert "Choir" not in email.body
    assert "https://closeknit.example/directory/manage/" in email.body
    assert ReviewReminder.objects.filter(level=ReviewReminder.Level.OWNER).count() == 2


def test_running_again_the_same_day_sends_nothing_more(group):
    send_review_reminders(TODAY)
    send_review_reminders(TODAY + timedelta(days=1))
    assert len(mail.outbox) == 1


def test_still_unchecked_after_thirty_days_goes_to_the_managers(group):
    send_review_reminders(TODAY)
    ReviewReminder.objects.update(sent_at=datetime(2026, 10, 24, 9, tzinfo=UTC))
    sent = send_review_reminders(TODAY + timedelta(days=1))
    assert sent == {"owner": 0, "manager": 1}
    assert mail.outbox[-1].to == ["manager@example.org"]
    assert mail.outbox[-1].subject == "Still unchecked: 2 listings"


def test_a_listing_checked_after_the_reminder_is_not_escalated(group):
    send_review_reminders(TODAY)
    ReviewReminder.objects.update(sent_at=datetime(2026, 10, 24, 9, tzinfo=UTC))
    for listing in group["stale"]:
        listing.last_checked = TODAY
        listing.save()
    assert send_review_reminders(TODAY + timedelta(days=1)) == {"owner": 0, "manager": 0}


def test_an_organisation_without_editors_reminds_its_managers(group):
    group["editor"].delete()
    send_review_reminders(TODAY)
    assert mail.outbox[0].to == ["manager@example.org"]


def test_reminders_run_as_a_background_task(group, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = send_review_reminders_task.enqueue(TODAY.isoformat(), "")
    assert result.return_value == {"owner": 1, "manager": 0}
    assert len(mail.outbox) == 1


def test_command_queues_the_task_in_the_database(group, capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("send_review_reminders")
    assert "Queued the reminders as task" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == 1 and not mail.outbox


def test_the_daily_run_does_not_query_once_per_listing(group, django_assert_max_num_queries):
    for n in range(20):
        ServiceFactory(
            name=f"Old group {n}", owner=group["organisation"], last_checked=TODAY - timedelta(days=400)
        )
    with django_assert_max_num_queries(10):
        assert send_review_reminders(TODAY) == {"owner": 1, "manager": 0}  # 22 listings, one email
    with django_assert_max_num_queries(4):
        assert send_review_reminders(TODAY) == {"owner": 0, "manager": 0}  # nothing new due
    assert ReviewReminder.objects.count() == 22
