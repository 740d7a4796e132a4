"""Validation against the official Open Referral UK compiled schemas shipped in ``schema/``.

The ``uri`` format is really checked (by ``rfc3986-validator``, which jsonschema's FormatChecker
uses when it is installed); note that ``javascript:alert(1)`` is a valid URI all the same, so which
schemes may be stored is ``checks.py``'s business, for every field the schema marks ``format: uri``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parent / "schema"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def schema(name: str) -> dict[str, Any]:
    """The contents of one compiled schema file (e.g. ``service.json``)."""
    contents: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return contents


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    if "uri" not in checker.checkers:
        raise ImproperlyConfigured("rfc3986-validator is missing: no `uri` field would be checked")
    strict, raises = checker.checkers["uri"]
    # Many feeds send "" for an address they do not have; it is stored as no address at all.
    checker.checks("uri", raises)(lambda value: value == "" or strict(value))
    return checker


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one schema file (e.g. ``service.json``), with format checks on."""
    return Draft202012Validator(schema(name), registry=_registry(), format_checker=_format_checker())


def problems(record: object, name: str) -> list[str]:
    """Each way ``record`` breaks schema ``name``, as "path: message" (empty when valid)."""
    errors = sorted(validator(name).iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}" for e in errors]


def described_objects(
    record: object, name: str = "service.json"
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every object in ``record`` that schema ``name`` describes, nested ones too, as (path, the
    schema's node for it, the object). The node's ``name`` is the ORUK object's name ("service",
    "schedule", "cost_option", ...) and its ``properties`` describe the object's fields."""
    yield from _walk("", schema(name), record)


def _walk(path: str, node: dict[str, Any], value: object) -> Iterator[tuple[str, dict, dict]]:
    if not isinstance(value, dict):
        return
    yield path, node, value
    for key, child in (node.get("properties") or {}).items():
        if key not in value or not isinstance(child, dict):
            continue
        inner, where = value[key], f"{path}.{key}" if path else key
        items = child.get("items")
        if child.get("type") == "array" and isinstance(items, dict) and isinstance(inner, list):
            for index, element in enumerate(inner):
                yield from _walk(f"{where}.{index}", items, element)
        elif "properties" in child:
            yield from _walk(where, child, inner)
