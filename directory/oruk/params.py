"""Query parameters of the Open Referral UK API, each parsed with a clear message on bad input."""

from __future__ import annotations

import math
import re
import uuid
from datetime import datetime, time

from django.utils.dateparse import parse_datetime

from common.errors import Refusal
from directory.models import WEEKDAY_NAMES, WEEKDAYS


class BadParameter(Refusal):
    """A query parameter that cannot be used: a refusal naming the parameter (also kept as
    ``name``). ``OrukView`` answers it in the profile's own shape, ``{"detail", "parameter"}``,
    rather than the 400 of Closeknit's other APIs."""

    def __init__(self, name: str, problem: str):
        self.name = name
        super().__init__(f"{name}: {problem}", field=name)


def whole_number(params, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"\d+", raw.strip()):
        raise BadParameter(name, f"“{raw}” is not a whole number")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(name, f"must be from {minimum} to {maximum}")
    return value


def number(params, name: str) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, f"“{raw}” is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise BadParameter(name, "must be zero or more")
    return value


def identifier(params, name: str) -> str | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise BadParameter(name, f"“{raw}” is not a UUID") from None


def boolean(params, name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadParameter(name, f"“{raw}” is not true or false")


def clock_time(params, name: str) -> time | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    # HH:MM, or HH:MM:SS as the profile's examples give times ("10:00:00").
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise BadParameter(name, f"“{raw}” is not a time like 09:30 or 09:30:00")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def weekday(params, name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    upper = raw.upper()
    if upper in WEEKDAYS:
        return WEEKDAYS.index(upper)
    for index, day in enumerate(WEEKDAY_NAMES):
        if day.upper() == upper:
            return index
    raise BadParameter(name, f"“{raw}” is not a day: use MO, TU, WE, TH, FR, SA or SU")


def moment(params, name: str) -> datetime | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, f"“{raw}” is not a date and time like 2026-01-31T09:00:00Z")
    return value
