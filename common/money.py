"""Money as people read it. Amounts are kept in whole pence everywhere (budgets, grants, fares)."""

from __future__ import annotations


def pounds(pence: int) -> str:
    """Pence as pounds for people: £630, £24.50, -£3.20, £1,250."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")
