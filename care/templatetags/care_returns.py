"""Quarterly returns on care's pages: ``{% return_status budget_return %}`` (a tag saying where a
return stands, "Overdue" for one still due after its date) and ``{% budget_returns budget %}``
(on a budget's page: the suspension warning, and a link to its returns for whoever returns them
and the council's finance officers), ``{% suspended_tag budget %}`` and ``{% returns_link %}`` (on the
budgets' list)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from care import return_selectors as selectors
from care.budget_selectors import is_finance_officer
from care.models import PersonalBudget, QuarterlyReturn

register = template.Library()

COLOURS = {
    QuarterlyReturn.State.DUE: "blue",
    QuarterlyReturn.State.SUBMITTED: "yellow",
    QuarterlyReturn.State.QUERIED: "orange",
    QuarterlyReturn.State.RESPONDED: "yellow",
    QuarterlyReturn.State.CLOSED: "green",
}


@register.simple_tag
def return_status(budget_return: QuarterlyReturn) -> SafeString:
    if budget_return.is_overdue(timezone.localdate()):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')  # noqa: S308 - constant
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        COLOURS.get(budget_return.state, "grey"),
        budget_return.get_state_display(),
    )


@register.inclusion_tag("care/returns/budget_panel.html", takes_context=True)
def budget_returns(context: Any, budget: PersonalBudget) -> dict[str, Any]:
    user = context["request"].user
    return {
        "budget": budget,
        "suspending": selectors.suspending_returns(budget).first(),
        "link": selectors.needs_returns(budget)
        and (selectors.is_returner(user, budget) or is_finance_officer(user, budget.council_id)),
    }


@register.simple_tag
def suspended_tag(budget: PersonalBudget) -> SafeString:
    if selectors.is_suspended(budget):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Suspended: return overdue</strong>')  # noqa: S308
    return mark_safe("")


@register.simple_tag(takes_context=True)
def returns_link(context: Any) -> SafeString:
    """A link to the quarterly returns, for anyone who has one to see."""
    if not selectors.returns_visible_to(context["request"].user).exists():
        return mark_safe("")
    return format_html(
        '<p class="govuk-body"><a class="govuk-link" href="{}">Quarterly returns</a></p>',
        reverse("care:budget_returns"),
    )
