"""The demo's assessment of the closed Spring round: three criteria, a panel of three demo sign-ins
(``panel``, a council community development officer; ``councillor``; ``partnership``, from the
voluntary sector), each with an authenticator, and new applications in every state assessment
gives: not eligible, with the panel (reviews sent, one member having declared a conflict, and the
panel disagreeing), waiting for ``panel`` to declare and score (two: the browser test and the
phone crawl use them), declined with a reason, and awarded (no offer sent yet).

Written through the services, as people would; the parish council's timebank application and the
open round are left alone. The round is opened for a moment so the new applications can be sent,
then closed again as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.demo import create_demo_account
from accounts.models import Role, User

from . import assessment_services as assessment
from .models import Application, Assignment, Criterion, PanelMember, Round
from .services import Applicant, Budget

CRITERIA = [
    ("Brings neighbours together", "0: people would meet no one new. 5: many would, who do not now."),
    ("A clear, realistic plan", "0: no plan. 5: who does what and when is clear, and it can be done."),
    ("Good use of the money", "0: the costs are unexplained. 5: every pound is accounted for."),
]

# title, group, what, amount in pence, budget rows
PROJECTS: dict[str, tuple[str, str, str, int, tuple[tuple[str, int], ...]]] = {
    "out": (
        "Bowls club trip to Blackpool",
        "Sale Moor Bowls Club (demo)",
        "A coach trip to Blackpool for our members.",
        120_000,
        (("Coach hire", 120_000),),
    ),
    "with_panel": (
        "Stretford lunch club",
        "Stretford Lunch Friends (demo)",
        "A hot lunch every Wednesday in the church hall, cooked by volunteers.",
        300_000,
        (("Kitchen equipment", 180_000), ("Food for the first three months", 120_000)),
    ),
    "to_score": (
        "Partington repair café",
        "Partington Fixers (demo)",
        "A monthly repair café: bring something broken, mend it with a volunteer over a cup of tea.",
        180_000,
        (("Tools", 110_000), ("Insurance and posters", 70_000)),
    ),
    "to_score_too": (
        "Old Trafford homework club",
        "Old Trafford Study Buddies (demo)",
        "A homework club after school twice a week in the library, with volunteer tutors.",
        240_000,
        (("Laptops", 160_000), ("Snacks and stationery", 80_000)),
    ),
    "declined": (
        "Urmston street party",
        "Urmston Road Neighbours (demo)",
        "One street party in July.",
        450_000,
        (("Bouncy castle and stage", 300_000), ("Catering", 150_000)),
    ),
    "awarded": (
        "Sale community fridge",
        "Sale Community Fridge (demo)",
        "A community fridge at the community centre, so good food is shared rather than thrown away.",
        250_000,
        (("Two fridges", 150_000), ("Hygiene training for volunteers", 100_000)),
    ),
}


def _panel(officer: User, round_: Round, council: Any) -> list[User]:
    people = [
        create_demo_account("panel", Role.COMMISSIONER, council, "Priya Shah", two_factor=True),
        create_demo_account("councillor", Role.COMMISSIONER, council, "Cllr Tom Reilly", two_factor=True),
        create_demo_account("partnership", Role.COMMISSIONER, council, "Jo Barnes", two_factor=True),
    ]
    for person in people:
        assessment.add_panel_member(officer, round_, email=person.email)
    return people


def _review(
    user: User, application: Application, criteria: list[Criterion], scores: tuple, said: str
) -> None:
    assignment = Assignment.objects.get(application=application, member__user=user)
    declared = assessment.declare(user, assignment, conflict=False)
    comments = {0: "Clear who it is for.", 2: "The costs look right."}
    marks = assessment.Marks(
        scores={
            c.pk: (s, comments.get(n, "")) for n, (c, s) in enumerate(zip(criteria, scores, strict=True))
        },
        recommendation=said,
        comment="",
    )
    assessment.save_review(user, declared, marks, send=True)


def create_demo_assessment(
    officer: User, round_: Round, asked: dict, residents: list[User], apply: Callable[..., Application]
) -> int:
    """Returns how many applications it made. ``apply`` is the demo's way of applying (demo.py)."""
    today = timezone.localdate()
    round_.refresh_from_db()  # the caller's copy may predate its closing
    criteria = [assessment.add_criterion(officer, round_, name=n, guidance=g) for n, g in CRITERIA]
    panel, councillor, partnership = _panel(officer, round_, officer.organisation)

    closes_on = round_.closes_on
    Round.objects.filter(pk=round_.pk).update(closes_on=today)  # open again for a moment
    round_.refresh_from_db()
    made: dict[str, Application] = {}
    for n, (key, (title, group, what, amount, rows)) in enumerate(PROJECTS.items()):
        applicant = residents[3 + n % 2] if len(residents) > 4 else residents[-1]
        made[key] = apply(
            applicant,
            round_,
            asked,
            Applicant(
                applies_as=Application.AppliesAs.GROUP,
                group_name=group,
                postcode=applicant.home_postcode_id or "",
                title=title,
                contact_name=applicant.full_name,
            ),
            {
                "what": what,
                "who": "Neighbours nearby, whoever they are.",
                "when": today + timedelta(days=45),
                "kind": "Bringing people together",
                "amount": amount,
                "budget": Budget(rows),
            },
            submit=True,
        )
    Round.objects.filter(pk=round_.pk).update(closes_on=closes_on)
    Application.objects.filter(pk__in=[a.pk for a in made.values()]).update(
        submitted_at=timezone.now() - timedelta(days=62)
    )
    for key, application in made.items():
        made[key] = Application.objects.get(pk=application.pk)

    assessment.screen(
        officer,
        made["out"],
        eligible=False,
        note="The fund pays for activities open to everyone nearby: a trip for the club's members is not.",
    )
    for key in ("with_panel", "to_score", "to_score_too", "declined", "awarded"):
        made[key] = assessment.screen(officer, made[key], eligible=True)
    members = list(PanelMember.objects.filter(round=round_))
    for key in ("with_panel", "declined", "awarded"):
        assessment.assign(officer, made[key], members)
    for key in ("to_score", "to_score_too"):
        assessment.assign(officer, made[key], [m for m in members if m.user == panel])

    lunch = made["with_panel"]
    _review(panel, lunch, criteria, (4, 4, 3), "fund")
    _review(councillor, lunch, criteria, (1, 3, 2), "do_not_fund")  # 4 against 1: the panel disagree
    assessment.declare(
        partnership,
        Assignment.objects.get(application=lunch, member__user=partnership),
        conflict=True,
        note="I volunteer at the church hall where the lunch club would run.",
    )
    assessment.add_comment(
        councillor, lunch, text="Who cooks when the volunteers are away? The plan leans on two people."
    )
    assessment.add_comment(panel, lunch, text="They told me the church's catering team will cover.")

    for user, scores, said in (
        (councillor, (2, 1, 1), "do_not_fund"),
        (partnership, (2, 2, 1), "do_not_fund"),
    ):
        _review(user, made["declined"], criteria, scores, said)
    assessment.decide(
        officer,
        made["declined"],
        "decline",
        reason="The panel liked the idea, but one party costs more than the fund gives for a year of "
        "most projects. A smaller ask, or regular events, would have a better chance next round.",
    )
    for user, scores, said in (
        (panel, (5, 4, 4), "fund"),
        (councillor, (4, 4, 5), "fund_with_conditions"),
        (partnership, (5, 3, 4), "fund"),
    ):
        _review(user, made["awarded"], criteria, scores, said)
    assessment.decide(
        officer,
        made["awarded"],
        "award",
        award=assessment.Award(
            amount_pence=250_000,
            planned_start=today + timedelta(days=30),
            planned_end=today + timedelta(days=395),
            conditions="Food hygiene training for every volunteer before the fridge opens.",
        ),
    )
    return len(made)
