"""Small-number suppression for anything published about people: every count under 5 is
withheld (shown as "fewer than 5"), and so is any share resting on fewer than 5."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
# Said under every table with a suppressed cell, in the CSV, and to a screen reader in the cell.
WHY_SUPPRESSED = (
    f"“{SUPPRESSED.capitalize()}” stands for a count from 0 to {SUPPRESS_BELOW - 1}. It is withheld "
    "so that no one can be picked out from the figures; a share resting on fewer than "
    f"{SUPPRESS_BELOW} is left out (–) for the same reason."
)


def shown(count: int) -> int | None:
    """A count as it may be published: ``None`` (shown as "fewer than 5") when under the threshold."""
    return count if count >= SUPPRESS_BELOW else None


def share(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place, suppressed when either number is under the threshold."""
    if part < SUPPRESS_BELOW or whole < SUPPRESS_BELOW:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def any_suppressed(rows: Iterable[Mapping[str, Any]], key: str = "count") -> bool:
    """Whether any row's ``key`` is withheld (``None``), so the table needs the note saying why."""
    return any(row.get(key, 0) is None for row in rows)
