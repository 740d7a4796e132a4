"""Abandoned authenticator set-ups are forgotten after a day; nothing else is touched."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.housekeeping import forget_abandoned_two_factor_set_ups
from accounts.models import Role


@pytest.mark.django_db
def test_only_set_ups_abandoned_for_over_a_day_are_forgotten(make_user):
    person = make_user(Role.COORDINATOR)
    now = timezone.now()

    def device(confirmed: bool, age: timedelta) -> TOTPDevice:
        made = TOTPDevice.objects.create(user=person, name="app", confirmed=confirmed)
        TOTPDevice.objects.filter(pk=made.pk).update(created_at=now - age)
        return made

    abandoned = device(False, timedelta(days=1, minutes=1))
    in_progress = device(False, timedelta(hours=2))
    confirmed_long_ago = device(True, timedelta(days=400))

    assert forget_abandoned_two_factor_set_ups(now) == 1
    remaining = set(TOTPDevice.objects.values_list("pk", flat=True))
    assert abandoned.pk not in remaining
    assert {in_progress.pk, confirmed_long_ago.pk} <= remaining


@pytest.mark.django_db
def test_only_sign_ups_unconfirmed_for_over_a_week_are_forgotten(make_user):
    from accounts.housekeeping import forget_unconfirmed_sign_ups
    from accounts.models import User

    now = timezone.now()

    def person(email: str, confirmed: bool, age: timedelta) -> User:
        made = make_user(Role.RESIDENT, email=email, email_verified=confirmed)
        User.objects.filter(pk=made.pk).update(date_joined=now - age)
        return made

    old = person("old@example.org", False, timedelta(days=7, minutes=1))
    recent = person("recent@example.org", False, timedelta(days=6))
    confirmed = person("confirmed@example.org", True, timedelta(days=400))

    assert forget_unconfirmed_sign_ups(now) == 1
    old.refresh_from_db()
    assert (old.full_name, old.is_active) == ("Erased person", False) and old.email.endswith("@invalid")
    assert set(User.objects.filter(is_active=True).values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
