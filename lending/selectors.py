"""Reads for lending: the public list of things to borrow, a borrower's own loans, the
coordinator's dashboard and the usage report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Organisation, User
from accounts.permissions import Requester, is_administrator, is_signed_in

from .models import Errand, Item, Reservation, WaitingListEntry
from .permissions import may_coordinate_reservation, may_run_lending
from .services import servicing_due_on

BORROW_PAGE_SIZE = 20


def borrowable_items(words: str = "", kind: str = "") -> QuerySet[Item]:
    """The things lent in the district, public to anyone: not retired, by organisation, then kind
    and name, optionally matching ``words`` (in the name, kind or description) and a ``kind``.
    Each has its coming bookings (without who) prefetched as ``coming_bookings``."""
    items = Item.objects.filter(is_retired=False).select_related("organisation")
    for word in words.split()[:8]:
        items = items.filter(
            Q(name__icontains=word) | Q(kind__icontains=word) | Q(description__icontains=word)
        )
    if kind:
        items = items.filter(kind__iexact=kind)
    return items.order_by("organisation__name", "kind", "name", "pk")


def _coming(today: date) -> QuerySet[Reservation]:
    """Active bookings ending today or later, and loans still out (an overdue one holds the item
    until it comes back)."""
    return Reservation.objects.filter(
        Q(ends_on__gte=today) | Q(status=Reservation.Status.OUT), status__in=Reservation.ACTIVE
    ).order_by("starts_on", "pk")


def with_coming_bookings(items: QuerySet[Item], today: date) -> QuerySet[Item]:
    """``items`` with their coming bookings as ``coming_bookings`` (for :func:`booked_periods`)."""
    return items.prefetch_related(
        Prefetch("reservations", queryset=_coming(today), to_attr="coming_bookings")
    )


def kinds_lent() -> list[str]:
    """The kinds of things lent (for the Borrow page's filter)."""
    kinds = Item.objects.filter(is_retired=False).values_list("kind", flat=True)
    return sorted({kind.strip().lower() for kind in kinds if kind.strip()})


def booked_periods(item: Item, today: date) -> list[tuple[date, date]]:
    """The days the item is booked or out from today on, as (first, last) pairs: never who. A
    loan out past its last day holds today."""
    bookings = getattr(item, "coming_bookings", None)
    if bookings is None:
        bookings = list(_coming(today).filter(item=item))
    return [(max(b.starts_on, today), max(b.ends_on, today)) for b in bookings]


def next_free_on(item: Item, today: date) -> date:
    """The first day from today on that the item is neither booked nor out."""
    day = today
    for first, last in booked_periods(item, today):
        if first > day:
            break
        day = max(day, last + timedelta(days=1))
    return day


def loans_of(user: Requester) -> QuerySet[Reservation]:
    """The user's own current loans (asked for, booked or out), soonest first. None when signed out."""
    if not isinstance(user, User) or not is_signed_in(user):
        return Reservation.objects.none()
    return (
        Reservation.objects.filter(borrower=user, status__in=Reservation.CURRENT)
        .select_related("item__organisation")
        .order_by("starts_on", "pk")
    )


def requests_for(organisation: Organisation) -> QuerySet[Reservation]:
    """Residents' requests to borrow the organisation's items, waiting for an answer, oldest first."""
    return (
        Reservation.objects.filter(item__organisation=organisation, status=Reservation.Status.REQUESTED)
        .select_related("item")
        .order_by("created_at", "pk")
    )


def organisations_coordinated(user: Requester) -> QuerySet[Organisation]:
    """The organisations whose lending the user runs (that have items, for administrators)."""
    if is_administrator(user):
        return Organisation.objects.filter(items__isnull=False).distinct()
    organisation = user.organisation if isinstance(user, User) else None
    if organisation is None or not may_run_lending(user, organisation):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=organisation.pk)


def helpers_choosable_by(user: User, reservation: Reservation) -> QuerySet[Organisation]:
    """The organisations a coordinator may ask to deliver or collect the booked item: any
    organisation (a parish council, a befriending group) for the item's coordinators; none for
    anyone else."""
    if not may_coordinate_reservation(user, reservation):
        return Organisation.objects.none()
    return Organisation.objects.order_by("name")


def service_providers_choosable(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisations an item may be serviced by: any other organisation (a local garage)."""
    return Organisation.objects.exclude(pk=organisation.pk).order_by("name")


def items_serviced_by(organisation: Organisation) -> QuerySet[Item]:
    """The items an organisation services for others (a local garage's scooters), with the
    lender, for its page of things to service."""
    return (
        Item.objects.filter(service_provider=organisation, is_retired=False)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def lends_anything(organisation: Organisation) -> bool:
    """Whether the organisation has any items to lend (retired ones included)."""
    return organisation.items.exists()


def dashboard(organisation: Organisation, today: date) -> dict[str, Any]:
    """What a coordinator acts on: loans out, overdue and due back, bookings going out, servicing
    due in the next fortnight, the waiting list and the errands not yet done."""
    items = list(organisation.items.filter(is_retired=False))
    active = Reservation.objects.filter(item__organisation=organisation).select_related("item")
    out = active.filter(status=Reservation.Status.OUT).order_by("ends_on")
    servicing = sorted(
        (
            (item, due)
            for item in items
            if (due := servicing_due_on(item)) is not None and due <= today + timedelta(days=14)
        ),
        key=lambda pair: pair[1],
    )
    return {
        "items": items,
        "out": out,
        "overdue": [r for r in out if r.ends_on < today],
        "due_back": [r for r in out if today <= r.ends_on <= today + timedelta(days=7)],
        "starting": active.filter(
            status=Reservation.Status.RESERVED, starts_on__lte=today + timedelta(days=7)
        ).order_by("starts_on"),
        "servicing": servicing,
        "waiting": WaitingListEntry.objects.filter(organisation=organisation, resolved_at__isnull=True),
        "errands": Errand.objects.filter(
            reservation__item__organisation=organisation, done_at__isnull=True
        ).select_related("reservation__item", "helper"),
    }


def usage(organisation: Organisation, today: date) -> dict[str, Any]:
    """Loans each month for a year (by the day they went out), days on loan, and people helped."""
    since = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    loans = Reservation.objects.filter(
        item__organisation=organisation,
        status__in=[Reservation.Status.OUT, Reservation.Status.RETURNED],
        starts_on__gte=since,
    )
    per_month: dict[date, dict[str, Any]] = {}
    for loan in loans:
        month = loan.starts_on.replace(day=1)
        row = per_month.setdefault(month, {"month": month, "loans": 0, "days": 0})
        row["loans"] += 1
        row["days"] += (min(loan.ends_on, today) - loan.starts_on).days + 1
    people = {(loan.borrower_id or loan.borrower_contact.lower()) for loan in loans}
    return {
        "per_month": [per_month[m] for m in sorted(per_month)],
        "loans": len(loans),
        "days": sum(row["days"] for row in per_month.values()),
        "people": len(people),
    }


def calendar_for(item: Item, today: date) -> QuerySet[Reservation]:
    """The item's current and coming bookings."""
    return item.reservations.filter(
        status__in=Reservation.ACTIVE, ends_on__gte=today - timedelta(days=60)
    ).order_by("starts_on")


def errands_for(user: Requester) -> QuerySet[Errand]:
    """Errands given to the user's organisation (a helper such as the parish council)."""
    if not isinstance(user, User) or not is_signed_in(user) or user.organisation_id is None:
        return Errand.objects.none()
    return (
        Errand.objects.filter(helper_id=user.organisation_id)
        .select_related("reservation__item")
        .order_by("done_at", "on")
    )
