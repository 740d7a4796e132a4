"""After the award: who may see and do what with a grant, its payments and its monitoring returns,
and the reads that follow.

- The applicant (the account that wrote the application) reads the offer, accepts it once the
  offer is sent, and fills in and sends the monitoring returns.
- The fund's officers (of the grant's own fund, after their second factor) send the offer, set up,
  approve and record payments, read the returns and their photos, and link the directory listing.
  The one who set up a payment never approves it.
- Nobody else: another applicant, an officer of another fund, an administrator, the public (who
  see only "Funded by" on a listing and the report's totals).

After acceptance the bank account is only ever read as ``Grant.masked_account``: no selector here
hands out the numbers, and no template is given them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet, Sum

from accounts.models import User
from accounts.permissions import Requester, is_signed_in
from directory.models import ListingStatus, Service

from .models import Grant, MonitoringReturn, Payment
from .selectors import funds_of_officer, is_fund_officer

# A return every six months from the planned start, and a final one a month after the planned end.
RETURN_EVERY = relativedelta(months=6)
FINAL_AFTER_END = relativedelta(months=1)
# An interim return falling this close to the final one is left out: two reports weeks apart tell
# the fund nothing new and cost a volunteer group an evening each.
NOT_CLOSE_TO_FINAL = relativedelta(months=2)


def monitoring_schedule(
    planned_start: date, planned_end: date, *, accepted_on: date | None = None
) -> list[tuple[date, bool]]:
    """The returns a grant owes, as (due date, is final): one every six months from the planned
    start while it falls at least two months before the final one, and the final one a month after
    the planned end. A project of under about eight months owes the final return only. A grant
    accepted after its planned start counts from the day it was accepted (``accepted_on``), so no
    return is already due, or overdue, the day the applicant accepts."""
    start = max(planned_start, accepted_on) if accepted_on else planned_start
    final = max(planned_end, start) + FINAL_AFTER_END
    due: list[tuple[date, bool]] = []
    step = 1
    while (when := start + RETURN_EVERY * step) + NOT_CLOSE_TO_FINAL <= final:
        due.append((when, False))
        step += 1
    return [*due, (final, True)]


def grants_visible_to(user: Requester) -> QuerySet[Grant]:
    """The grants of the funds ``user`` is an officer of, and of the applications they wrote once the
    offer is sent (until then the award is the fund's to announce)."""
    if not isinstance(user, User) or not is_signed_in(user):
        return Grant.objects.none()
    return Grant.objects.filter(
        Q(application__applicant=user, offer_sent_at__isnull=False)
        | Q(application__round__fund__in=funds_of_officer(user))
    ).select_related("application", "application__round", "application__round__fund", "listing")


def is_grant_officer(user: Requester, grant: Grant) -> bool:
    return is_fund_officer(user, grant.application.round.fund)


def is_grantee(user: Requester, grant: Grant) -> bool:
    """Whether ``user`` wrote the application this grant was awarded on."""
    return isinstance(user, User) and is_signed_in(user) and grant.application.applicant_id == user.pk


def may_send_offer(user: Requester, grant: Grant) -> bool:
    return grant.accepted_at is None and is_grant_officer(user, grant)


def may_accept(user: Requester, grant: Grant) -> bool:
    return grant.offer_sent_at is not None and grant.accepted_at is None and is_grantee(user, grant)


def may_set_up_payment(user: Requester, grant: Grant) -> bool:
    return grant.accepted_at is not None and is_grant_officer(user, grant)


def may_approve_payment(user: Requester, payment: Payment) -> bool:
    """Another officer of the fund than the one who set it up, while it waits for approval."""
    return (
        payment.approved_at is None
        and isinstance(user, User)
        and payment.set_up_by_id != user.pk
        and is_grant_officer(user, payment.grant)
    )


def may_record_paid(user: Requester, payment: Payment) -> bool:
    return (
        payment.approved_at is not None and payment.paid_on is None and is_grant_officer(user, payment.grant)
    )


def may_fill_return(user: Requester, monitoring_return: MonitoringReturn) -> bool:
    return monitoring_return.submitted_at is None and is_grantee(user, monitoring_return.grant)


def may_link_listing(user: Requester, grant: Grant) -> bool:
    """The fund's officers; the applicant too when they edit the organisation that was funded."""
    if is_grant_officer(user, grant):
        return True
    organisation = grant.application.organisation
    return (
        is_grantee(user, grant)
        and organisation is not None
        and isinstance(user, User)
        and organisation.owner_id is not None
        and organisation.owner_id == user.organisation_id
    )


def listings_to_link(user: Requester, grant: Grant) -> QuerySet[Service]:
    """The listings this grant may be linked to: for an organisation, its own listings; for a group
    without a constitution, any published listing (chosen by the fund officer)."""
    if not may_link_listing(user, grant):
        return Service.objects.none()
    application = grant.application
    if application.organisation_id is not None:
        return Service.objects.filter(provider_id=application.organisation_id).order_by("name")
    if not is_grant_officer(user, grant):
        return Service.objects.none()
    return Service.objects.filter(listing_status=ListingStatus.PUBLISHED).order_by("name")


def funds_of_listing(listing: Service) -> list[str]:
    """The funds whose accepted grants fund ``listing``: its public page says so (registered with
    ``directory.funders`` in ``GrantsConfig.ready``)."""
    return list(
        Grant.objects.filter(listing=listing, accepted_at__isnull=False)
        .order_by("application__round__fund__name")
        .values_list("application__round__fund__name", flat=True)
        .distinct()
    )


def paid_and_promised(grant: Grant) -> int:
    """Pence the grant's tranches already take (set up, approved or paid)."""
    return grant.payments.aggregate(total=Sum("amount_pence"))["total"] or 0


def payments_of(grant: Grant) -> QuerySet[Payment]:
    return grant.payments.select_related("set_up_by", "approved_by")


def returns_of(grant: Grant) -> QuerySet[MonitoringReturn]:
    return grant.returns.prefetch_related("photos")


def next_return(grant: Grant) -> MonitoringReturn | None:
    """The earliest return not yet sent."""
    return grant.returns.filter(submitted_at__isnull=True).order_by("due_on", "pk").first()


def own_grants(user: Requester) -> QuerySet[Grant]:
    if not isinstance(user, User) or not is_signed_in(user):
        return Grant.objects.none()
    return Grant.objects.filter(application__applicant=user, offer_sent_at__isnull=False).select_related(
        "application__round__fund"
    )


def grants_of_officer(user: Requester) -> QuerySet[Grant]:
    return Grant.objects.filter(application__round__fund__in=funds_of_officer(user)).select_related(
        "application", "application__round__fund"
    )


@dataclass
class FundReach:
    """What one fund's grants did in a period, for the evaluation report."""

    fund: str
    grants: int
    amount_pence: int
    people_reached: int
    listings: int


def reach_of_grants(since: date, until: date, wards: list[str] | None = None) -> list[FundReach]:
    """Grants awarded in the period by fund: how many, how much, the people their sent returns say
    they reached (each grant's latest sent return, since a return counts everyone so far), and how
    many distinct directory listings they fund. In an area, the grants whose application's postcode
    is in one of ``wards``."""
    grants = Grant.objects.filter(awarded_on__range=(since, until)).select_related("application__round__fund")
    if wards is not None:
        grants = grants.filter(application__postcode__ward_id__in=wards)
    found: dict[str, FundReach] = {}
    for grant in grants.order_by("application__round__fund__name", "pk"):
        name = grant.application.round.fund.name
        row = found.setdefault(name, FundReach(name, 0, 0, 0, 0))
        row.grants += 1
        row.amount_pence += grant.amount_pence
        latest = grant.returns.filter(submitted_at__isnull=False).order_by("-due_on").first()
        row.people_reached += latest.people_reached or 0 if latest else 0
    for name, row in found.items():
        row.listings = (
            grants.filter(application__round__fund__name=name, listing__isnull=False)
            .values("listing")
            .distinct()
            .count()
        )
    return list(found.values())
