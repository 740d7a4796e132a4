"""Lending actions: reserving without double-booking, lending (never while servicing is overdue),
returning, extending, servicing, errands and the waiting list. One transaction each; refusals
name the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from common.errors import NotPermitted, NotVisible, Refusal

from .models import Errand, Item, Reservation, ServiceRecord, WaitingListEntry
from .permissions import may_coordinate_item, may_mark_errand_done, may_run_lending, may_service_item

MAX_LOAN_DAYS = 92


def _coordinator_only(user: User, item: Item) -> None:
    """Refuse unless the user coordinates the lending of ``item``."""
    if not may_coordinate_item(user, item):
        raise NotPermitted(f"Only {item.organisation}'s lending coordinators can do this.")


def servicing_due_on(item: Item) -> date | None:
    """The day the item's next service is due (it may be today or past), or None if none is."""
    dates: list[date] = []
    if item.service_every_months:
        base = item.last_serviced_on or item.created_at.date()
        dates.append(base + relativedelta(months=item.service_every_months))
    if item.service_after_each_loan:
        returned = item.reservations.filter(status=Reservation.Status.RETURNED)
        if item.last_serviced_on:
            returned = returned.filter(
                returned_at__date__gt=item.last_serviced_on
            )  # a same-day service covers it
        last = returned.order_by("-returned_at").values_list("returned_at", flat=True).first()
        if last is not None:
            dates.append(timezone.localtime(last).date())
    return min(dates) if dates else None


def servicing_overdue(item: Item, today: date) -> bool:
    """Whether the item's service was due on or before ``today`` and is not yet recorded."""
    due = servicing_due_on(item)
    return due is not None and due <= today


