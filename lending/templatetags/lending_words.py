"""Days in words for the Borrow pages: "4–10 Dec", "28 Nov – 3 Dec", "today"."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def period(days: tuple[date, date]) -> str:
    """A (first, last) pair of days, shortest first: "4 Dec", "4–10 Dec", "28 Nov – 3 Dec",
    with the year when it is not this year's."""
    first, last = days
    year = "" if last.year == timezone.localdate().year else f" {last.year}"
    if first == last:
        return f"{first.day} {first:%b}{year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b}{year}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b}{year}"
    return f"{first.day} {first:%b} {first.year} – {last.day} {last:%b} {last.year}"


@register.filter
def free_from(day: date, today: date) -> str:
    """When something is next free: "now", "tomorrow", or the day."""
    if day <= today:
        return "Free now"
    if (day - today).days == 1:
        return "Free from tomorrow"
    year = "" if day.year == today.year else f" {day.year}"
    return f"Free from {day:%A} {day.day} {day:%B}{year}"
