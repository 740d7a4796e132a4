"""A demo of small grants in the demo district: the council's "Innovate and Cultivate" fund, its
fund officer (a new demo sign-in, ``grants``, with an authenticator), a closed round and an open
one with the same screening questions and form, and applications in each state: in the closed
round the parish council's application to start a timebank (sent) and a group's application the
officer has asked more about; in the open round a demo resident's draft for a group and another's
sent application; and the closed round's assessment (``demo_assessment``: criteria, a panel of
three, and applications screened out, with the panel, waiting to be scored, declined and awarded).
Written through the services, as people would; all invented and marked as demo."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import create_demo_account, demo_residents
from accounts.models import Organisation, Role, User
from directory.models import Provider

from . import services
from .demo_awards import award_demo_timebank
from .models import Application, Fund, Question, Round
from .services import Applicant, Budget, RoundDetails

COUNCIL = "Trafford Council (demo)"
PARISH = "Carrington Moss Parish Council (demo)"
FUND = "Innovate and Cultivate"

SCREENING = [
    (
        "Is your group based in Trafford?",
        "This fund is for groups in Trafford. Your own council may run a community fund: ask it.",
    ),
    (
        "Will everyone in your area be welcome at what you do?",
        "The fund pays for activities open to everyone nearby, not for members-only clubs.",
    ),
]


def _set_up_form(officer: User, round_: Round) -> dict[str, Question]:
    for text, reason in SCREENING:
        services.add_eligibility_question(officer, round_, text=text, eligible_answer=True, reason=reason)
    about = services.add_section(
        officer, round_, title="About your project", intro="Tell us in your own words: no jargon needed."
    )
    money = services.add_section(officer, round_, title="Money", intro="What you ask for and what it buys.")
    asked = {
        "what": services.add_question(officer, about, kind="text", text="What will you do?", word_limit=250),
        "who": services.add_question(
            officer, about, kind="text", text="Who will it help, and how?", word_limit=150
        ),
        "when": services.add_question(officer, about, kind="date", text="When will it start?"),
        "kind": services.add_question(
            officer,
            about,
            kind="choice",
            text="Which best describes it?",
            choices=[
                "Bringing people together",
                "Health and wellbeing",
                "Skills and learning",
                "Our green spaces",
            ],
        ),
        "amount": services.add_question(officer, money, kind="amount", text="How much are you asking for?"),
        "budget": services.add_question(officer, money, kind="budget", text="What will you spend it on?"),
    }
    return asked


def _round(officer: User, fund: Fund, name: str, opens_on: date, closes_on: date) -> tuple[Round, dict]:
    round_ = services.create_round(
        officer,
        fund,
        RoundDetails(
            name=name,
            opens_on=opens_on,
            closes_on=closes_on,
            budget_pence=4_000_000,
            minimum_award_pence=25_000,
            maximum_award_pence=500_000,
            guidance="Grants of £250 to £5,000 for something new that brings people together. "
            "Groups without a constitution can apply: you need a bank account in the group's name "
            "with two people who sign, if you are given a grant.",
        ),
    )
    asked = _set_up_form(officer, round_)
    return services.publish_round(officer, round_), asked


def _apply(
    user: User, round_: Round, asked: dict, who: Applicant, answers: dict[str, object], *, submit: bool
) -> Application:
    eligible = {q.pk: True for q in round_.eligibility_questions.all()}
    application = services.start_application(user, round_, eligible, who)
    services.save_answers(user, application, {asked[key].pk: value for key, value in answers.items()})
    if submit:
        services.submit_application(user, application)
    return application


def _parish_listing(parish: Organisation) -> Provider:
    """The parish council's own directory organisation (the demo directory may not have one)."""
    found = Provider.objects.filter(owner=parish, name=parish.name).first()
    return found or Provider.objects.create(
        name=parish.name,
        owner=parish,
        is_demo=True,
        description="The parish council for Carrington Moss: allotments, the village hall and the green.",
    )


