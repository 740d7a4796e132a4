"""Lending actions: reserving without double-booking, lending (never while servicing is overdue),
returning, extending, servicing, errands and the waiting list. One transaction each; refusals
name the field."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, Role, User

from .models import Errand, Item, Reservation, ServiceRecord, WaitingListEntry

MAX_LOAN_DAYS = 92


def coordinates(user: User, organisation: Organisation) -> bool:
    """Whether the user runs this organisation's lending (its editors; administrators)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.ORGANISATION_EDITOR and user.organisation_id == organisation.pk


def _coordinator_only(user: User, item: Item) -> None:
    if not coordinates(user, item.organisation):
        raise ValidationError(f"Only {item.organisation}'s lending coordinators can do this.")


def servicing_due_on(item: Item) -> date | None:
    """The day the item's next service is due (it may be today or past), or None if none is."""
    dates = []
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
    due = servicing_due_on(item)
    return due is not None and due <= today


def _overlapping(item: Item, starts_on: date, ends_on: date, exclude=None):
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
    name="",
    contact="",
) -> Reservation:
    """Book an item for someone. Never two overlapping bookings of one item: the item's row is
    locked while the calendar is checked (and on PostgreSQL the database refuses it too)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _coordinator_only(user, item)
    today = timezone.localdate()
    if starts_on < today:
        raise ValidationError({"starts_on": "A reservation cannot start in the past."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if (ends_on - starts_on).days + 1 > MAX_LOAN_DAYS:
        raise ValidationError(
            {"ends_on": f"A loan can be at most {MAX_LOAN_DAYS} days: extend it later if needed."}
        )
    if item.is_retired:
        raise ValidationError({"item": f"{item} is no longer lent."})
    name = (borrower.full_name if borrower else (name or "")).strip()
    contact = (contact or (borrower.email if borrower else "")).strip()
    if not name:
        raise ValidationError({"name": "Enter the borrower's name."})
    if not contact:
        raise ValidationError({"contact": "Give a phone number or email address for the borrower."})
    clash = _overlapping(item, starts_on, ends_on).first()
    if clash is not None:
        booked = f"{clash.starts_on:%-d %b} to {clash.ends_on:%-d %b}"
        raise ValidationError({"starts_on": f"{item} is booked {booked}: choose other days."})
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
        raise ValidationError({"starts_on": f"{item} has just been booked for some of these days."}) from None


@transaction.atomic
def cancel(user: User, reservation: Reservation) -> Reservation:
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    _coordinator_only(user, reservation.item)
    if reservation.status != Reservation.Status.RESERVED:
        raise ValidationError(
            f"Only a reservation not yet lent can be cancelled; this one is {reservation.status}."
        )
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
        raise ValidationError(f"This reservation is {reservation.get_status_display().lower()}.")
    if servicing_overdue(item, today):
        raise ValidationError(
            {
                "condition": f"{item} is due a service (since {servicing_due_on(item):%-d %B %Y}): "
                "it cannot be lent until the service is recorded."
            }
        )
    if item.reservations.filter(status=Reservation.Status.OUT).exists():
        raise ValidationError({"condition": f"{item} is still out on another loan."})
    if condition not in Item.Condition.values:
        raise ValidationError({"condition": "Note the item's condition."})
    if condition == Item.Condition.NEEDS_REPAIR:
        raise ValidationError({"condition": "An item that needs repair cannot be lent."})
    if not agreement_signed:
        raise ValidationError({"agreement_signed": "The borrower must sign the loan agreement."})
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
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    _coordinator_only(user, reservation.item)
    if reservation.status != Reservation.Status.OUT:
        raise ValidationError("Only an item on loan can be taken back.")
    if condition not in Item.Condition.values:
        raise ValidationError({"condition": "Note the item's condition."})
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
    reservation = (
        Reservation.objects.select_for_update().select_related("item__organisation").get(pk=reservation.pk)
    )
    item = Item.objects.select_for_update().get(pk=reservation.item_id)
    _coordinator_only(user, item)
    if reservation.status not in Reservation.ACTIVE:
        raise ValidationError("Only a current reservation or loan can be extended.")
    if new_end <= reservation.ends_on:
        raise ValidationError({"ends_on": "The new end date must be after the current one."})
    if (new_end - reservation.starts_on).days + 1 > MAX_LOAN_DAYS:
        raise ValidationError({"ends_on": f"A loan can be at most {MAX_LOAN_DAYS} days."})
    clash = _overlapping(item, reservation.ends_on, new_end, exclude=reservation).first()
    if clash is not None:
        raise ValidationError(
            {"ends_on": f"{item} is booked from {clash.starts_on:%-d %B}: extend to the day before at most."}
        )
    reservation.ends_on = new_end
    reservation.save(update_fields=["ends_on"])
    return reservation


def may_service(user: User, item: Item) -> bool:
    """The item's service provider's staff, or its coordinators, record services."""
    if coordinates(user, item.organisation):
        return True
    return (
        user.is_authenticated
        and item.service_provider_id is not None
        and user.organisation_id == item.service_provider_id
    )


@transaction.atomic
def record_service(user: User, item: Item, serviced_on: date, notes: str = "") -> ServiceRecord:
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not may_service(user, item):
        raise ValidationError(f"Only {item}'s service provider or coordinators record its services.")
    if serviced_on > timezone.localdate():
        raise ValidationError({"serviced_on": "The service date cannot be in the future."})
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
    _coordinator_only(user, reservation.item)
    if kind not in Errand.Kind.values:
        raise ValidationError({"kind": "Choose a delivery or a collection."})
    if on < timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the past."})
    if not (address or "").strip():
        raise ValidationError({"address": "Enter the address."})
    return Errand.objects.create(
        reservation=reservation, kind=kind, helper=helper, on=on, address=address.strip()
    )


@transaction.atomic
def errand_done(user: User, errand: Errand) -> Errand:
    if not (
        user.is_authenticated
        and (
            user.organisation_id == errand.helper_id
            or coordinates(user, errand.reservation.item.organisation)
        )
    ):
        raise ValidationError("Only the helper organisation or the coordinators mark an errand done.")
    errand.done_at, errand.done_by = timezone.now(), user
    errand.save(update_fields=["done_at", "done_by"])
    return errand


@transaction.atomic
def join_waiting_list(
    user: User, organisation: Organisation, *, kind: str, name: str, contact: str, wanted_from: date, notes=""
):
    if not coordinates(user, organisation):
        raise ValidationError(f"Only {organisation}'s lending coordinators keep its waiting list.")
    if not (name or "").strip():
        raise ValidationError({"name": "Enter their name."})
    if not (contact or "").strip():
        raise ValidationError({"contact": "Give a phone number or email address."})
    return WaitingListEntry.objects.create(
        organisation=organisation,
        kind=kind.strip(),
        name=name.strip(),
        contact=contact.strip(),
        wanted_from=wanted_from,
        notes=(notes or "").strip(),
    )
