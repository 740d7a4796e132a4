"""Demo outcomes: questionnaires (ONS4, UCLA and the ONS loneliness question) answered at the
start and months later, some outcome events, and the example unit costs (invented, and marked as
such). All about demo people only."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from people.models import Person

from .models import Instrument, OutcomeEvent, Response
from .scoring import check_answers, score
from .services import import_unit_costs

EVIDENCE = {
    "tenancy_sustained": "Housing officer confirmed the arrears plan is kept; notice withdrawn.",
    "crisis_avoided": "No A&E visits since the lunch club; GP practice noted fewer calls.",
    "into_work": "Started volunteering two mornings a week at the larder.",
    "care_avoided": "Social worker closed the care assessment: support now from neighbours.",
    "new_connections": "Goes to the choir weekly and meets a neighbour for coffee.",
}


@transaction.atomic
def create_demo_outcomes(seed: int = 4) -> int:
    rng, today = random.Random(seed), timezone.localdate()
    ons4, ucla = Instrument.objects.get(code="ons4"), Instrument.objects.get(code="ucla3")
    ons_lonely = Instrument.objects.get(code="ons_loneliness")
    made = 0
    for person in Person.objects.filter(is_demo=True).order_by("pk"):
        start = today - timedelta(days=rng.randrange(120, 300))
        first = {
            "satisfied": rng.randrange(2, 6),
            "worthwhile": rng.randrange(3, 7),
            "happy": rng.randrange(2, 6),
            "anxious": rng.randrange(5, 9),
        }
        later = {
            k: max(0, min(10, v + (rng.randrange(0, 4) if k != "anxious" else -rng.randrange(0, 4))))
            for k, v in first.items()
        }
        for on, answers in ((start, first), (start + timedelta(days=100), later)):
            checked = check_answers(ons4, answers)
            Response.objects.create(
                person=person, instrument=ons4, on=on, answers=checked, scores=score(ons4, checked)
            )
        lonely = {
            "companionship": rng.randrange(2, 4),
            "left_out": rng.randrange(2, 4),
            "isolated": rng.randrange(1, 4),
        }
        less_lonely = {k: max(1, v - rng.randrange(0, 2)) for k, v in lonely.items()}
        how_often = rng.randrange(1, 4)
        for on, ucla_answers, ons_answers in (
            (start, lonely, {"lonely": how_often}),
            (start + timedelta(days=100), less_lonely, {"lonely": min(5, how_often + rng.randrange(0, 3))}),
        ):
            for instrument, answers in ((ucla, ucla_answers), (ons_lonely, ons_answers)):
                checked = check_answers(instrument, answers)
                Response.objects.create(
                    person=person,
                    instrument=instrument,
                    on=on,
                    answers=checked,
                    scores=score(instrument, checked),
                )
        if rng.random() < 0.6:
            kind = rng.choice(list(EVIDENCE))
            OutcomeEvent.objects.create(
                person=person, kind=kind, on=start + timedelta(days=60), evidence=EVIDENCE[kind]
            )
        made += 1
    import_unit_costs(settings.BASE_DIR / "data" / "unit_costs" / "example_unit_costs.csv")
    return made
