"""Checking one Open Referral UK service record before anything is written: the official
compiled schema first, then Closeknit's own rules. Each problem is "path: message"."""

from __future__ import annotations

import re
from datetime import date, time

from django.utils.dateparse import parse_datetime

from common.safe_urls import url_problem
from directory.models import Schedule, Service
from directory.timetable import ScheduleError, check_schedule

from .validation import problems as schema_problems

URL_MAX_LENGTH = Service._meta.get_field("url").max_length


_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


class _Problems(list):
    def note(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def _date(value, path: str, found: _Problems) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        found.note(path, f"'{value}' is not a date like 2026-01-31")
        return None


def _time(value, path: str, found: _Problems) -> time | None:
    if value in (None, ""):
        return None
    match = _TIME.fullmatch(str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        found.note(path, f"'{value}' is not a time like 09:30")
        return None
    return time(int(match[1]), int(match[2]))


def _age(value, path: str, found: _Problems) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or value < 0 or value > 130 or int(value) != value:
        found.note(path, f"'{value}' is not an age in whole years")
        return None
    return int(value)


def _addresses(record: dict):
    """(path, value) of every web, email or phone address in a record that would be stored."""
    yield "url", record.get("url")
    organization = record.get("organization")
    if isinstance(organization, dict):
        for key in ("website", "logo", "uri"):
            yield f"organization.{key}", organization.get(key)
    for index, area in enumerate(record.get("service_areas") or []):
        yield f"service_areas.{index}.uri", area.get("uri")
    for index, attribute in enumerate(record.get("attributes") or []):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict):
            yield f"attributes.{index}.taxonomy_term.term_uri", term.get("term_uri")


def _check_address(value, path: str, found: _Problems) -> None:
    # Each address is stored and later shown as a link: only http, https, mailto and tel.
    if value in (None, ""):
        return
    problem = url_problem(value)
    if problem:
        found.note(path, f"{problem[1]} (found '{value}')")
    elif len(value) > URL_MAX_LENGTH:
        found.note(path, f"is longer than {URL_MAX_LENGTH} characters")


def check_record(record) -> list[str]:
    """Every problem with one service record: the official schema first, then our rules."""
    if not isinstance(record, dict):
        return ["(record): is not a JSON object"]
    found = _Problems(schema_problems(record, "service.json"))
    if found:
        return list(found)
    minimum = _age(record.get("minimum_age"), "minimum_age", found)
    maximum = _age(record.get("maximum_age"), "maximum_age", found)
    if minimum is not None and maximum is not None and minimum > maximum:
        found.note("maximum_age", "is below minimum_age")
    if "organization" not in record and "organization_id" not in record:
        found.note("organization", "is missing: every service needs the organisation that runs it")
    for index, item in enumerate(record.get("schedules") or []):
        path = f"schedules.{index}"
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
        if item.get("interval") is not None and (
            not float(item["interval"]).is_integer() or item["interval"] < 1
        ):
            found.note(f"{path}.interval", "must be a whole number of 1 or more")
            continue
        if schedule.byday or schedule.bymonthday:
            try:
                check_schedule(schedule)
            except ScheduleError as error:
                found.note(f"{path}.{error.field}", str(error))
    for index, sal in enumerate(record.get("service_at_locations") or []):
        location = sal.get("location") or {}
        path = f"service_at_locations.{index}.location"
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            found.note(f"{path}.latitude", f"{latitude} is not a latitude")
        if longitude is not None and not -180 <= longitude <= 180:
            found.note(f"{path}.longitude", f"{longitude} is not a longitude")
        if not location and not sal.get("location_id"):
            found.note(path, "is missing: say where the service is")
    for index, cost in enumerate(record.get("cost_options") or []):
        if cost.get("amount") is not None and cost["amount"] < 0:
            found.note(f"cost_options.{index}.amount", "cannot be negative")
        _date(cost.get("valid_from"), f"cost_options.{index}.valid_from", found)
        _date(cost.get("valid_to"), f"cost_options.{index}.valid_to", found)
    for path, value in _addresses(record):
        _check_address(value, path, found)
    _date(record.get("assured_date"), "assured_date", found)
    if record.get("last_modified") and parse_datetime(str(record["last_modified"])) is None:
        found.note("last_modified", f"'{record['last_modified']}' is not a date and time")
    return list(found)
