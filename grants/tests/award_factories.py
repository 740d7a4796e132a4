"""A grant awarded to a group's application, with two officers of the fund (payments need a second
person), for the tests after the award. Written through the services, as people would."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import totp_device
from grants import award_services, services
from grants.assessment_services import Award, decide, screen
from grants.models import Grant
from grants.tests.factories import close, complete_answers, make_round, start_group_application

ACCOUNT = award_services.BankAccount("Soham Timebank Friends", "30-94-57", "1234 5678")


def second_officer(fund):
    """Another officer of ``fund``, on its owner's staff, with an authenticator."""
    admin = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    officer = UserFactory(role=Role.COMMISSIONER, organisation=fund.owner)
    services.name_fund_officer(admin, fund, officer)
    totp_device(officer)
    return officer


def make_grant(
    *, amount_pence=100_000, start=None, end=None, offer=True, accept=True, round_=None, applicant=None
):
    """An awarded grant (£1,000 by default, a year from last month) and its first officer; the
    offer sent and accepted unless told otherwise."""
    if round_ is None:
        round_, officer = make_round()
    else:
        officer = round_.fund.officers.first().user
    application = start_group_application(round_, applicant=applicant)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    close(round_)
    screen(officer, application, eligible=True)
    today = timezone.localdate()
    start = start or today - timedelta(days=30)
    end = end or start + timedelta(days=365)
    decide(officer, application, "award", award=Award(amount_pence, start, end, "Credit the fund."))
    grant = Grant.objects.get(application=application)
    if offer:
        award_services.send_offer(officer, grant)
    if offer and accept:
        award_services.accept_grant(application.applicant, grant, conditions_agreed=True, account=ACCOUNT)
    grant.refresh_from_db()
    return grant, officer


def due(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
