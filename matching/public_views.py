"""The residents' own suggestions: say what you like and when you are free, see what fits near you.

No account, and nothing stored. The form is sent by POST (with its CSRF token), so what someone
wrote is never in an address, a browser's history or an access log; the answer is drawn in reply to
that POST, with no redirect, no message and no session. Only public things are suggested (directory
listings and volunteering opportunities): never people, never a timebank's members or offers.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from common import limits
from common.network import client_address

from .public_forms import SuggestionsForm
from .ranking import Cost, Suggestion
from .selectors import suggest
from .sources import Context

PUBLIC_KINDS = ("listing", "opportunity")  # what anyone may see; people and timebanks never
SHOWN = 10
# How well something must fit what was said to be shown at all. With the model, unrelated texts
# score below about 0.1 and related ones from about 0.2 (docs/matching.md); with keywords, no
# shared word scores 0.
LEAST_FIT = 0.1
SEARCHES_PER_HOUR = 60  # from one address: far more than a person tries, few for a script
TOO_OFTEN = "You have asked for a lot of suggestions in the last hour. Try again later."


@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest) -> HttpResponse:
    """The form; on a valid POST, the suggestions with their reasons, above the form to change."""
    form = SuggestionsForm(request.POST if request.method == "POST" else None)
    found: list[Suggestion] | None = None
    status = 200
    if form.is_bound and form.is_valid():
        if _used_up(request):
            form.add_error(None, TOO_OFTEN)
            status = 429
        else:
            found = _for_you(form)
    return render(
        request,
        "matching/public_suggestions.html",
        {"form": form, "suggestions": found},
        status=status,
    )


def _used_up(request: HttpRequest) -> bool:
    """Counts this search from the sender's address; whether they had already used up the hour."""
    key = f"matching:public-suggestions:{client_address(request) or 'unknown'}"
    if limits.used_up(key, SEARCHES_PER_HOUR):
        return True
    limits.count_one(key)
    return False


def _for_you(form: SuggestionsForm) -> list[Suggestion]:
    ranked = suggest(form.profile(), Context(viewer=None), kinds=PUBLIC_KINDS, limit=None)
    shown = [
        s
        for s in ranked
        if s.candidate.kind in PUBLIC_KINDS
        and s.factors["interest"] >= LEAST_FIT
        and (not form.cleaned_data.get("free_only") or s.candidate.cost == Cost.FREE)
    ]
    return shown[:SHOWN]
