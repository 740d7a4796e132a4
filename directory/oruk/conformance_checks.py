"""The conformance rules' checks of single answers: pure functions, no requests.

``conformance`` fetches and decides which rule a problem belongs to; these say what is wrong with
one page, one walk through a list or one OpenAPI document, as "json path: problem" lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from . import validation
from .fetching import CheckStopped

MAX_REASONS = 8
PAGE_FIELDS: dict[str, type] = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}

# Where the profile's OpenAPI document points for its schemas: resolved from our own copies.
PROFILE_SCHEMA_PREFIXES = (
    "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/",
    "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/",
)


def schema_problems(record: Any, name: str) -> list[str]:
    """``validation.problems``, safe on hostile input: JSON nested deep enough to parse but too deep
    to validate is a problem of the record, not a crash of the check."""
    try:
        return validation.problems(record, name)
    except RecursionError:
        return ["(record): nested too deeply to check"]


BAD_QUERIES: tuple[dict[str, str], ...] = (
    {"page": "abc"},
    {"page": "0"},
    {"per_page": "-1"},
    {"taxonomy_term_id": "not-a-uuid"},
    {"modified_after": "yesterday"},
    {"minimum_age": "old"},
    {"day": "XX"},
    {"start_time": "25:99"},
)


# Whether a full service should be found: True, False, or None where the checker cannot tell.
Matcher = Callable[[dict], bool | None]


def _terms(service: dict) -> list[dict]:
    """The taxonomy terms of a full service: its attributes' terms (HSDS 3.0)."""
    attributes = [a for a in service.get("attributes") or [] if isinstance(a, dict)]
    return [
        {"id": a.get("taxonomy_term_id"), "taxonomy_id": (a.get("taxonomy_term") or {}).get("taxonomy_id")}
        for a in attributes
    ]


def search_queries(service: dict) -> Iterator[tuple[dict[str, str], Matcher | None]]:
    """The profile's search parameters, with values taken from one of the feed's own services, each
    with a test of which full services should be found (None: the checker cannot tell at all)."""
    terms = _terms(service)
    term_id = next((t["id"] for t in terms if isinstance(t["id"], str)), None)
    if term_id:
        yield {"taxonomy_term_id": term_id}, lambda s: any(t["id"] == term_id for t in _terms(s))
    taxonomy_id = next((t["taxonomy_id"] for t in terms if isinstance(t["taxonomy_id"], str)), None)
    if taxonomy_id:
        yield {"taxonomy_id": taxonomy_id}, lambda s: any(t["taxonomy_id"] == taxonomy_id for t in _terms(s))
    organization_id = service.get("organization_id")
    if isinstance(organization_id, str):
        yield {"organization_id": organization_id}, lambda s: s.get("organization_id") == organization_id
    name = service.get("name")
    if isinstance(name, str) and name.strip():
        yield {"search": name}, lambda s: True if s is service else None
    for query in (
        {"minimum_age": "0"},
        {"maximum_age": "120"},
        {"day": "MO"},
        {"start_time": "09:00"},
        {"end_time": "17:00"},
        {"modified_after": "2000-01-01T00:00:00Z"},
    ):
        yield query, None


def _has_kind(value: Any, kind: type) -> bool:
    if kind is int:  # a count: JSON true is not one, nor is -1
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, kind)


def envelope_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["(page): not a JSON object"]
    found = []
    for name, kind in PAGE_FIELDS.items():
        value = body.get(name)
        if name not in body:
            found.append(f"{name}: missing")
        elif not _has_kind(value, kind):
            wanted = {int: "a whole number", bool: "true or false", list: "a list"}[kind]
            found.append(f"{name}: {json.dumps(value)[:40]} is not {wanted}")
    return found


def consistency_problems(body: dict, *, page: int, per_page: int) -> list[str]:
    count, number, pages = len(body["contents"]), body["page_number"], body["total_pages"]
    checks = [
        (body["size"] == count, f"size: {body['size']}, but contents has {count}"),
        (number == page, f"page_number: {number}, but page {page} was asked for"),
        (count <= per_page, f"contents: {count} items, but per_page={per_page} was asked for"),
        (
            body["first_page"] == (number == 1),
            f"first_page: {json.dumps(body['first_page'])} on page {number}",
        ),
        (
            body["last_page"] == (number >= pages),
            f"last_page: {json.dumps(body['last_page'])} on page {number} of {pages}",
        ),
        (body["empty"] == (count == 0), f"empty: {json.dumps(body['empty'])} with {count} items"),
        (
            body["total_items"] >= count,
            f"total_items: {body['total_items']}, fewer than the {count} items on the page",
        ),
        (
            number >= pages or count == per_page,
            f"contents: {count} items on page {number} of {pages}, not a full page",
        ),
    ]
    return [problem for ok, problem in checks if not ok]


def walk_problems(walked: list[str], whole: list[str], total: int, per_page: int) -> list[str]:
    found = []
    seen: set[str] = set()
    for item_id in walked:
        if item_id in seen:
            found.append(f"id {item_id} comes twice when walking with per_page={per_page}")
        seen.add(item_id)
    if len(seen) != total:
        found.append(
            f"walking with per_page={per_page} gave {len(seen)} different items, but total_items is {total}"
        )
    if len(whole) == total and walked != whole:
        missing = [item_id for item_id in whole if item_id not in seen]
        detail = f" (missing: {', '.join(missing[:3])})" if missing else ""
        found.append(f"walking with per_page={per_page} differs from one page of {total}{detail}")
    return found


def openapi_problems(document: dict, url: str, same_site: Callable[[str], Any]) -> list[str]:
    """What openapi-spec-validator finds, resolving the profile's schemas from our own copies."""
    from openapi_spec_validator.validation import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    version = str(document.get("openapi") or document.get("swagger") or "")
    base_class: Any = {"2": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator}.get(
        version[:1] if version.startswith("2") else version[:3], OpenAPIV31SpecValidator
    )

    def resolve(uri: str) -> Any:
        for prefix in PROFILE_SCHEMA_PREFIXES:
            name = uri.removeprefix(prefix)
            if name != uri and "/" not in name and (validation.SCHEMAS / name).is_file():
                return json.loads((validation.SCHEMAS / name).read_text(encoding="utf-8"))
        return same_site(uri)

    def refuse(uri: str) -> Any:
        raise LookupError(f"{uri}: local files are never read")

    offline = type(
        "OfflineValidator",
        (base_class,),
        {"resolver_handlers": {"http": resolve, "https": resolve, "file": refuse}},
    )
    found = []
    try:
        for error in offline(document, base_uri=url).iter_errors():
            path = "/".join(str(part) for part in getattr(error, "absolute_path", [])) or "(document)"
            found.append(f"{path}: {str(getattr(error, 'message', error)).splitlines()[0][:300]}")
            if len(found) > MAX_REASONS:
                break
    except CheckStopped:
        raise
    except Exception as error:  # noqa: BLE001 - a third-party validator on hostile input: report, never crash
        found.append(f"could not be checked to the end: {type(error).__name__}: {str(error)[:300]}")
    return found
