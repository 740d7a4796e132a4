"""How long a lockout lasts, in words a person reads (axes gives "PT30M")."""

from datetime import timedelta

from django import template

register = template.Library()


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


@register.filter
def duration_in_words(value) -> str:
    """``timedelta(minutes=90)`` -> "1 hour 30 minutes"; anything else -> ""."""
    if not isinstance(value, timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = ([_plural(hours, "hour")] if hours else []) + ([_plural(minutes, "minute")] if minutes else [])
    return " ".join(parts)
