"""Forms of the personal budget pages: recording spending, correcting an entry, and choosing a
statement's month. Forms check the shape of what is typed (pounds and pence, a date); the services
check what it means and name the field when they refuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from common.forms import day_field

from .models import BudgetLine

MONEY_ERRORS = {
    "required": "Enter the amount in pounds and pence, like 24.50",
    "invalid": "Enter the amount in pounds and pence, like 24.50",
    "min_value": "The amount must be at least 0.01",
    "max_value": "The amount must be at most 10,000,000",
    "max_digits": "Enter the amount in pounds and pence, like 24.50",
    "max_decimal_places": "Enter the amount in pounds and pence, like 24.50",
    "max_whole_digits": "The amount must be at most 10,000,000",
}


class SpendingForm(forms.Form):
    line: forms.ModelChoiceField[BudgetLine] = forms.ModelChoiceField(
        queryset=BudgetLine.objects.none(),
        label="What it was for",
        empty_label="Choose a line of the budget",
        error_messages={
            "required": "Choose what it was for",
            "invalid_choice": "Choose a line of the budget",
        },
    )
    amount = forms.DecimalField(
        label="Amount (£)",
        help_text="In pounds and pence, like 24.50",
        min_value=Decimal("0.01"),
        max_value=Decimal("10000000"),
        max_digits=10,
        decimal_places=2,
        error_messages=MONEY_ERRORS,
    )
    evidence = forms.CharField(
        label="Invoice or timesheet reference",
        max_length=100,
        error_messages={
            "required": "Enter the invoice or timesheet reference",
            "max_length": "The reference must be at most 100 characters",
        },
    )
    occurred_on = day_field("Date of the support or invoice")
    hours = forms.DecimalField(
        label="Hours (if paid by the hour)",
        required=False,
        help_text="In quarter hours, like 3.5",
        max_digits=7,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the hours as a number, like 3.5",
            "max_digits": "Enter the hours as a number, like 3.5",
            "max_decimal_places": "Enter the hours in quarter hours, like 3.25",
            "max_whole_digits": "The hours must be at most 1,000",
        },
    )
    reason = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "The note must be at most 300 characters"},
    )

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line = self.fields["line"]
        assert isinstance(line, forms.ModelChoiceField)
        line.queryset = lines

    def spending(self) -> dict[str, Any]:
        """What the service takes: the amount in pence."""
        data = dict(self.cleaned_data)
        data["amount_pence"] = int(data.pop("amount") * 100)
        return data


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why this entry was wrong",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why this entry was wrong",
            "max_length": "The reason must be at most 300 characters",
        },
    )


class MonthForm(forms.Form):
    """A statement's month, as ``2026-11`` (a GET, so it works without JavaScript)."""

    month = forms.RegexField(
        label="Month",
        regex=r"^\d{4}-\d{2}$",
        required=False,
        help_text="For example, 2026-11",
        error_messages={"invalid": "Enter the month as year and month, like 2026-11"},
    )

    def clean_month(self) -> date:
        value = self.cleaned_data.get("month")
        today = timezone.localdate()
        if not value:
            return today.replace(day=1)
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12 or not 2000 <= year <= today.year + 1:
            raise forms.ValidationError("Enter a real month, like 2026-11")
        return date(year, month, 1)
