"""Small-number suppression for anything published about people: every count under 5 is
withheld (shown as "fewer than 5"), and so is any share resting on fewer than 5."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SUPPRESS_BELOW = 5


def shown(count: int) -> int | None:
    """A count as it may be published: ``None`` (shown as "fewer than 5") when under the threshold."""
    return count if count >= SUPPRESS_BELOW else None


def share(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place, suppressed when either number is under the threshold."""
    if part < SUPPRESS_BELOW or whole < SUPPRESS_BELOW:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
