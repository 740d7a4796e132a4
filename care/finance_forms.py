"""Forms of the finance officers' pages: finding a person by their record reference, setting up
their budget, a budget's lines, and money paid in. Amounts are typed in pounds and pence and given
to the services in whole pence; each field is named as the service names it, so a service's refusal
lands beside the field it is about."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from accounts.models import Organisation
from common.forms import day_field
from people.models import Goal

from .models import BudgetLine, PersonalBudget

MOST_POUNDS = Decimal("10000000")


class PenceField(forms.DecimalField):
    """Pounds and pence as typed (24.50), cleaned to whole pence (2450). A text input with a
    decimal keyboard, as the GOV.UK Design System advises for money, not a number input."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min, max or step: those belong to number inputs; the server checks the amount.
        return {}

    def clean(self, value: Any) -> int | None:
        pounds = super().clean(value)
        return None if pounds is None else int(pounds * 100)


def money_field(
    label: str, what: str, *, required: bool = True, least: str = "0.01", hint: str = ""
) -> PenceField:
    """A field for an amount in pounds and pence whose every message names ``what`` it is."""
    typed = f"Enter the {what} in pounds and pence, like 24.50"
    return PenceField(
        label=label,
        required=required,
        help_text=hint or "In pounds and pence, like 24.50",
        min_value=Decimal(least),
        max_value=MOST_POUNDS,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {what}",
            "invalid": typed,
            "min_value": f"The {what} must be at least {least}",
            "max_value": f"The {what} must be at most 10,000,000",
            "max_digits": typed,
            "max_decimal_places": typed,
            "max_whole_digits": f"The {what} must be at most 10,000,000",
        },
    )


def _text_field(
    label: str, what: str, most: int, *, required: bool, hint: str = "", rows: int = 0
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=most,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={
            "required": f"Enter the {what}",
            "max_length": f"The {what} must be at most {most} characters",
        },
    )


class FindPersonForm(forms.Form):
    """The person's record reference, as shown on their page (a GET, so it works without script)."""

    reference = forms.UUIDField(
        label="The person's record reference",
        help_text=(
            "It is shown on the person's page, under their name, like 0b7c5e2a-4d1f-4c3b-9a8e-2f6d1c0e9b4a"
        ),
        error_messages={
            "required": "Enter the person's record reference",
            "invalid": (
                "Enter the record reference as shown on the person's page: "
                "32 letters and numbers, with or without dashes"
            ),
        },
    )


class BudgetSetUpForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of budget",
        choices=PersonalBudget.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of budget",
            "invalid_choice": "Choose the kind of budget",
        },
    )
    provider: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider holding the Individual Service Fund",
        required=False,
        empty_label="Not an Individual Service Fund",
        help_text="For an Individual Service Fund only: providers with someone to record its spending",
        error_messages={"invalid_choice": "Choose a provider from the list"},
    )
    annual_pence = money_field(
        "Annual amount (£)",
        "annual amount",
        hint="In pounds and pence, like 10400. The weekly figure is this over 52 weeks.",
    )
    weekly_contribution_pence = money_field(
        "Assessed weekly contribution (£)",
        "assessed weekly contribution",
        required=False,
        least="0",
        hint="What the person pays in each week, like 25.00. Leave empty for none.",
    )
    outcomes = _text_field(
        "Outcomes it pays for",
        "outcomes",
        2000,
        required=False,
        rows=4,
        hint="From the support plan, in the person's words",
    )
    goals: forms.ModelMultipleChoiceField[Goal] = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        label="Goals from their support plan it pays towards",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose goals of this person only",
            "invalid_pk_value": "Choose goals of this person only",
        },
    )
    representative_email = forms.EmailField(
        label="Representative's email address (optional)",
        required=False,
        max_length=254,
        help_text=(
            "Someone named to read the budget for the person, such as family or an advocate. "
            "They need a sign-in."
        ),
        error_messages={"invalid": "Enter the representative's email address, like name@example.com"},
    )
    starts_on = day_field("Start date")
    ends_on = day_field("End date", required=False, help_text="Optional. For example, 31/03/2027")

    def __init__(self, *args: Any, providers: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = providers
        chosen = self.fields["goals"]
        assert isinstance(chosen, forms.ModelMultipleChoiceField)
        chosen.queryset = goals
        if not goals.exists():
            del self.fields["goals"]


class LineForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the line is for",
        choices=[("", "Choose what it is for"), *BudgetLine.Kind.choices],
        error_messages={
            "required": "Choose what the line is for",
            "invalid_choice": "Choose what the line is for",
        },
    )
    description = _text_field(
        "In plain words",
        "words for the line",
        120,
        required=True,
        hint='Such as "Ann (PA)" or "the lunch club"',
    )
    allocated_pence = money_field("Allowance for the year (£)", "allowance for the year")


class PaymentInForm(forms.Form):
    amount = money_field("Amount paid in (£)", "amount paid in")
    evidence = _text_field(
        "Payment reference",
        "payment reference",
        100,
        required=True,
        hint="The council's payment or remittance reference",
    )
    occurred_on = day_field("Date paid")
    reason = _text_field("Note (optional)", "note", 300, required=False)


class ContributionForm(forms.Form):
    amount = money_field("Contribution received (£)", "contribution received")
    evidence = _text_field(
        "Evidence reference",
        "evidence reference",
        100,
        required=True,
        hint="Such as a bank statement line or receipt number",
    )
    occurred_on = day_field("Date received")
