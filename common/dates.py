"""Which dates are sensible: one rule for the pages (`common.forms.day_field`) and the API.

A date typed by hand can be a slip (1018 for 2018, 2206 for 2026) that would sit in a record,
a report or a follow-up list for ever. So:

- things that happen (conversations, introductions, exchanges, shifts, loans, readings, consent)
  fall between 1 January 2000 and five years from today: Closeknit's records start long after
  2000, and nothing is planned further ahead than five years;
- dates of birth fall between 1 January 1900 and today.

The validators raise Django's ``ValidationError`` with a message naming the field; DRF's
serializers and Django's forms both accept them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST_EVENT = date(2000, 1, 1)
YEARS_AHEAD = 5
EARLIEST_BIRTH = date(1900, 1, 1)


def years_from(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _written(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@deconstructible
class SensibleDate:
    """Refuses a date before ``earliest`` or more than ``years_ahead`` years after today."""

    def __init__(self, label: str, *, earliest: date = EARLIEST_EVENT, years_ahead: int = YEARS_AHEAD):
        self.label = label
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> date:
        return years_from(timezone.localdate(), self.years_ahead)

    def __call__(self, value: date | None) -> None:
        if value is None:
            return
        name = f"The {self.label.lower()}"  # as the forms' other date messages say it
        if value < self.earliest:
            raise ValidationError(
                f"{name} must be on or after {_written(self.earliest)}", code="date_too_early"
            )
        latest = self.latest()
        if value > latest:
            if self.years_ahead == 0:
                raise ValidationError(f"{name} cannot be in the future", code="date_too_late")
            raise ValidationError(f"{name} must be no later than {_written(latest)}", code="date_too_late")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SensibleDate) and (self.label, self.earliest, self.years_ahead) == (
            other.label,
            other.earliest,
            other.years_ahead,
        )


def sensible_date(label: str) -> SensibleDate:
    """The rule for a date something happens or is planned: 1 January 2000 to five years ahead."""
    return SensibleDate(label)


def birth_date(label: str = "date of birth") -> SensibleDate:
    """The rule for a date of birth: 1 January 1900 to today."""
    return SensibleDate(label, earliest=EARLIEST_BIRTH, years_ahead=0)