@transaction.atomic
def create_demo_grants() -> int:
    """Returns how many applications it made."""
    council = Organisation.objects.get(name=COUNCIL)
    parish = Organisation.objects.get(name=PARISH)
    admin = User.objects.filter(is_demo=True, is_superuser=True).first()
    clerk = User.objects.filter(organisation=parish, role=Role.ORGANISATION_EDITOR, is_demo=True).first()
    residents = demo_residents()
    if admin is None or clerk is None or len(residents) < 3:
        return 0
    officer = create_demo_account("grants", Role.COMMISSIONER, council, "Grace Adeyemi", two_factor=True)
    fund = services.create_fund(
        admin,
        owner=council,
        name=FUND,
        purpose="Small grants for residents and community groups to start something new that brings "
        "neighbours together: a timebank, a lunch club, a growing space, a walking group.",
        total_pence=10_000_000,
        prefix="360G-trafforddemo",
    )
    # Invented identifiers, plainly a demo's: the prefix is not one 360Giving gave, and the funder's
    # is made under it (the real council's GB-LAE-TRF would pass the demo's grants off as its own).
    Fund.objects.filter(pk=fund.pk).update(is_demo=True, org_identifier="360G-trafforddemo-council")
    services.name_fund_officer(admin, fund, officer)
    today = timezone.localdate()

    closed, closed_asked = _round(officer, fund, "Spring round", today - timedelta(days=150), today)
    timebank = _apply(
        clerk,
        closed,
        closed_asked,
        Applicant(
            applies_as=Application.AppliesAs.ORGANISATION,
            organisation=_parish_listing(parish),
            title="Start a Carrington Moss timebank",
            postcode="M31 4DJ",  # in the parish: the ward and LSOA its 360Giving record names
            contact_name="Pat Holloway (parish clerk)",
            contact_phone="0161 000 0000",
        ),
        {
            "what": "Start a timebank for the parish: neighbours swap an hour of help for an hour back, "
            "from lifts to the surgery to help with forms. We will run a launch event in the village "
            "hall and pay a broker for six hours a week for the first year.",
            "who": "Older residents living alone, and newcomers to the new estate who know nobody yet.",
            "when": today + timedelta(days=60),
            "kind": "Bringing people together",
            "amount": 420_000,
            "budget": Budget(
                (
                    ("Broker, 6 hours a week for a year", 312_000),
                    ("Launch event and leaflets", 48_000),
                    ("Timebank software and training", 60_000),
                )
            ),
        },
        submit=True,
    )
    park = _apply(
        residents[2],
        closed,
        closed_asked,
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Friends of Longford Park (demo)",
            postcode=residents[2].home_postcode_id or "",
            title="Saturday growing club",
            contact_name=residents[2].full_name,
        ),
        {
            "what": "A growing club on Saturday mornings in the park's old walled garden.",
            "who": "Families from the flats nearby who have no garden.",
            "when": today + timedelta(days=30),
            "kind": "Our green spaces",
            "amount": 150_000,
            "budget": Budget((("Tools and seeds", 90_000), ("Raised beds", 60_000))),
        },
        submit=True,
    )
    # The round closes; the sent applications were sent before it did.
    services.update_round(
        officer,
        closed,
        RoundDetails(
            name=closed.name,
            opens_on=closed.opens_on,
            closes_on=today - timedelta(days=60),
            budget_pence=closed.budget_pence,
            minimum_award_pence=closed.minimum_award_pence,
            maximum_award_pence=closed.maximum_award_pence,
            guidance=closed.guidance,
        ),
    )
    Application.objects.filter(pk__in=[timebank.pk, park.pk]).update(
        submitted_at=timezone.now() - timedelta(days=65)
    )
    Round.objects.filter(pk=closed.pk).update(published_at=timezone.now() - timedelta(days=151))
    services.request_more_information(
        officer,
        park,
        message="Who will look after the beds over the summer holidays? Please say more, and check the "
        "costs of the raised beds.",
        questions=[closed_asked["who"], closed_asked["budget"]],
    )

    open_round, open_asked = _round(
        officer, fund, "Autumn round", today - timedelta(days=14), today + timedelta(days=45)
    )
    _apply(
        residents[0],
        open_round,
        open_asked,
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Sale Moor Knit and Natter (demo)",
            postcode=residents[0].home_postcode_id or "",
            title="Knit and natter in the library",
            contact_name=residents[0].full_name,
        ),
        {"what": "A weekly knit and natter morning in the library, with tea.", "amount": 60_000},
        submit=False,
    )
    _apply(
        residents[1],
        open_round,
        open_asked,
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Stretford Seed Swap (demo)",
            postcode=residents[1].home_postcode_id or "",
            title="A seed library",
            contact_name=residents[1].full_name,
        ),
        {
            "what": "A seed library at the community centre, with four swap days a year.",
            "who": "Anyone who grows food or flowers, and people who would like to start.",
            "when": today + timedelta(days=20),
            "kind": "Our green spaces",
            "amount": 80_000,
            "budget": Budget((("Seed cabinet", 50_000), ("Envelopes, labels and posters", 30_000))),
        },
        submit=True,
    )
    award_demo_timebank(fund, officer, admin, timebank)
    # Assessment of the closed round (its own module: the panel, reviews and decisions).
    from .demo_assessment import create_demo_assessment

    return 4 + create_demo_assessment(officer, closed, closed_asked, residents, _apply)
