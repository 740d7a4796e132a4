"""The forms of the pages composed from several apps (What's on)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from common.forms import day_field

# What's on looks a year ahead at most: further, nothing is planned in enough detail to list.
FURTHEST_AHEAD = timedelta(days=366)


class WeekForm(forms.Form):
    """Which week What's on shows: seven days from ``from`` (today when not given). The field is
    named ``from`` in the address (?from=2026-12-10), which Python cannot name a class attribute."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = day_field("First day", required=False, help_text="For example, 24/11/2026")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        first: date | None = cleaned.get("from")
        today = timezone.localdate()
        if first is not None and first < today:
            self.add_error("from", "The first day must be today or later: what is over is not on")
        elif first is not None and first > today + FURTHEST_AHEAD:
            self.add_error("from", "The first day must be within a year from today")
        return cleaned

    def first_day(self) -> date:
        """The week's first day: the one asked for when it is sound, else today."""
        if self.is_valid() and self.cleaned_data.get("from"):
            return self.cleaned_data["from"]
        return timezone.localdate()
