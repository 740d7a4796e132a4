"""The OpenAPI 3.1 description of the Open Referral UK API that Closeknit serves at /oruk/.

Built from the profile's own description (``schema/openapi_full.json``: its paths, parameters and
the compiled schema each answer follows), with what the profile leaves out or gets wrong put right:

- every path we serve is described, ``/organizations`` and ``/organizations/{id}`` too, with the
  parameters each really takes and its 400 and 404 answers;
- the compiled schemas are inlined under ``components/schemas``, so every ``$ref`` resolves without
  the internet (the profile points at raw.githubusercontent.com);
- the document is OpenAPI 3.1, whose schemas are JSON Schema 2020-12, the dialect of the compiled
  schemas (the profile says 3.0.0 and names 2020-12, which 3.0 cannot have);
- parameter types that are not JSON Schema types (``time``) or formats (``datetime``) are fixed;
- ``servers`` is this API's absolute address.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent / "schema"
PROFILE_ADDRESS = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
MAX_PER_PAGE = 500

Json = dict[str, Any]


def _load(name: str) -> Json:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _local(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(items: Json) -> Json:
    """A page of the profile's envelope with ``items`` as its contents, as the profile writes it."""
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": items}},
    }


ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in words."},
        "parameter": {"type": "string", "description": "The query parameter that is wrong."},
    },
}

# The query parameters each list takes (named as in the profile's ``components/parameters``):
# the profile's own, and those it defines but does not list for the path (organization_id, full...).
SEARCH = [
    "search",
    "page",
    "per_page",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimum_age",
    "maximum_age",
    "start_time",
    "end_time",
    "day",
]
PARAMETERS: dict[str, list[str]] = {
    "/services": [*SEARCH, "minimal", "full"],
    "/service_at_locations": [*SEARCH, "postcode", "proximity"],
    "/organizations": ["page", "per_page"],
    "/taxonomies": ["page", "per_page"],
    "/taxonomy_terms": ["page", "per_page", "taxonomy_id"],
}

# Parameter schemas put right (the profile's have types JSON Schema does not know) and described
# as Closeknit reads them (docs/api.md says the same).
PARAMETER_SCHEMAS: dict[str, Json] = {
    "page": {"type": "integer", "minimum": 1, "maximum": 10**6, "default": 1},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50},
    "taxonomy_term_id": {"type": "string", "format": "uuid"},
    "taxonomy_id": {"type": "string", "format": "uuid"},
    "organization_id": {"type": "string", "format": "uuid"},
    "modified_after": {"type": "string", "format": "date-time"},
    "minimum_age": {"type": "number", "minimum": 0},
    "maximum_age": {"type": "number", "minimum": 0},
    "start_time": {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2})?$", "examples": ["10:00:00"]},
    "end_time": {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2})?$", "examples": ["18:00:00"]},
    "day": {"type": "string", "examples": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
    "proximity": {"type": "number", "minimum": 0},
}
PARAMETER_DESCRIPTIONS = {
    "minimum_age": "Return services whose minimum age is at least this. A service with no minimum age "
    "counts as 0.",
    "maximum_age": "Return services whose maximum age is at most this. A service with no maximum age "
    "has no upper limit, so never matches.",
    "start_time": "Return services with a session opening at or after this time (HH:MM or HH:MM:SS, "
    "UK time).",
    "end_time": "Return services with a session closing at or before this time (HH:MM or HH:MM:SS, UK time).",
    "day": "Return services with a session on this day: MO, TU, WE, TH, FR, SA or SU.",
    "proximity": "Metres from the postcode's centre. With a postcode but no proximity: 8,047 (five miles).",
    "taxonomy_id": "Return only terms (or services with a term) of this taxonomy.",
}

ID_OF = {
    "/services/{id}": "service",
    "/service_at_locations/{id}": "service at a location",
    "/organizations/{id}": "organization",
    "/taxonomies/{id}": "taxonomy",
    "/taxonomy_terms/{id}": "taxonomy term",
}


def _schema_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1].removesuffix(".json")


