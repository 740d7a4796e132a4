"""The demo: a tuk-tuk scheme and a minibus, with drivers, passengers, a week of trips assigned
through the same checks, and past runs with their mileage claims."""

import pytest
from django.core.management import call_command

from transport.models import MileageClaim, Scheme, Trip, Vehicle


@pytest.mark.django_db
def test_the_demo_has_a_tuk_tuk_scheme_and_a_minibus_with_a_week_of_trips():
    call_command("seed_demo", residents=30, verbosity=0)
    assert set(Scheme.objects.values_list("name", flat=True)) == {
        "Nellie the tuk-tuk",
        "Sale Moor community minibus",
    }
    assert Vehicle.objects.filter(kind="tuk_tuk").exists() and Vehicle.objects.filter(kind="minibus").exists()
    coming = Trip.objects.filter(status__in=Trip.OPEN)
    assert coming.filter(status=Trip.Status.SCHEDULED).count() >= 5
    assert coming.filter(outward__isnull=False).exists()  # returns
    assert coming.exclude(series=None).exists()  # the weekly lunch club
    claims = MileageClaim.objects.all()
    assert claims.count() == 8 and all(claim.total > 0 for claim in claims)
