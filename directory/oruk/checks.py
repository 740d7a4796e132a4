"""Checking one Open Referral UK service record before anything is written. Each problem is
"path: message", the path naming the field (``schedules.0.opens_at``).

In order, each step only when the one before found nothing:
1. its shape: nesting depth, text a database can store (no NUL, no lone surrogate), finite numbers;
2. the official compiled schema (types, required fields, uuid, date-time and uri formats);
3. every field against the Django model field it is stored in, found by name (STORED_AS names the
   few stored under another name): text no longer than the column (refused, never cut: the importer
   writes what it checked), whole numbers within the column's range, amounts within the
   DecimalField, dates and times that exist, emails, and links only http, https, mailto or tel on
   every field the schema marks ``format: uri`` and every URL field of the model;
4. Closeknit's own rules: ages, schedules (check_schedule), coordinates, costs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.dateparse import parse_datetime

from common.safe_urls import url_problem
from directory.models import Schedule
from directory.timetable import ScheduleError, check_schedule

from .validation import described_objects
from .validation import problems as schema_problems

MAX_DEPTH = 20  # the deepest ORUK service (an attribute's term inside a location's accessibility) is 8
MAX_ITEMS = 1000  # items in any one list of a record: one service's schedules, contacts, ...
MAX_AGE = 130
QUOTE_AT_MOST = 80  # characters of a bad value quoted back in a message

# Each ORUK object (the schema's name for it) and the model that stores it. An address is stored
# on its location; attributes and phones are not stored as records of their own.
ORUK_MODELS: dict[str, str] = {
    "service": "Service",
    "organization": "Provider",
    "location": "Location",
    "address": "Location",
    "schedule": "Schedule",
    "cost_option": "CostOption",
    "language": "Language",
    "contact": "Contact",
    "service_area": "ServiceArea",
    "service_at_location": "ServiceAtLocation",
    "taxonomy_term": "TaxonomyTerm",
    "taxonomy": "Taxonomy",
    "funding": "Funding",
    "organization_identifier": "OrganizationIdentifier",
    "accessibility": "Accessibility",
}

# Fields the importer stores in a model field of another name: (ORUK object, field) -> (model, its
# field, the object's field that is stored there instead when it is given). A term named with its
# taxonomy's name alone makes or finds the Taxonomy of that name; a term's ``term`` is its code
# when it has no ``code``; a service area's ``service_area`` is its name when it has no ``name``.
STORED_AS: dict[tuple[str, str], tuple[str, str, str | None]] = {
    ("taxonomy_term", "taxonomy"): ("Taxonomy", "name", None),
    ("taxonomy_term", "term"): ("TaxonomyTerm", "code", "code"),
    ("service_area", "service_area"): ("ServiceArea", "name", "name"),
}

_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Problems(list):
    def note(self, path: str, message: str) -> None:
        problem = f"{path}: {message}"
        if problem not in self:
            self.append(problem)


def quoted(value: object, at_most: int = QUOTE_AT_MOST) -> str:
    """A bad value as a message may show it: printable (any terminal can write it), and short."""
    text = repr(value) if not isinstance(value, str) else value
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= at_most else f"{text[:at_most]}…"


def _date(value: Any, path: str, found: _Problems) -> date | None:
    """A date like 2026-01-31 (or the date of a date and time); anything else is noted."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
        moment = parse_datetime(text)
        if moment is not None:
            return moment.date()
    except ValueError:
        pass
    found.note(path, f"'{quoted(value)}' is not a date like 2026-01-31")
    return None