def _localise(node: Any, wanted: set[str]) -> Any:
    """``node`` with every reference to a profile schema (by address, or by file name as the
    profile's schemas refer to each other) made a reference into ``components/schemas``; the
    names referred to are added to ``wanted``."""
    if isinstance(node, list):
        return [_localise(item, wanted) for item in node]
    if not isinstance(node, dict):
        return node
    found = {key: _localise(value, wanted) for key, value in node.items()}
    reference = found.get("$ref")
    if isinstance(reference, str) and not reference.startswith("#"):
        name = _schema_name(reference)
        wanted.add(name)
        found["$ref"] = f"#/components/schemas/{name}"
    return found


def _parameter(profile: Json, name: str) -> Json:
    parameter = copy.deepcopy(profile["components"]["parameters"][name])
    parameter["schema"] = PARAMETER_SCHEMAS.get(name, parameter["schema"])
    parameter["description"] = PARAMETER_DESCRIPTIONS.get(name, parameter["description"])
    return parameter


def _operation(path: str, operation: Json) -> Json:
    operation = copy.deepcopy(operation)
    operation.pop("parameters", None)
    if path in PARAMETERS:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{name}"} for name in PARAMETERS[path]]
    responses = operation["responses"]
    if "{id}" in path:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    if path in PARAMETERS:
        responses["400"] = {"$ref": "#/components/responses/BadParameter"}
    operation["tags"] = ["Open Referral UK"]
    return operation


def _answer(description: str, schema: Json) -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _organization_paths() -> Json:
    """The profile leaves the optional /organizations paths undescribed; we serve them. Their
    schemas are named by the profile's address, as its own paths name them: _localise inlines them."""
    listed = {"$ref": f"{PROFILE_ADDRESS}compiled/organization_list.json"}
    one = {"$ref": f"{PROFILE_ADDRESS}compiled/organization.json"}
    return {
        "/organizations": {
            "get": {
                "summary": "Paginated listing of organizations.",
                "description": "Organizations with at least one published service.",
                "operationId": "getPaginatedListOfOrganizations",
                "responses": {"200": _answer("Paginated listing of organizations.", _page_of(listed))},
            }
        },
        "/organizations/{id}": {
            "parameters": [{"in": "path", "name": "id"}],
            "get": {
                "summary": "An organization with its services, fully nested.",
                "description": "An organization with its published services, fully nested.",
                "operationId": "getOrganizationById",
                "responses": {"200": _answer("An organization with its services.", one)},
            },
        },
    }


def _id_parameter(thing: str) -> Json:
    return {
        "in": "path",
        "name": "id",
        "required": True,
        "description": f"The id of the {thing}.",
        "schema": {"type": "string", "format": "uuid"},
    }


@cache
def _document() -> Json:
    """Everything but ``servers``, built once."""
    profile = _load("openapi_full.json")
    wanted: set[str] = set()
    paths: Json = {}
    for path, item in {**profile["paths"], **_organization_paths()}.items():
        described: Json = {"get": _operation(path, item["get"])}
        if "parameters" in item:
            described["parameters"] = [
                _id_parameter(ID_OF[path]) if p.get("in") == "path" else p for p in item["parameters"]
            ]
        paths[path] = _localise(described, wanted)
    parameters = {name: _parameter(profile, name) for names in PARAMETERS.values() for name in names}
    page = copy.deepcopy(profile["components"]["schemas"]["Page"])
    page["required"] = sorted(page["properties"])
    schemas: Json = {"Page": page, "Error": ERROR}
    while wanted - set(schemas):
        for name in sorted(wanted - set(schemas)):
            schemas[name] = _localise(_load(f"{name}.json"), wanted)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": profile["jsonSchemaDialect"],
        "info": profile["info"]
        | {
            "description": "The Open Referral UK profile of HSDS 3.0, as Closeknit serves it: public, "
            "no key. Each answer follows the profile's compiled schema named here.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "parameters": parameters,
            "responses": {
                "BadParameter": {
                    "description": "A parameter is wrong: `detail` says how, `parameter` which.",
                    "content": {"application/json": {"schema": _local("Error")}},
                },
                "NotFound": {
                    "description": "Nothing public has this id.",
                    "content": {"application/json": {"schema": _local("Error")}},
                },
            },
        },
    }


def oruk_openapi(server: str) -> Json:
    """The whole description, with ``server`` (this API's absolute address, /oruk/) as its server:
    written without its final slash, as OpenAPI joins the server and each path ("/services")."""
    document = copy.deepcopy(_document())
    return {"openapi": document.pop("openapi"), "servers": [{"url": server.rstrip("/")}], **document}
