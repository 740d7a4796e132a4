"""Community transport pages for coordinators: where each person starts, the day board, a trip,
assigning, outcomes, and asking for a ride for a passenger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import selectors


@login_required
@require_http_methods(["GET"])
def home(request):
    """Where each person starts: the schemes they coordinate, their own rides, their driving."""
    return render(
        request,
        "transport/home.html",
        {
            "schemes": list(selectors.schemes_coordinated(request.user).order_by("name")),
            "passenger": selectors.own_passenger_record(request.user),
            "drives": hasattr(request.user, "driver") and request.user.driver.is_active,
        },
    )
