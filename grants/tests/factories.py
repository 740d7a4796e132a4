"""A council's fund with its officer, a round with screening questions and a typed form, and
applicants, for the grants tests. Written through the services, as people would."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import totp_device
from grants import services
from grants.models import Application, Question, Round
from grants.services import Applicant, RoundDetails
from places.tests.factories import PostcodeFactory


def make_fund(**fields):
    council = fields.pop("owner", None) or OrganisationFactory(kind=Organisation.Kind.COUNCIL)
    admin = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    officer = UserFactory(role=Role.COMMISSIONER, organisation=council)
    fund = services.create_fund(
        admin,
        owner=council,
        name=fields.pop("name", f"Fund of {council.name}"),
        purpose="Small grants for new community groups.",
        total_pence=fields.pop("total_pence", 10_000_000),
    )
    services.name_fund_officer(admin, fund, officer)
    totp_device(officer)  # fund officers prove a second factor, as the council's finance officers do
    return fund, officer


def make_round(fund=None, officer=None, *, publish=True, opens_days_ago=7, closes_in_days=30, name="Spring"):
    """A round (£250 to £5,000) with one screening question (based here? yes), two sections: a
    text (50 words), a date and a choice; the amount asked and a budget table."""
    if fund is None:
        fund, officer = make_fund()
    today = timezone.localdate()
    round_ = services.create_round(
        officer,
        fund,
        RoundDetails(
            name=name,
            opens_on=today - timedelta(days=opens_days_ago),
            closes_on=today + timedelta(days=closes_in_days),
            budget_pence=4_000_000,
            minimum_award_pence=25_000,
            maximum_award_pence=500_000,
        ),
    )
    services.add_eligibility_question(
        officer,
        round_,
        text="Are you based in East Cambridgeshire?",
        eligible_answer=True,
        reason="This fund is for groups in East Cambridgeshire only.",
    )
    about = services.add_section(officer, round_, title="About your project")
    money = services.add_section(officer, round_, title="Money")
    services.add_question(officer, about, kind="text", text="What will you do?", word_limit=50)
    services.add_question(officer, about, kind="date", text="When will it start?")
    services.add_question(officer, about, kind="choice", text="What kind?", choices=["Social", "Green"])
    services.add_question(officer, money, kind="amount", text="How much do you ask for?")
    services.add_question(officer, money, kind="budget", text="What will you spend it on?")
    if publish:
        services.publish_round(officer, round_)
    round_.refresh_from_db()
    return round_, officer


def question(round_: Round, kind: str) -> Question:
    return Question.objects.get(section__round=round_, kind=kind)


def eligible(round_: Round) -> dict[int, bool]:
    return {q.pk: q.eligible_answer for q in round_.eligibility_questions.all()}


def start_group_application(round_: Round, applicant=None) -> Application:
    applicant = applicant or UserFactory(role=Role.RESIDENT)
    postcode = PostcodeFactory()
    return services.start_application(
        applicant,
        round_,
        eligible(round_),
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Soham Timebank Friends",
            postcode=postcode.postcode,
            title="Start a timebank",
            contact_name="Sam Ng",
        ),
    )


def complete_answers(round_: Round) -> dict:
    from datetime import date

    return {
        question(round_, "text").pk: "We will start a timebank in the parish.",
        question(round_, "date").pk: date(2027, 3, 1),
        question(round_, "choice").pk: "Social",
        question(round_, "amount").pk: 100_000,
        question(round_, "budget").pk: services.Budget((("Broker", 60_000), ("Leaflets", 40_000))),
    }


def close(round_: Round) -> None:
    """The round closed yesterday (straight in the database: the officer's page allows it too)."""
    today = timezone.localdate()
    Round.objects.filter(pk=round_.pk).update(
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1)
    )
    round_.refresh_from_db()
