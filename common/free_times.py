"""When someone is free in a usual week, as the parts of each day they tick: a shared vocabulary
for a person's record (``people``) and a resident's own answer on the public suggestions form
(``matching``), so both mean the same hours.

A code is a day and a part of it, e.g. ``"wed_am"``; the form shows them as checkboxes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from django import forms

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = {
    "am": ("morning", time(9), time(12)),
    "pm": ("afternoon", time(12), time(17)),
    "eve": ("evening", time(17), time(21)),
}
CHOICES = [
    (f"{day}_{part}", f"{name} {label}")
    for day, name in zip(DAYS, DAY_NAMES, strict=True)
    for part, (label, _, _) in PARTS.items()
]
CODES = frozenset(code for code, _ in CHOICES)


def as_weekly_times(codes: Iterable[str]) -> list[tuple[int, time, time]]:
    """Each known code as (weekday with 0 = Monday, start, end), in week order; unknown codes are
    left out (a stored list is checked on save, so this only meets codes it knows)."""
    order = {code: index for index, (code, _) in enumerate(CHOICES)}
    found = []
    for code in sorted(set(codes) & CODES, key=order.__getitem__):
        day, part = code.split("_")
        _, start, end = PARTS[part]
        found.append((DAYS.index(day), start, end))
    return found


def invalid_codes(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes) - CODES)


class FreeTimesField(forms.MultipleChoiceField):
    """Checkboxes: Monday morning, Monday afternoon, … Sunday evening."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", CHOICES)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "When they are usually free")
        kwargs.setdefault(
            "help_text", "Mornings are 9 to 12, afternoons 12 to 5, evenings 5 to 9. Tick all that apply."
        )
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Choose times from the list (%(value)s is not one of them)"}
        )
        super().__init__(**kwargs)
