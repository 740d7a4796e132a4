"""Turning answers into scores, by each instrument's own method. Pure functions: tested against
hand-worked examples."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from common.errors import Refusal

if TYPE_CHECKING:
    from .models import Instrument


class ScoringError(Refusal):
    """Answers that cannot be scored: a refusal naming the item (``item``, its code, is the field)
    and the problem, or the field ``answers`` when no one item is at fault."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(message, field=item or "answers")
        self.item = item


def band_for(value: int | Decimal, bands: list[dict[str, Any]]) -> str:
    """The label of the first band (``{"min", "max", "label"}``) holding ``value``, or ""."""
    for band in bands:
        if band["min"] <= value <= band["max"]:
            return str(band["label"])
    return ""


def check_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int]:
    """Every item answered once, with a whole number it allows."""
    items = list(instrument.items.all())
    checked: dict[str, int] = {}
    for item in items:
        value = answers.get(item.code)
        if value is None or value == "":
            raise ScoringError(item.code, f"Answer “{item.text or item.code}”.")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ScoringError(
                item.code, f"The answer to “{item.text or item.code}” must be a whole number."
            ) from None
        if str(number) != str(value).strip():
            raise ScoringError(item.code, f"The answer to “{item.text or item.code}” must be a whole number.")
        if not item.min_value <= number <= item.max_value:
            raise ScoringError(
                item.code,
                f"The answer to “{item.text or item.code}” must be {item.min_value} to {item.max_value}.",
            )
        checked[item.code] = number
    unknown = set(answers) - {item.code for item in items}
    if unknown:
        raise ScoringError(sorted(unknown)[0], f"{instrument} has no question “{sorted(unknown)[0]}”.")
    return checked


def score(instrument: Instrument, answers: dict[str, int]) -> dict[str, Any]:
    """The scores of checked answers: per item (with bands) or a total (banded, or converted)."""
    items = {item.code: item for item in instrument.items.all()}
    method = instrument.scoring
    if method == "per_item":
        return {
            "items": {
                code: {"value": value, "band": band_for(value, items[code].bands)}
                for code, value in answers.items()
            }
        }
    if method == "category":
        ((code, value),) = answers.items()
        label = dict(items[code].options).get(value, str(value))
        return {"value": value, "band": label}
    total = sum(answers.values())
    if method == "sum":
        return {"total": total, "band": band_for(total, instrument.bands)}
    if method == "sum_converted":
        converted = instrument.conversion.get(str(total))
        if converted is None:
            raise ScoringError(
                "", f"{instrument}'s conversion table has no entry for a raw score of {total}."
            )
        metric = Decimal(str(converted))
        return {"raw": total, "total": float(metric), "band": band_for(metric, instrument.bands)}
    raise ScoringError("", f"Unknown scoring method {method}.")


def headline(instrument: Instrument, scores: dict[str, Any]) -> int | float | None:
    """One number per response to compare over time (None when the instrument reports categories)."""
    if instrument.scoring == "per_item":
        return None
    if instrument.scoring == "category":
        return scores["value"]
    return scores["total"]
