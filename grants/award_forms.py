"""Forms of the pages after the award. They check the shape of what is typed (pounds and pence, a
date, a whole number, a file); ``award_services`` checks what it means and names the field when it
refuses. After acceptance no form holds the bank account: it is shown masked only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from common.forms import day_field
from directory.models import Service

from .award_services import MOST_PEOPLE, MOST_PHOTO_BYTES, MOST_PHOTOS, BankAccount, Photo, ReturnAnswers
from .forms import money_field, pence


class AcceptanceForm(forms.Form):
    conditions_agreed = forms.BooleanField(
        label="I accept the grant and its conditions, on behalf of the group",
        required=False,  # the service names it with any problem of the account, all at once
    )
    account_name = forms.CharField(
        label="Name on the account",
        max_length=200,
        help_text="The group's own account (for a group without a constitution, one two people sign for)",
        error_messages={
            "required": "Enter the name on the account",
            "max_length": "Use at most 200 characters",
        },
    )
    sort_code = forms.CharField(
        label="Sort code",
        max_length=20,
        help_text="6 digits, like 30-94-57",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the sort code", "max_length": "The sort code must be 6 digits"},
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        help_text="8 digits",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the account number",
            "max_length": "The account number must be 8 digits",
        },
    )

    def account(self) -> BankAccount:
        data = self.cleaned_data
        return BankAccount(data["account_name"], data["sort_code"], data["account_number"])


class PaymentForm(forms.Form):
    amount = money_field("Amount of this payment")
    due_on = day_field("Date it is due")

    def amount_pence(self) -> int:
        return pence(self.cleaned_data["amount"]) or 0


class PaidForm(forms.Form):
    paid_on = day_field("Date it was paid")
    reference = forms.CharField(
        label="Finance reference",
        max_length=100,
        help_text="The payment's reference in the council's finance system",
        error_messages={
            "required": "Enter the finance reference",
            "max_length": "Use at most 100 characters",
        },
    )


class ReturnForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened?",
        required=False,
        max_length=10_000,
        help_text="What you did with the grant so far, what went well and what did not",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "Use at most 10,000 characters"},
    )
    people_reached = forms.IntegerField(
        label="How many people has it reached?",
        required=False,
        min_value=0,
        max_value=MOST_PEOPLE,
        help_text="Everyone so far, counting each person once",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the people reached as a whole number, like 25",
            "min_value": "The people reached cannot be less than 0",
            "max_value": f"The people reached must be at most {MOST_PEOPLE:,}",
        },
    )
    spend = forms.DecimalField(
        label="How much of the grant have you spent so far?",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000000"),
        max_digits=11,
        decimal_places=2,
        help_text="In pounds, like 1500 or 1500.50",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the amount spent in pounds, like 1500 or 1500.50",
            "min_value": "The amount spent cannot be less than £0",
            "max_value": "The amount spent must be at most £100,000,000",
            "max_digits": "The amount spent must be at most £100,000,000",
            "max_whole_digits": "The amount spent must be at most £100,000,000",
            "max_decimal_places": "Enter the amount spent in pounds and pence, like 1500.50",
        },
    )

    def __init__(self, *args: Any, photos_left: int = MOST_PHOTOS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photos_left = photos_left
        for n in range(1, photos_left + 1):
            self.fields[f"photo_{n}"] = forms.FileField(
                label=f"Photo {n} (optional)",
                required=False,
                help_text="A JPEG or PNG of at most 5 MB. We remove its location and camera details.",
                error_messages={"empty": "The photo is empty: choose it again"},
            )
            self.fields[f"photo_{n}_description"] = forms.CharField(
                label=f"What photo {n} shows",
                required=False,
                max_length=300,
                help_text="For people who cannot see it, like: Ten of us planting the beds in March",
                error_messages={"max_length": "Use at most 300 characters"},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, self.photos_left + 1):
            upload = data.get(f"photo_{n}")
            if upload and upload.size > MOST_PHOTO_BYTES:
                self.add_error(f"photo_{n}", "Each photo must be at most 5 MB")
            elif upload and not (data.get(f"photo_{n}_description") or "").strip():
                self.add_error(
                    f"photo_{n}_description", f"Say what photo {n} shows, for people who cannot see it"
                )
        return data

    def answers(self) -> ReturnAnswers:
        data = self.cleaned_data
        photos = tuple(
            Photo(data[f"photo_{n}"].read(), data[f"photo_{n}_description"])
            for n in range(1, self.photos_left + 1)
            if data.get(f"photo_{n}")
        )
        return ReturnAnswers(
            what_happened=data["what_happened"],
            people_reached=data["people_reached"],
            spend_pence=pence(data["spend"]),
            photos=photos,
        )

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("what_happened", "people_reached", "spend")]

    def photo_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"photo_{n}"], self[f"photo_{n}_description"]) for n in range(1, self.photos_left + 1)]


class ListingForm(forms.Form):
    listing = forms.ModelChoiceField(
        label="The group's listing in the directory",
        queryset=Service.objects.none(),
        required=False,
        empty_label="No listing",
        error_messages={"invalid_choice": "Choose one of the listings offered"},
    )

    def __init__(self, *args: Any, listings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["listing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = listings if listings is not None else Service.objects.none()
