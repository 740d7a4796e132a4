"""After the award, in the demo: the parish council's timebank application (sent in the closed
round) is screened in and awarded, the offer sent and accepted by the parish council's account with
invented bank details, and paid in two tranches: the first set up by the fund officer, approved by
a second officer (a new demo sign-in, ``grants2``, with an authenticator) and paid; the second set
up by the second officer and waiting for the first to approve it. The project started six months
ago, so one monitoring return is sent and the next is due; the grant is linked to the parish
timebank's listing in the directory, which then says who funded it.

Written through the services, as people would; all invented and marked as demo."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.demo import create_demo_account
from accounts.models import Role, User
from directory.models import ListingStatus, Provider, Service

from . import award_services, services
from .assessment_services import Award, decide, screen
from .award_selectors import monitoring_schedule
from .models import Application, Fund, Grant, MonitoringReturn

SECOND_OFFICER = "grants2"


def _timebank_listing(parish: Provider) -> Service:
    """The parish timebank's listing in the directory, under the parish council's organisation."""
    return Service.objects.create(
        provider=parish,
        owner=parish.owner,
        name="Carrington Moss Timebank (demo)",
        description="Neighbours swap an hour of help for an hour back: lifts to the surgery, help "
        "with forms, a hand in the garden. Everyone's hour is worth the same.",
        how_to_join="Come to the village hall on a Tuesday morning, or ring the parish clerk.",
        listing_status=ListingStatus.PUBLISHED,
        is_demo=True,
    )


def award_demo_timebank(fund: Fund, officer: User, admin: User, application: Application) -> Grant:
    """The timebank's grant, from the award to its first monitoring return (see the module)."""
    second = create_demo_account(
        SECOND_OFFICER, Role.COMMISSIONER, fund.owner, "Tomasz Nowak", two_factor=True
    )
    services.name_fund_officer(admin, fund, second)
    clerk = application.applicant
    assert clerk is not None
    today = timezone.localdate()
    screen(officer, application, eligible=True)
    decide(
        officer,
        application,
        "award",
        award=Award(
            amount_pence=420_000,
            planned_start=today - timedelta(days=190),
            planned_end=today + timedelta(days=250),
            conditions="Tell us before changing the broker's hours. Say that Innovate and Cultivate "
            "funded the timebank on its leaflets and at the launch.",
        ),
    )
    grant = Grant.objects.get(application=application)
    award_services.send_offer(officer, grant)
    award_services.accept_grant(
        clerk,
        grant,
        conditions_agreed=True,
        account=award_services.BankAccount("Carrington Moss Parish Council", "40-11-62", "7315 2048"),
    )
    # The parish accepted when the project began, six months ago: the demo keeps that history, so
    # the returns count from then (as accepting then made them) and the first is about due now.
    accepted_at = timezone.now() - timedelta(days=183)
    Grant.objects.filter(pk=grant.pk).update(accepted_at=accepted_at)
    grant.returns.all().delete()
    MonitoringReturn.objects.bulk_create(
        MonitoringReturn(grant=grant, due_on=due_on, is_final=is_final)
        for due_on, is_final in monitoring_schedule(
            grant.planned_start, grant.planned_end, accepted_on=timezone.localtime(accepted_at).date()
        )
    )
    first = award_services.set_up_payment(officer, grant, amount_pence=252_000, due_on=today)
    award_services.approve_payment(second, first)
    award_services.record_payment(officer, first, paid_on=today, reference="AP-DEMO-0001")
    award_services.set_up_payment(second, grant, amount_pence=168_000, due_on=grant.returns.all()[1].due_on)
    award_services.save_return(
        clerk,
        grant.returns.order_by("due_on")[0],
        award_services.ReturnAnswers(
            what_happened="The launch in the village hall brought 60 people; 38 joined. The broker "
            "matched 112 hours of help in the first months: lifts to the surgery, forms, gardens. "
            "Fewer newcomers from the new estate joined than we hoped: we are leafleting there next.",
            people_reached=38,
            spend_pence=196_000,
        ),
        send=True,
    )
    assert application.organisation is not None
    award_services.link_listing(officer, grant, _timebank_listing(application.organisation))
    return grant
