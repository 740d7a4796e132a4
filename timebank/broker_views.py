"""A broker's pages for exchanges between members: recording one told to them by phone or on
paper. Someone outside the timebank gets 404; a member who is not its broker gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.pages import bind, form_page

from . import forms, selectors, services
from .models import Exchange
from .views import _broker, _inside


@login_required
@require_http_methods(["GET", "POST"])
def record_exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """A broker records time one member gave another: recorded at once, within both limits."""
    found = _inside(request, slug)
    _broker(request, found)
    form = bind(
        request, forms.BrokerExchangeForm, members=selectors.members_a_broker_may_pick(request.user, found)
    )

    def record(data: dict[str, Any]) -> Exchange:
        return services.record_exchange_for_members(request.user, found, **data)

    return form_page(
        request,
        form,
        action=record,
        template="timebank/form.html",
        next_url=reverse("timebank:broker", args=[slug]),
        success=lambda exchange: (
            f"{exchange.hours} hours recorded: {form.cleaned_data['giver'].full_name} gave time to "
            f"{form.cleaned_data['receiver'].full_name}."
        ),
        context={
            "timebank": found,
            "title": "Record an exchange between two members",
            "submit": "Record the exchange",
        },
    )
