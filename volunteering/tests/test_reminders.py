from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from volunteering.models import SignUp
from volunteering.reminders import send_shift_reminders
from volunteering.tests.factories import make_opportunity, make_shift


def test_volunteers_are_reminded_once_the_day_before(db):
    opportunity, organiser = make_opportunity()
    tomorrow = make_shift(opportunity, days=0, places=1)
    tomorrow.starts_at = timezone.now() + timedelta(hours=20)
    tomorrow.ends_at = tomorrow.starts_at + timedelta(hours=2)
    tomorrow.save()
    later = make_shift(opportunity, days=5)
    SignUp.objects.create(shift=tomorrow, name="Stan", email="stan@example.org")
    SignUp.objects.create(shift=tomorrow, name="Val", email="val@example.org", status="waiting")
    SignUp.objects.create(shift=tomorrow, name="Phone only", phone="07700 900123")
    SignUp.objects.create(shift=later, name="Jo", email="jo@example.org")
    assert send_shift_reminders(timezone.now(), "https://closeknit.example") == 1
    assert [m.to for m in mail.outbox] == [["stan@example.org"]]
    assert (
        "Marshal at parkrun" in mail.outbox[0].body
        and "https://closeknit.example/volunteering/mine/" in mail.outbox[0].body
    )
    assert send_shift_reminders(timezone.now()) == 0  # once only
    call_command("send_shift_reminders", "--now")
    assert len(mail.outbox) == 1
