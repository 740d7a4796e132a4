"""Forms of the quarterly return pages: submitting a return, the finance officer's question and
the answer. Forms check the shape of what is typed (pounds and pence, lengths); the services check
what it means (the state, who may act, the references) and name the field when they refuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

BALANCE_ERRORS = {
    "required": "Enter the closing balance on the bank statement, like 1250.40",
    "invalid": "Enter the closing balance in pounds and pence, like 1250.40",
    "min_value": "The closing balance must be at least -10,000,000",
    "max_value": "The closing balance must be at most 10,000,000",
    "max_digits": "Enter the closing balance in pounds and pence, like 1250.40",
    "max_decimal_places": "Enter the closing balance in pounds and pence, like 1250.40",
    "max_whole_digits": "The closing balance must be at most 10,000,000",
}


class SubmitReturnForm(forms.Form):
    statement_balance = forms.DecimalField(
        label="Closing balance on the bank statement (£)",
        help_text="What the account held at the end of the quarter, in pounds and pence, like 1250.40. "
        "Put a minus sign in front if it was overdrawn.",
        min_value=Decimal("-10000000"),
        max_value=Decimal("10000000"),
        max_digits=10,
        decimal_places=2,
        error_messages=BALANCE_ERRORS,
    )
    evidence = forms.CharField(
        label="References of the statements and invoices",
        help_text="One a line: the bank statement's date or number, and each invoice or timesheet "
        "reference. Keep the papers: the council may ask to see them.",
        max_length=2200,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reference of at least one bank statement or invoice, one a line",
            "max_length": "The references must be at most 2,200 characters in all",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="Anything the council should know about the quarter, such as why the balances differ.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The note must be at most 2,000 characters"},
    )

    def submission(self) -> dict[str, Any]:
        """What the service takes: the balance in pence."""
        data = dict(self.cleaned_data)
        data["statement_balance_pence"] = int(data.pop("statement_balance") * 100)
        return data


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        help_text="Whoever returned it is emailed to say there is a question, and answers it on the return.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter your question",
            "max_length": "The question must be at most 2,000 characters",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter your answer",
            "max_length": "The answer must be at most 2,000 characters",
        },
    )
