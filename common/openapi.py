"""How /api/schema/ describes the answers every operation may give besides its own.

DRF answers a refusal the same way everywhere, so rather than repeating it on every view the
schema class adds, to each operation that lacks them: 400 (field name to a list of messages, or
``detail`` when the body cannot be read) for requests that change something, 403 (``detail``)
for operations that need someone signed in, and 404 (``detail``) for operations on a record
named in the path."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field named (or `non_field_errors`) with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
BAD_REQUEST = {
    "anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/Detail"}]
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the refusals every operation shares described once."""

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for name, schema in (("Detail", DETAIL), ("FieldErrors", FIELD_ERRORS)):
            self.registry.register_on_missing(
                ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
            )
        detail = {"$ref": "#/components/schemas/Detail"}
        if self.method in UNSAFE:
            responses.setdefault("400", self._error(BAD_REQUEST, "The request was refused: nothing saved."))
        if not all(isinstance(p, type) and issubclass(p, AllowAny) for p in self.view.permission_classes):
            responses.setdefault("403", self._error(detail, "Not signed in, or your role may not do this."))
        if "{" in self.path:
            responses.setdefault("404", self._error(detail, "No such record, or not one you may see."))
        return responses

    def _error(self, schema: dict, description: str) -> dict:
        return {"content": {"application/json": {"schema": schema}}, "description": description}
