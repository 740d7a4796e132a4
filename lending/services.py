"""Lending actions: residents asking to borrow (and coordinators accepting or declining), reserving
without double-booking, lending (never while servicing is overdue), returning, extending,
servicing, errands and the waiting list. One transaction each; refusals name the field. A
resident's request and its answers are audited, and the borrower emailed once the answer is saved."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.permissions import is_signed_in
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal

from .models import Errand, Item, Reservation, ServiceRecord, WaitingListEntry
from .permissions import may_coordinate_item, may_mark_errand_done, may_run_lending, may_service_item

MAX_LOAN_DAYS = 92
MAX_OPEN_REQUESTS = 5  # requests one person may have waiting for an answer at once


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


def _check_days(item: Item, starts_on: date, ends_on: date, today: date, *, longest: int) -> None:
    """Refuse days in the past, an end before the start, a loan longer than ``longest`` days, and
    an item no longer lent."""
    if starts_on < today:
        raise Refusal("A reservation cannot start in the past.", field="starts_on")
    if ends_on < starts_on:
        raise Refusal("The end date must be on or after the start date.", field="ends_on")
    if (ends_on - starts_on).days + 1 > longest:
        raise Refusal(f"A loan can be at most {longest} days: extend it later if needed.", field="ends_on")
    if item.is_retired:
        raise Refusal(f"{item} is no longer lent.", field="item")


def _refuse_clash(item: Item, starts_on: date, ends_on: date, exclude: Reservation | None = None) -> None:
    clash = _overlapping(item, starts_on, ends_on, exclude=exclude).first()
    if clash is not None:
        booked = f"{clash.starts_on:%-d %b} to {clash.ends_on:%-d %b}"
        raise Refusal(f"{item} is booked {booked}: choose other days.", field="starts_on")


def longest_loan(item: Item) -> int:
    """The most days a resident may ask for the item: its own limit, never past the scheme's."""
    return min(item.longest_loan_days or MAX_LOAN_DAYS, MAX_LOAN_DAYS)


def _tell_borrower(reservation: Reservation, subject: str, template: str) -> None:
    """Email the borrower's account once the change is saved (never a contact typed on the form:
    it may be a phone number)."""
    borrower = reservation.borrower
    if borrower is None or not borrower.email:
        return
    body = render_to_string(template, {"loan": reservation, "borrower": borrower})
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [borrower.email]))


@transaction.atomic
def ask_to_borrow(
    user: User, item: Item, *, starts_on: date, ends_on: date, contact: str, note: str = ""
) -> Reservation:
    """A signed-in person asks to borrow an item for some days. Their name comes from their
    account. The request holds no days until the item's coordinators accept it; days already
    booked are refused now, so no one asks for what they cannot have."""
    if not isinstance(user, User) or not is_signed_in(user):
        raise NotPermitted("Sign in to ask to borrow something.")
    item = Item.objects.select_for_update().select_related("organisation").get(pk=item.pk)
    _check_days(item, starts_on, ends_on, timezone.localdate(), longest=longest_loan(item))
    if item.condition == Item.Condition.NEEDS_REPAIR:
        raise Refusal(f"{item} is being repaired: ask again when it is back.", field="starts_on")
    contact = (contact or "").strip()
    if not contact:
        raise Refusal("Give a phone number or email address.", field="contact")
    _refuse_clash(item, starts_on, ends_on)
    asked = item.reservations.filter(
        borrower=user, status=Reservation.Status.REQUESTED, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if asked.exists():
        raise Refusal("You have already asked for it on some of these days.", field="starts_on")
    waiting = Reservation.objects.filter(borrower=user, status=Reservation.Status.REQUESTED)
    if waiting.count() >= MAX_OPEN_REQUESTS:
        raise Refusal(
            f"You have {MAX_OPEN_REQUESTS} requests waiting for an answer: withdraw one to ask for more.",
            field="starts_on",
        )
    reservation = Reservation.objects.create(
        item=item,
        borrower=user,
        borrower_name=(user.full_name or user.email).strip()[:200],
        borrower_contact=contact,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
        status=Reservation.Status.REQUESTED,
        created_by=user,
    )
    record_audit_event(user, AuditEvent.Action.CREATE, reservation, note="Asked to borrow an item.")
    return reservation


def _locked_request(reservation: Reservation) -> Reservation:
    # Only the reservation's row is locked: PostgreSQL locks no row on the nullable side of the
    # outer join to the borrower.
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("item__organisation", "borrower")
        .get(pk=reservation.pk)
    )


