"""Monitoring return reminders: 14 days before a return is due, once, and once when it is overdue;
none for a return already sent or already reminded, none when the contact was erased; running the
command twice sends nothing twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from grants.models import MonitoringReturn
from grants.reminders import send_monitoring_reminders
from grants.tests.award_factories import make_grant

pytestmark = pytest.mark.django_db


def _first_return_due_in(days: int) -> MonitoringReturn:
    grant, _ = make_grant()
    first = grant.returns.order_by("due_on").first()
    first.due_on = timezone.localdate() + timedelta(days=days)
    first.save(update_fields=["due_on"])
    mail.outbox.clear()
    return first


def test_a_return_due_within_14_days_is_reminded_once():
    due = _first_return_due_in(14)
    assert send_monitoring_reminders(timezone.localdate(), "https://closeknit.example") == 1
    assert send_monitoring_reminders(timezone.localdate()) == 0  # the same day again
    assert send_monitoring_reminders(timezone.localdate() + timedelta(days=3)) == 0  # and later
    message = mail.outbox[0]
    assert message.to == [due.grant.application.contact_email]
    assert (
        "is due on" in message.subject
        and f"https://closeknit.example/grants/returns/{due.pk}/" in message.body
    )
    due.refresh_from_db()
    assert due.reminded_at is not None and due.overdue_told_at is None


def test_a_return_due_later_is_not_reminded_yet():
    _first_return_due_in(15)
    assert send_monitoring_reminders(timezone.localdate()) == 0


def test_an_overdue_return_is_told_once_even_when_reminded_before():
    due = _first_return_due_in(10)
    send_monitoring_reminders(timezone.localdate())
    later = timezone.localdate() + timedelta(days=11)
    assert send_monitoring_reminders(later) == 1
    assert send_monitoring_reminders(later + timedelta(days=5)) == 0
    assert "overdue" in mail.outbox[-1].subject
    due.refresh_from_db()
    assert due.overdue_told_at is not None


def test_a_sent_return_gets_no_reminder():
    due = _first_return_due_in(-3)
    MonitoringReturn.objects.filter(pk=due.pk).update(
        what_happened="Done.", people_reached=3, spend_pence=0, submitted_at=timezone.now()
    )
    assert send_monitoring_reminders(timezone.localdate()) == 0
    assert mail.outbox == []


def test_a_return_whose_contact_was_erased_gets_no_reminder():
    due = _first_return_due_in(5)
    application = due.grant.application
    application.contact_email = ""
    application.save(update_fields=["contact_email"])
    assert send_monitoring_reminders(timezone.localdate()) == 0
    due.refresh_from_db()
    assert due.reminded_at is None


def test_the_command_sends_now_or_queues_a_task():
    _first_return_due_in(-1)
    out = StringIO()
    call_command("send_grant_monitoring_reminders", "--now", stdout=out)
    assert "Sent 1 reminder email(s)." in out.getvalue()
    call_command("send_grant_monitoring_reminders", stdout=out)
    assert "Queued the reminders as task" in out.getvalue()


def test_a_reminder_the_mail_server_refused_is_tried_again_the_next_day(settings):
    """Stamped means sent: a mail server that cannot be reached (a real connection refused, to a
    port nothing listens on) leaves the return unstamped, stops no other, and the next run sends."""
    import socket

    due = _first_return_due_in(10)
    with socket.socket() as probe:  # a free port, closed again: connecting to it is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    assert send_monitoring_reminders(timezone.localdate()) == 0
    due.refresh_from_db()
    assert due.reminded_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_monitoring_reminders(timezone.localdate()) == 1
    due.refresh_from_db()
    assert due.reminded_at is not None and len(mail.outbox) == 1
