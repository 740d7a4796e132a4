"""How a group's answers to each questionnaire moved between their first answers and their latest
in a period: means of each item (ONS4) or of the total (UCLA 3-item, SWEMWBS), and the share
giving each answer (the ONS loneliness question). Aggregates only, suppressed under 5 people."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, FloatField, IntegerField, Q, QuerySet
from django.db.models.expressions import Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, RowNumber

from common.suppression import SUPPRESS_BELOW, share, shown

from .models import Instrument, Response

# Wellbeing first (ONS4), then totals (UCLA, SWEMWBS), then answers reported as they are.
SECTION_ORDER = [
    Instrument.Scoring.PER_ITEM,
    Instrument.Scoring.SUM,
    Instrument.Scoring.SUM_CONVERTED,
    Instrument.Scoring.CATEGORY,
]


def _mean(values: list) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _measured(instrument: Instrument) -> list[tuple[str, object]]:
    """What to read from each response's scores, as (label, expression): whole numbers, but for
    a converted total (SWEMWBS's metric score), which has two decimal places."""
    if instrument.scoring == Instrument.Scoring.PER_ITEM:
        return [
            (item.short_label, Cast(KT(f"scores__items__{item.code}__value"), IntegerField()))
            for item in instrument.items.all()
        ]
    if instrument.scoring == Instrument.Scoring.SUM_CONVERTED:
        return [("Score", Cast(KT("scores__total"), FloatField()))]
    if instrument.scoring == Instrument.Scoring.CATEGORY:
        return [("Answer", Cast(KT("scores__value"), IntegerField()))]
    return [("Total score", Cast(KT("scores__total"), IntegerField()))]


def first_and_latest(responses: QuerySet[Response], instrument: Instrument, since, until) -> list[tuple]:
    """(first, latest) for each person who answered before the period ended and again, on a later
    day, within it; each side a tuple of the instrument's measured numbers (a converted total as
    a Decimal, so its mean is exact).

    The database ranks each person's answers both ways and returns only their first and latest
    rows, with the numbers already read out of the scores, in order of person; so a person's
    first row (ranked 1 from the start) is followed by their latest (ranked 1 from the end),
    unless the two are the same row."""
    measured = {f"measure_{n}": expression for n, (_, expression) in enumerate(_measured(instrument))}
    by_person = [F("person_id")]
    converted = instrument.scoring == Instrument.Scoring.SUM_CONVERTED
    rows = (
        responses.filter(instrument=instrument, on__lte=until)
        .annotate(
            nth_first=Window(RowNumber(), partition_by=by_person, order_by=[F("on").asc(), F("pk").asc()]),
            nth_latest=Window(RowNumber(), partition_by=by_person, order_by=[F("on").desc(), F("pk").desc()]),
            **measured,
        )
        .filter(Q(nth_first=1) | Q(nth_latest=1))
        .order_by("person_id", "on", "pk")
        .values_list("on", "nth_first", "nth_latest", *measured)
    )
    pairs, first = [], None
    for on, nth_first, nth_latest, *numbers in rows.iterator(chunk_size=10000):
        if converted:
            numbers = [None if n is None else Decimal(str(n)) for n in numbers]
        if nth_first == 1:
            first = None if nth_latest == 1 else (on, numbers)
        elif first is not None:
            if on >= since and on > first[0] and None not in (*numbers, *first[1]):
                pairs.append((first[1], numbers))
            first = None
    return pairs


def _means(instrument: Instrument, pairs: list[tuple]) -> list[dict]:
    higher = (
        [item.higher_is_better for item in instrument.items.all()]
        if instrument.scoring == Instrument.Scoring.PER_ITEM
        else [instrument.higher_is_better]
    )
    rows = []
    for n, (label, _) in enumerate(_measured(instrument)):
        if len(pairs) < SUPPRESS_BELOW:
            rows.append({"label": label, "first": None, "latest": None, "change": None, "better": None})
            continue
        first, latest = _mean([f[n] for f, _ in pairs]), _mean([a[n] for _, a in pairs])
        better = None if latest == first else (latest > first) == higher[n]
        rows.append(
            {"label": label, "first": first, "latest": latest, "change": latest - first, "better": better}
        )
    return rows


def _shares(instrument: Instrument, pairs: list[tuple]) -> list[dict]:
    """The share of people giving each answer, first and latest (in per cent)."""
    (item,) = instrument.items.all()
    rows = []
    for value, label in item.options:
        first = share(sum(1 for f, _ in pairs if f[0] == value), len(pairs))
        latest = share(sum(1 for _, a in pairs if a[0] == value), len(pairs))
        change = latest - first if first is not None and latest is not None else None
        rows.append({"label": label, "first": first, "latest": latest, "change": change, "better": None})
    return rows


def wellbeing_change(responses: QuerySet[Response], since, until) -> list[dict]:
    """For each questionnaire these responses answer in the period: how many people answered it
    first and again later in the period, and how their answers moved. Means (or shares, for a
    question reported as its answer) are withheld when fewer than 5 people answered twice."""
    answered = responses.filter(on__range=(since, until)).order_by().values("instrument").distinct()
    results = []
    instruments = Instrument.objects.filter(pk__in=answered).prefetch_related("items")
    for instrument in sorted(instruments, key=lambda i: (SECTION_ORDER.index(i.scoring), i.name)):
        pairs = first_and_latest(responses, instrument, since, until)
        shares = instrument.scoring == Instrument.Scoring.CATEGORY
        results.append(
            {
                "instrument": instrument,
                "people": shown(len(pairs)),
                "unit": "per cent" if shares else "mean",
                "rows": _shares(instrument, pairs) if shares else _means(instrument, pairs),
            }
        )
    return results