@transaction.atomic
def accept_request(user: User, reservation: Reservation) -> Reservation:
    """A coordinator accepts a request: it becomes a booking, with every check a booking has (no
    days in the past, none already booked: the item's row is locked, and on PostgreSQL the
    database refuses an overlap too). The borrower is emailed."""
    item = Item.objects.select_for_update().get(pk=reservation.item_id)
    reservation = _locked_request(reservation)
    _coordinator_only(user, item)
    if reservation.status != Reservation.Status.REQUESTED:
        raise Refusal(f"This request is already answered: it is {reservation.get_status_display().lower()}.")
    _check_days(item, reservation.starts_on, reservation.ends_on, timezone.localdate(), longest=MAX_LOAN_DAYS)
    _refuse_clash(item, reservation.starts_on, reservation.ends_on, exclude=reservation)
    reservation.status = Reservation.Status.RESERVED
    try:
        with transaction.atomic():
            reservation.save(update_fields=["status"])
    except IntegrityError:  # PostgreSQL's exclusion constraint: booked meanwhile
        raise Refusal(f"{item} has just been booked for some of these days.", field="starts_on") from None
    record_audit_event(user, AuditEvent.Action.UPDATE, reservation, note="Accepted a request to borrow.")
    _tell_borrower(reservation, f"Yes: {item.name} is booked for you", "lending/email/accepted.txt")
    return reservation


@transaction.atomic
def decline_request(user: User, reservation: Reservation, reason: str) -> Reservation:
    """A coordinator declines a request, saying why; the borrower is emailed the reason."""
    reservation = _locked_request(reservation)
    _coordinator_only(user, reservation.item)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("Say why, for the borrower.", field="reason")
    if reservation.status != Reservation.Status.REQUESTED:
        raise Refusal(f"This request is already answered: it is {reservation.get_status_display().lower()}.")
    reservation.status, reservation.declined_reason = Reservation.Status.DECLINED, reason[:500]
    reservation.save(update_fields=["status", "declined_reason"])
    record_audit_event(user, AuditEvent.Action.UPDATE, reservation, note="Declined a request to borrow.")
    _tell_borrower(
        reservation, f"About your request to borrow {reservation.item.name}", "lending/email/declined.txt"
    )
    return reservation


@transaction.atomic
def withdraw(user: User, reservation: Reservation) -> Reservation:
    """The borrower withdraws their request, or cancels their booking before it is lent. Anyone
    else is answered as if it did not exist."""
    reservation = _locked_request(reservation)
    if not isinstance(user, User) or not is_signed_in(user) or reservation.borrower_id != user.pk:
        raise NotVisible()
    if reservation.status not in (Reservation.Status.REQUESTED, Reservation.Status.RESERVED):
        raise Refusal("Only a request, or a booking not yet lent, can be cancelled.")
    reservation.status = Reservation.Status.CANCELLED
    reservation.save(update_fields=["status"])
    record_audit_event(user, AuditEvent.Action.UPDATE, reservation, note="The borrower cancelled.")
    return reservation


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
    _check_days(item, starts_on, ends_on, today, longest=MAX_LOAN_DAYS)
    name = (borrower.full_name if borrower else (name or "")).strip()
    contact = (contact or (borrower.email if borrower else "")).strip()
    if not name:
        raise Refusal("Enter the borrower's name.", field="name")
    if not contact:
        raise Refusal("Give a phone number or email address for the borrower.", field="contact")
    _refuse_clash(item, starts_on, ends_on)
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
    "longest_loan_days",
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
    longest = details.get("longest_loan_days")
    if longest is not None and not 1 <= longest <= MAX_LOAN_DAYS:
        raise Refusal(f"Give 1 to {MAX_LOAN_DAYS} days, or leave it empty.", field="longest_loan_days")
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
