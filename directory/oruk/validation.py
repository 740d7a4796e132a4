"""Validation against the official Open Referral UK compiled schemas shipped in ``schema/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

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
def validator(name: str) -> Draft202012Validator:
    """A validator for one schema file (e.g. ``service.json``), with format checks on."""
    contents = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(contents, registry=_registry(), format_checker=FormatChecker())


def problems(record, name: str) -> list[str]:
    """Each way ``record`` breaks schema ``name``, as "path: message" (empty when valid)."""
    errors = sorted(validator(name).iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}" for e in errors]
