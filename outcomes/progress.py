"""A person's change on each instrument, between their first and latest responses."""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import headline


@dataclass(frozen=True)
class Change:
    instrument: object
    first: object  # Response
    latest: object  # Response
    measures: list[dict]  # [{"label", "first", "latest", "change", "better"}]


def _measures(instrument, first, latest) -> list[dict]:
    if instrument.scoring == "per_item":
        items = {item.code: item for item in instrument.items.all()}
        rows = []
        for code, item in items.items():
            a, b = first.scores["items"][code]["value"], latest.scores["items"][code]["value"]
            rows.append(
                _row(
                    item.text or code,
                    a,
                    b,
                    item.higher_is_better,
                    first.scores["items"][code]["band"],
                    latest.scores["items"][code]["band"],
                )
            )
        return rows
    a, b = headline(instrument, first.scores), headline(instrument, latest.scores)
    return [
        _row(
            instrument.name,
            a,
            b,
            instrument.higher_is_better,
            first.scores.get("band", ""),
            latest.scores.get("band", ""),
        )
    ]


def _row(label, first, latest, higher_is_better, first_band, latest_band) -> dict:
    change = round(latest - first, 2)
    better = None if change == 0 else (change > 0) == higher_is_better
    return {
        "label": label,
        "first": first,
        "latest": latest,
        "change": change,
        "better": better,
        "first_band": first_band,
        "latest_band": latest_band,
    }


def changes_for(person) -> list[Change]:
    changes = []
    responses = person.responses.select_related("instrument").order_by("instrument__name", "on", "pk")
    by_instrument: dict = {}
    for response in responses:
        by_instrument.setdefault(response.instrument, []).append(response)
    for instrument, given in by_instrument.items():
        first, latest = given[0], given[-1]
        changes.append(
            Change(instrument, first, latest, _measures(instrument, first, latest) if len(given) > 1 else [])
        )
    return changes
