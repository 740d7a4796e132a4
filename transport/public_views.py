"""Pages for anyone, signed in or not: a scheme's open slots for the coming two weeks, with who can
use it and how to book. Never a passenger's or a driver's name, nor where anyone goes."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import selectors

SLOTS_KEPT_SECONDS = 60


@require_http_methods(["GET"])
def slots(request, pk: int):
    """When the scheme has a driver and a vehicle free, by day, with the room in the vehicle. Worked
    out at most once a minute per scheme (a fortnight of day plans is too much work for every
    anonymous request); the page says so."""
    scheme = get_object_or_404(selectors.schemes_listed(), pk=pk)
    today = timezone.localdate()
    found = cache.get_or_set(
        f"transport:slots:{scheme.pk}:{today.isoformat()}",
        lambda: selectors.open_slots(scheme, today),
        SLOTS_KEPT_SECONDS,
    )
    days = [
        (day, list(day_slots))
        for day, day_slots in groupby(found, key=lambda slot: timezone.localdate(slot.starts_at))
    ]
    return render(
        request,
        "transport/public/slots.html",
        {"scheme": scheme, "days": days, "until": today + timedelta(days=selectors.SLOT_DAYS - 1)},
    )