def _time(value: Any, path: str, found: _Problems) -> time | None:
    if value in (None, ""):
        return None
    match = _TIME.fullmatch(str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        found.note(path, f"'{quoted(value)}' is not a time like 09:30")
        return None
    return time(int(match[1]), int(match[2]))


def _age(value: Any, path: str, found: _Problems) -> int | None:
    if value is None:
        return None
    if not _whole(value) or not 0 <= value <= MAX_AGE:
        found.note(path, f"'{quoted(value)}' is not an age in whole years (0 to {MAX_AGE})")
        return None
    return int(value)


def _whole(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


# --- 1. Shape ---------------------------------------------------------------------------------


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character, which cannot be stored"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (half of a character), which is not text"
    return None


def shape_problems(record: object) -> list[str]:
    """Problems no schema describes: nesting deeper than MAX_DEPTH, lists longer than MAX_ITEMS,
    text (keys too) a database cannot store, and numbers that are not finite (NaN, Infinity,
    1e309). Walks without recursion, so no depth of nesting can overflow the stack."""
    found = _Problems()
    stack: list[tuple[str, object, int]] = [("(record)", record, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                found.note(path, problem)
        elif isinstance(value, float) and not math.isfinite(value):
            found.note(path, f"{value} is not a number that can be stored")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                found.note(path, f"is nested more than {MAX_DEPTH} levels deep")
                continue
            if isinstance(value, list) and len(value) > MAX_ITEMS:
                # One service is written in one go, between two checks of the import's time limit.
                found.note(path, f"has {len(value):,} items: at most {MAX_ITEMS:,} are read")
                continue
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            children = []
            for key, inner in pairs:
                where = str(key) if path == "(record)" else f"{path}.{key}"
                problem = _text_problem(key) if isinstance(key, str) else None
                if problem:
                    found.note(quoted(where), f"this field's name {problem}")
                    continue
                children.append((where, inner, depth + 1))
            stack.extend(reversed(children))
    return list(found)


# --- 3. Each field against its model field ----------------------------------------------------


@cache
def _model_fields(object_name: str) -> dict[str, models.Field]:
    """The concrete, non-relation fields of the model that stores ORUK object ``object_name``."""
    model_name = ORUK_MODELS.get(object_name)
    if model_name is None:
        return {}
    model = apps.get_model("directory", model_name)
    return {
        f.name: f
        for f in model._meta.get_fields()
        if isinstance(f, models.Field) and f.concrete and not f.is_relation and not f.primary_key
    }


def _stored_as(object_name: str, key: str, obj: dict) -> models.Field | None:
    """The model field that stores field ``key`` of ``obj`` (an ORUK ``object_name``), if any."""
    other = STORED_AS.get((object_name, key))
    if other is None:
        return _model_fields(object_name).get(key)
    model_name, field_name, instead = other
    if instead is not None and obj.get(instead):
        return None  # not stored: the object's own field is
    field = apps.get_model("directory", model_name)._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field


def _integer_range(field: models.Field) -> tuple[int, int]:
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    return int(low), int(high)


def _decimal_problem(value: object, field: models.DecimalField) -> str | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "must be a number"
    places, digits = field.decimal_places or 0, field.max_digits or 0
    try:
        amount = Decimal(str(value))
        limit = Decimal(10) ** (digits - places)
        if abs(amount) >= limit:
            return f"{quoted(value)} is too large: it must be less than {limit:,}"
        if amount != amount.quantize(Decimal(1).scaleb(-places)):
            return f"{quoted(value)} has more than {places} decimal places"
    except InvalidOperation:
        return f"{quoted(value)} is not an amount"
    return None


def _field_problem(value: object, field: models.Field, path: str, found: _Problems) -> None:
    if value is None or value == "":
        return
    if isinstance(field, models.DateTimeField):
        if parse_datetime(str(value)) is None:
            found.note(path, f"'{quoted(value)}' is not a date and time")
    elif isinstance(field, models.DateField):
        _date(value, path, found)
    elif isinstance(field, models.TimeField):
        _time(value, path, found)
    elif isinstance(field, models.DecimalField):
        problem = _decimal_problem(value, field)
        if problem:
            found.note(path, problem)
    elif isinstance(field, models.IntegerField):
        low, high = _integer_range(field)
        if not _whole(value) or not low <= value <= high:  # type: ignore[operator]
            found.note(path, f"'{quoted(value)}' is not a whole number from {low} to {high}")
    elif isinstance(field, models.CharField | models.TextField):
        if not isinstance(value, str):
            found.note(path, "must be text")
        elif field.max_length is not None and len(value) > field.max_length:
            found.note(path, f"is {len(value)} characters long: at most {field.max_length} can be stored")
        elif isinstance(field, models.URLField):
            _link(value, path, found)
        elif isinstance(field, models.EmailField):
            _email(value, path, found)


def _link(value: object, path: str, found: _Problems) -> None:
    # Each address is stored and later shown as a link: only http, https, mailto and tel.
    if value is None or value == "":
        return
    problem = url_problem(value)
    if problem:
        found.note(path, f"{problem[1]} (found '{quoted(value)}')")


def _email(value: object, path: str, found: _Problems) -> None:
    if value is None or value == "":
        return
    try:
        validate_email(value if isinstance(value, str) else "")
    except ValidationError:
        found.note(path, f"'{quoted(value)}' is not an email address")


def _formatted(node: dict, obj: dict, fmt: str) -> Iterator[tuple[str, object]]:
    for key, spec in (node.get("properties") or {}).items():
        if isinstance(spec, dict) and spec.get("format") == fmt and key in obj:
            yield key, obj[key]


def field_problems(record: dict) -> list[str]:
    """Every field of every object in the record against the model field that stores it."""
    found = _Problems()
    for path, node, obj in described_objects(record):
        prefix = f"{path}." if path else ""
        object_name = str(node.get("name", ""))
        described = node.get("properties") or {}
        for key, value in obj.items():
            stored = _stored_as(object_name, key, obj)
            # Same name, other meaning: location.accessibility is a list here, a text column there.
            if stored is not None and (described.get(key) or {}).get("type") not in ("array", "object"):
                _field_problem(value, stored, f"{prefix}{key}", found)
        for key, value in _formatted(node, obj, "uri"):
            _link(value, f"{prefix}{key}", found)
        for key, value in _formatted(node, obj, "email"):
            _email(value, f"{prefix}{key}", found)
    return list(found)


# --- 4. Closeknit's own rules -----------------------------------------------------------------


def _schedule_problems(record: dict, found: _Problems) -> None:
    for index, item in enumerate(record.get("schedules") or []):
        path = f"schedules.{index}"
        if item.get("interval") is not None and item["interval"] < 1:
            found.note(f"{path}.interval", "must be a whole number of 1 or more")
            continue
        schedule = Schedule(
            freq=item.get("freq") or "WEEKLY",
            interval=int(item.get("interval") or 1),
            byday=item.get("byday") or "",
            bymonthday=item.get("bymonthday") or "",
            opens_at=_time(item.get("opens_at"), f"{path}.opens_at", found),
            closes_at=_time(item.get("closes_at"), f"{path}.closes_at", found),
            valid_from=_date(item.get("valid_from"), f"{path}.valid_from", found),
            valid_to=_date(item.get("valid_to"), f"{path}.valid_to", found),
            dtstart=_date(item.get("dtstart"), f"{path}.dtstart", found),
        )
        if schedule.byday or schedule.bymonthday:
            try:
                check_schedule(schedule)
            except ScheduleError as error:
                found.note(f"{path}.{error.field}", str(error))


def _place_problems(record: dict, found: _Problems) -> None:
    for index, sal in enumerate(record.get("service_at_locations") or []):
        location = sal.get("location") or {}
        path = f"service_at_locations.{index}.location"
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            found.note(f"{path}.latitude", f"{quoted(latitude)} is not a latitude")
        if longitude is not None and not -180 <= longitude <= 180:
            found.note(f"{path}.longitude", f"{quoted(longitude)} is not a longitude")
        if (latitude is None) != (longitude is None):
            given, missing = ("latitude", "longitude") if longitude is None else ("longitude", "latitude")
            found.note(f"{path}.{missing}", f"is missing beside the {given}: give both or neither")
        if not location and not sal.get("location_id"):
            found.note(path, "is missing: say where the service is")


def rule_problems(record: dict) -> list[str]:
    """Closeknit's own rules for a record whose fields are each fine."""
    found = _Problems()
    minimum = _age(record.get("minimum_age"), "minimum_age", found)
    maximum = _age(record.get("maximum_age"), "maximum_age", found)
    if minimum is not None and maximum is not None and minimum > maximum:
        found.note("maximum_age", "is below minimum_age")
    if "organization" not in record and "organization_id" not in record:
        found.note("organization", "is missing: every service needs the organisation that runs it")
    _schedule_problems(record, found)
    _place_problems(record, found)
    for index, cost in enumerate(record.get("cost_options") or []):
        if cost.get("amount") is not None and cost["amount"] < 0:
            found.note(f"cost_options.{index}.amount", "cannot be negative")
    _date(record.get("assured_date"), "assured_date", found)
    return list(found)


def check_record(record: object) -> list[str]:
    """Every problem with one service record (empty when it may be written): its shape, the
    official schema, each field against where it is stored, then our rules."""
    if not isinstance(record, dict):
        return [f"(record): is a JSON {_json_type(record)}, not an object"]
    for step in (shape_problems, lambda r: schema_problems(r, "service.json"), field_problems):
        found = step(record)
        if found:
            return found
    return rule_problems(record)


def _json_type(value: object) -> str:
    kinds = {list: "list", str: "string", bool: "true or false", int: "number", float: "number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