def _overlapping(
    item: Item, starts_on: date, ends_on: date, exclude: Reservation | None = None
) -> QuerySet[Reservation]:
    """The item's current bookings that share a day with ``starts_on`` to ``ends_on``."""
    clash = item.reservations.filter(
        status__in=Reservation.ACTIVE, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    return clash.exclude(pk=exclude.pk) if exclude is not None else clash


@transaction.atomic
def reserve(
    user: User,
    item: Item,
    *,
    starts_on: date,
    ends_on: date,
    borrower: User | None = None,
    name: str = "",
    contact: str = "",
) -> Reservation:
    """Book an item for someone. Never two overlapping bookings of one item: the item's row is
    locked while the calendar is checked (and on PostgreSQL the database refuses it too)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _coordinator_only(user, item)
    today = timezone.localdate()
    if starts_on < today:
        raise Refusal("A reservation cannot start in the past.", field="starts_on")
    if ends_on < starts_on:
        raise Refusal("The end date must be on or after the start date.", field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_LOAN_DAYS:
        raise Refusal(
            f"A loan can be at most {MAX_LOAN_DAYS} days: extend it later if needed.", field="ends_on"
        )
    if item.is_retired:
        raise Refusal(f"{item} is no longer lent.", field="item")
    name = (borrower.full_name if borrower else (name or "")).strip()
    contact = (contact or (borrower.email if borrower else "")).strip()
    if not name:
        raise Refusal("Enter the borrower's name.", field="name")
    if not contact:
        raise Refusal("Give a phone number or email address for the borrower.", field="contact")
    clash = _overlapping(item, starts_on, ends_on).first()
    if clash is not None:
        booked = f"{clash.starts_on:%-d %b} to {clash.ends_on:%-d %b}"
        raise Refusal(f"{item} is booked {booked}: choose other days.", field="starts_on")
    try:
        with transaction.atomic():
            return Reservation.objects.create(
                item=item,
                borrower=borrower,
                borrower_name=name,
                borrower_contact=contact,
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=user,
            )
    except IntegrityError:  # PostgreSQL's exclusion constraint: someone booked these days meanwhile
        raise Refusal(f"{item} has just been booked for some of these days.", field="starts_on") from None


@transaction.atomic
def cancel(user: User, reservation: Reservation) -> Reservation:
    """Cancel a booking not yet lent."""
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    _coordinator_only(user, reservation.item)
    if reservation.status != Reservation.Status.RESERVED:
        raise Refusal(f"Only a reservation not yet lent can be cancelled; this one is {reservation.status}.")
    reservation.status = Reservation.Status.CANCELLED
    reservation.save(update_fields=["status"])
    return reservation


@transaction.atomic
def lend(user: User, reservation: Reservation, *, condition: str, agreement_signed: bool) -> Reservation:
    """Check an item out: its condition noted and the loan agreement signed. Refused while the
    item's servicing is overdue."""
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    item = reservation.item
    _coordinator_only(user, item)
    today = timezone.localdate()
    if reservation.status != Reservation.Status.RESERVED:
        raise Refusal(f"This reservation is {reservation.get_status_display().lower()}.")
    due = servicing_due_on(item)
    if due is not None and due <= today:  # servicing_overdue, with the day it fell due
        raise Refusal(
            f"{item} is due a service (since {due:%-d %B %Y}): "
            "it cannot be lent until the service is recorded.",
            field="condition",
        )
    if item.reservations.filter(status=Reservation.Status.OUT).exists():
        raise Refusal(f"{item} is still out on another loan.", field="condition")
    if condition not in Item.Condition.values:
        raise Refusal("Note the item's condition.", field="condition")
    if condition == Item.Condition.NEEDS_REPAIR:
        raise Refusal("An item that needs repair cannot be lent.", field="condition")
    if not agreement_signed:
        raise Refusal("The borrower must sign the loan agreement.", field="agreement_signed")
    if reservation.starts_on > today:
        reservation.starts_on = today  # collected early: the loan starts today
    reservation.status, reservation.condition_out = Reservation.Status.OUT, condition
    reservation.agreement_signed, reservation.out_at = True, timezone.now()
    reservation.save()
    item.condition = condition
    item.save(update_fields=["condition"])
    return reservation


@transaction.atomic
def take_back(user: User, reservation: Reservation, *, condition: str) -> Reservation:
    """The item comes back: its condition noted, and the days after an early return freed."""
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    _coordinator_only(user, reservation.item)
    if reservation.status != Reservation.Status.OUT:
        raise Refusal("Only an item on loan can be taken back.")
    if condition not in Item.Condition.values:
        raise Refusal("Note the item's condition.", field="condition")
    today = timezone.localdate()
    reservation.status, reservation.condition_in, reservation.returned_at = (
        Reservation.Status.RETURNED,
        condition,
        timezone.now(),
    )
    if reservation.ends_on > today:
        reservation.ends_on = max(today, reservation.starts_on)  # back early: free the days after
    reservation.save()
    Item.objects.filter(pk=reservation.item_id).update(condition=condition)
    return reservation


@transaction.atomic
def extend(user: User, reservation: Reservation, new_end: date) -> Reservation:
    """Keep a booking or loan longer, up to the day before the item's next booking."""
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    item = Item.objects.select_for_update().get(pk=reservation.item_id)
    _coordinator_only(user, item)
    if reservation.status not in Reservation.ACTIVE:
        raise Refusal("Only a current reservation or loan can be extended.")
    if new_end <= reservation.ends_on:
        raise Refusal("The new end date must be after the current one.", field="ends_on")
    if (new_end - reservation.starts_on).days + 1 > MAX_LOAN_DAYS:
        raise Refusal(f"A loan can be at most {MAX_LOAN_DAYS} days.", field="ends_on")
    clash = _overlapping(item, reservation.ends_on, new_end, exclude=reservation).first()
    if clash is not None:
        raise Refusal(
            f"{item} is booked from {clash.starts_on:%-d %B}: extend to the day before at most.",
            field="ends_on",
        )
    reservation.ends_on = new_end
    reservation.save(update_fields=["ends_on"])
    return reservation


@transaction.atomic
def record_service(user: User, item: Item, serviced_on: date, notes: str = "") -> ServiceRecord:
    """The service provider (or a coordinator) records a service; the item may be lent again."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not may_service_item(user, item):
        raise NotPermitted(f"Only {item}'s service provider or coordinators record its services.")
    if serviced_on > timezone.localdate():
        raise Refusal("The service date cannot be in the future.", field="serviced_on")
    record = ServiceRecord.objects.create(
        item=item,
        serviced_on=serviced_on,
        provider=item.service_provider,
        notes=(notes or "").strip(),
        recorded_by=user,
    )
    if item.last_serviced_on is None or serviced_on >= item.last_serviced_on:
        item.last_serviced_on = serviced_on
        if item.condition == Item.Condition.NEEDS_REPAIR:
            item.condition = Item.Condition.GOOD
        item.save(update_fields=["last_serviced_on", "condition"])
    return record


@transaction.atomic
def arrange_errand(
    user: User, reservation: Reservation, *, kind: str, helper: Organisation, on: date, address: str
) -> Errand:
    """Ask an organisation (the helper) to deliver the item to the borrower or collect it."""
    _coordinator_only(user, reservation.item)
    if kind not in Errand.Kind.values:
        raise Refusal("Choose a delivery or a collection.", field="kind")
    if on < timezone.localdate():
        raise Refusal("The date cannot be in the past.", field="on")
    if not (address or "").strip():
        raise Refusal("Enter the address.", field="address")
    return Errand.objects.create(
        reservation=reservation, kind=kind, helper=helper, on=on, address=address.strip()
    )


@transaction.atomic
def errand_done(user: User, errand: Errand) -> Errand:
    """The helper (or a coordinator) marks a delivery or collection done. Anyone else is answered
    as if the errand did not exist: it names the borrower and their address."""
    if not may_mark_errand_done(user, errand):
        raise NotVisible()
    errand.done_at, errand.done_by = timezone.now(), user
    errand.save(update_fields=["done_at", "done_by"])
    return errand


@transaction.atomic
def join_waiting_list(
    user: User,
    organisation: Organisation,
    *,
    kind: str,
    name: str,
    contact: str,
    wanted_from: date,
    notes: str = "",
) -> WaitingListEntry:
    """A coordinator puts someone on the waiting list for a kind of item."""
    if not may_run_lending(user, organisation):
        raise NotPermitted(f"Only {organisation}'s lending coordinators keep its waiting list.")
    if not (name or "").strip():
        raise Refusal("Enter their name.", field="name")
    if not (contact or "").strip():
        raise Refusal("Give a phone number or email address.", field="contact")
    return WaitingListEntry.objects.create(
        organisation=organisation,
        kind=kind.strip(),
        name=name.strip(),
        contact=contact.strip(),
        wanted_from=wanted_from,
        notes=(notes or "").strip(),
    )


ITEM_FIELDS = (
    "name",
    "kind",
    "description",
    "donated_by",
    "kept_at",
    "condition",
    "service_every_months",
    "service_after_each_loan",
    "service_provider",
    "last_serviced_on",
    "is_retired",
)


@transaction.atomic
def save_item(user: User, organisation: Organisation, item: Item | None, details: dict[str, Any]) -> Item:
    """A lending coordinator adds an item to their organisation's lending, or changes one of its
    items (another organisation's item is answered as if it did not exist)."""
    if not may_run_lending(user, organisation):
        raise NotPermitted(f"Only {organisation}'s lending coordinators can do this.")
    if item is not None:
        # Read again, locked: a bound form has already set its fields on the object it was given.
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.organisation_id != organisation.pk:
            raise NotVisible()
    unknown = set(details) - set(ITEM_FIELDS)
    if unknown:
        raise Refusal(f"An item has no {', '.join(sorted(unknown))}.")
    months = details.get("service_every_months")
    if months is not None and not 1 <= months <= 60:
        raise Refusal("Service it every 1 to 60 months, or leave it empty.", field="service_every_months")
    serviced = details.get("last_serviced_on")
    if serviced is not None and serviced > timezone.localdate():
        raise Refusal("The last service cannot be in the future.", field="last_serviced_on")
    retiring = item is not None and details.get("is_retired") and not item.is_retired
    if retiring and item is not None and _overlapping(item, timezone.localdate(), date.max).exists():
        raise Refusal(
            "It is booked or out on loan: cancel or take back its bookings before retiring it.",
            field="is_retired",
        )
    item = item or Item(organisation=organisation)
    for name, value in details.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    item.save()
    return item
