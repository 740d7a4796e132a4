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
