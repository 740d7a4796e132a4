"""After the award: the offer, its acceptance with the bank account, payments in tranches approved by
a second person, monitoring returns with their photos, and the link to the funded group's listing.

Each action is one transaction, with the grant's row locked first where two people may act at once
(two officers setting up tranches that together would pass the grant; two approvals of one
payment; an applicant accepting twice); refusals are ``Refusal``s naming the field and write
nothing; ``NotPermitted`` when the requester may not do it at all. Every change is audited against
the grant, payment or return; emails go after the commit. The bank account is entered once, at
acceptance, and never shown again but masked (``Grant.masked_account``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal
from common.money import pounds
from directory.models import Service

from . import award_selectors as selectors
from .assessment_services import not_their_own
from .models import Grant, MonitoringReturn, Payment, ReturnPhoto
from .services import MOST_PENCE, _pence, _text
from .services import _email as _email_applicant

MOST_PHOTOS = 3
MOST_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Past this many pixels a "photo" is a decompression bomb, not a picture of a lunch club.
MOST_PIXELS = 40_000_000
MOST_PEOPLE = 1_000_000


def _locked(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update()
        .select_related("application", "application__round", "application__round__fund")
        .get(pk=grant.pk)
    )


def _officer(user: Requester, grant: Grant) -> User:
    if not selectors.is_grant_officer(user, grant):
        raise NotPermitted(f"Only {grant.application.round.fund}'s fund officers can do this.")
    not_their_own(user, grant.application)  # no officer pays their own grant
    assert isinstance(user, User)
    return user


def _grantee(user: Requester, grant: Grant) -> User:
    if not selectors.is_grantee(user, grant):
        raise NotPermitted("Only the applicant can do this.")
    assert isinstance(user, User)
    return user


def _email(grant: Grant, subject: str, template: str, **extra: Any) -> None:
    address = grant.application.contact_email
    if not address:  # the contact was erased: nobody to write to
        return
    _email_applicant(address, subject, template, grant.application, grant=grant, **extra)


# The offer and its acceptance


@transaction.atomic
def send_offer(user: Requester, grant: Grant, *, link: str = "") -> Grant:
    """A fund officer sends the offer letter: the applicant is emailed a link to read and accept it.
    Sending again (before acceptance) emails it again, keeping the first time it was sent."""
    _officer(user, grant)
    locked = _locked(grant)
    if locked.accepted_at is not None:
        raise Refusal("The offer is accepted already.")
    if locked.offer_sent_at is None:
        locked.offer_sent_at = timezone.now()
        locked.save(update_fields=["offer_sent_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="offer sent")
    _email(
        locked, f"Your grant offer from {locked.application.round.fund}", "grants/email/offer.txt", link=link
    )
    return locked


@dataclass(frozen=True)
class BankAccount:
    """As typed: the sort code and account number may hold spaces or dashes."""

    name: str
    sort_code: str
    account_number: str


def _digits(value: Any, field: str, label: str, length: int) -> str:
    text = re.sub(r"[\s-]", "", value) if isinstance(value, str) else ""
    if not text:
        raise Refusal(f"Enter the {label}.", field=field)
    if not (text.isascii() and text.isdigit() and len(text) == length):
        raise Refusal(f"The {label} must be {length} digits.", field=field)
    return text


@transaction.atomic
def accept_grant(user: Requester, grant: Grant, *, conditions_agreed: bool, account: BankAccount) -> Grant:
    """The applicant accepts the offer once: they agree to its conditions and give the bank account
    the grant is paid into. The monitoring returns are scheduled from the planned dates (from today
    when the planned start has passed)."""
    accepter = _grantee(user, grant)
    locked = _locked(grant)
    if locked.offer_sent_at is None:
        raise Refusal("The offer has not been sent yet.")
    if locked.accepted_at is not None:
        raise Refusal("The offer is accepted already.")
    checks = {
        "account_name": lambda: _text(account.name, "account_name", "name on the account", most=200),
        "sort_code": lambda: _digits(account.sort_code, "sort_code", "sort code", 6),
        "account_number": lambda: _digits(account.account_number, "account_number", "account number", 8),
    }
    problems: dict[str, str] = {}
    if conditions_agreed is not True:
        problems["conditions_agreed"] = "Confirm that you accept the grant and its conditions."
    checked: dict[str, str] = {}
    for field, check in checks.items():  # every problem at once, each on its field
        try:
            checked[field] = check()
        except Refusal as error:
            problems[field] = error.message_dict[field][0]
    if problems:
        raise Refusal(problems)
    locked.accepted_at = timezone.now()
    locked.accepted_by = accepter
    locked.accepted_by_name = accepter.get_full_name() or accepter.email
    locked.bank_account_name = checked["account_name"]
    locked.bank_sort_code = checked["sort_code"]
    locked.bank_account_number = checked["account_number"]
    locked.save(
        update_fields=[
            "accepted_at",
            "accepted_by",
            "accepted_by_name",
            "bank_account_name",
            "bank_sort_code",
            "bank_account_number",
        ]
    )
    MonitoringReturn.objects.bulk_create(
        MonitoringReturn(grant=locked, due_on=due_on, is_final=is_final)
        for due_on, is_final in selectors.monitoring_schedule(
            locked.planned_start, locked.planned_end, accepted_on=timezone.localdate()
        )
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="offer accepted")
    return locked


# Payments


@transaction.atomic
def set_up_payment(user: Requester, grant: Grant, *, amount_pence: int, due_on: date) -> Payment:
    """A fund officer sets up a tranche, once the grant is accepted. The grant's row is locked, so
    two tranches set up at once cannot together pay more than the grant."""
    officer = _officer(user, grant)
    locked = _locked(grant)
    if locked.accepted_at is None:
        raise Refusal("Payments can be set up only once the applicant has accepted the grant.")
    amount = _pence(amount_pence, "amount", "amount")
    if not isinstance(due_on, date):
        raise Refusal("Enter the date the payment is due.", field="due_on")
    left = locked.amount_pence - selectors.paid_and_promised(locked)
    if amount > left:
        raise Refusal(
            f"The payments together may not pass the grant of {pounds(locked.amount_pence)}: "
            f"{pounds(left)} is left to set up.",
            field="amount",
        )
    position = locked.payments.count() + 1
    payment = Payment.objects.create(
        grant=locked, position=position, amount_pence=amount, due_on=due_on, set_up_by=officer
    )
    record_audit_event(user, AuditEvent.Action.CREATE, payment, note="payment set up")
    return payment


def _locked_payment(payment: Payment) -> Payment:
    _locked(payment.grant)
    return Payment.objects.select_for_update().select_related("grant").get(pk=payment.pk)


@transaction.atomic
def approve_payment(user: Requester, payment: Payment) -> Payment:
    """A second fund officer approves a tranche: never the one who set it up (the database refuses
    that too), so no one person can send the fund's money."""
    officer = _officer(user, payment.grant)
    locked = _locked_payment(payment)
    if locked.approved_at is not None:
        raise Refusal("This payment is approved already.")
    if locked.set_up_by_id == officer.pk:
        raise Refusal(
            "You set up this payment, so another of the fund's officers must approve it: "
            "a second person checks every payment."
        )
    locked.approved_by = officer
    locked.approved_at = timezone.now()
    locked.save(update_fields=["approved_by", "approved_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="payment approved")
    return locked


@transaction.atomic
def record_payment(user: Requester, payment: Payment, *, paid_on: date, reference: str) -> Payment:
    """A fund officer records an approved tranche as paid, with the finance system's reference."""
    _officer(user, payment.grant)
    locked = _locked_payment(payment)
    if locked.approved_at is None:
        raise Refusal("A payment can be recorded as paid only once a second officer has approved it.")
    if locked.paid_on is not None:
        raise Refusal("This payment is recorded as paid already.")
    if not isinstance(paid_on, date):
        raise Refusal("Enter the date it was paid.", field="paid_on")
    if paid_on > timezone.localdate():
        raise Refusal("The date it was paid cannot be in the future.", field="paid_on")
    approved_on = timezone.localdate(locked.approved_at)
    if paid_on < approved_on:
        raise Refusal(
            f"It was approved on {approved_on:%-d %B %Y}: the date it was paid cannot be before that.",
            field="paid_on",
        )
    locked.paid_on = paid_on
    locked.reference = _text(reference, "reference", "finance reference", most=100)
    locked.save(update_fields=["paid_on", "reference"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="payment recorded as paid")
    _email(locked.grant, "A payment of your grant is on its way", "grants/email/paid.txt", payment=locked)
    return locked


# Monitoring returns


@dataclass(frozen=True)
class Photo:
    """A photo as uploaded, with the words describing it."""

    data: bytes
    description: str


@dataclass(frozen=True)
class ReturnAnswers:
    what_happened: str = ""
    people_reached: int | None = None
    spend_pence: int | None = None
    photos: tuple[Photo, ...] = ()


def clean_photo(data: bytes, field: str = "photo") -> tuple[bytes, str]:
    """The photo re-drawn from its pixels as JPEG or PNG, so nothing else it carried (GPS position,
    camera, date, comments) is kept; refused unless it really is a JPEG or PNG of at most 5 MB."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MOST_PHOTO_BYTES:
        raise Refusal("Each photo must be at most 5 MB.", field=field)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in PHOTO_TYPES:
                raise Refusal("Each photo must be a JPEG or PNG.", field=field)
            if image.width * image.height > MOST_PIXELS:
                raise Refusal("This photo is too large: send a smaller copy.", field=field)
            image.load()
            from PIL import ImageOps

            upright = ImageOps.exif_transpose(image)  # keep it the right way up once EXIF is gone
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if kind == "JPEG" and pixels.mode not in ("RGB", "L"):
                pixels = pixels.convert("RGB")
            out = io.BytesIO()
            pixels.save(out, format=kind, **({"quality": 88} if kind == "JPEG" else {}))
    except Refusal:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise Refusal("Each photo must be a JPEG or PNG.", field=field) from error
    return out.getvalue(), PHOTO_TYPES[kind]


def _checked_answers(answers: ReturnAnswers, *, complete: bool) -> dict[str, Any]:
    what = _text(answers.what_happened, "what_happened", "what happened", required=complete, most=10_000)
    people = answers.people_reached
    if people is None and complete:
        raise Refusal("Enter how many people it reached.", field="people_reached")
    if people is not None and (
        isinstance(people, bool) or not isinstance(people, int) or not 0 <= people <= MOST_PEOPLE
    ):
        raise Refusal(
            f"The people reached must be a whole number from 0 to {MOST_PEOPLE:,}.", field="people_reached"
        )
    spend = answers.spend_pence
    if spend is None and complete:
        raise Refusal("Enter how much was spent, in pounds (0 if nothing yet).", field="spend")
    if spend is not None and (
        isinstance(spend, bool) or not isinstance(spend, int) or not 0 <= spend <= MOST_PENCE
    ):
        raise Refusal("Enter how much was spent in pounds and pence.", field="spend")
    return {"what_happened": what, "people_reached": people, "spend_pence": spend}


@transaction.atomic
def save_return(
    user: Requester, monitoring_return: MonitoringReturn, answers: ReturnAnswers, *, send: bool
) -> MonitoringReturn:
    """The applicant saves a return (partly filled in, if they like) and, with ``send``, sends it to
    the fund: then every answer is needed, and it cannot change. New photos are added (at most three
    in all), each checked and stripped of its metadata, each with the words describing it."""
    submitter = _grantee(user, monitoring_return.grant)
    _locked(monitoring_return.grant)
    locked = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
    if locked.submitted_at is not None:
        raise Refusal("This return is sent already.")
    fields = _checked_answers(answers, complete=send)
    if locked.photos.count() + len(answers.photos) > MOST_PHOTOS:
        raise Refusal(f"Send at most {MOST_PHOTOS} photos with a return.", field="photo")
    for number, photo in enumerate(answers.photos, start=1):
        image, content_type = clean_photo(photo.data)
        description = _text(
            photo.description, "photo_description", f"words describing photo {number}", most=300
        )
        ReturnPhoto.objects.create(
            monitoring_return=locked, image=image, content_type=content_type, description=description
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    if send:
        locked.submitted_at = timezone.now()
        locked.submitted_by = submitter
    locked.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="return sent" if send else "return saved")
    return locked


@transaction.atomic
def remove_photo(user: Requester, photo: ReturnPhoto) -> None:
    """The applicant takes a photo off a return not yet sent."""
    monitoring_return = photo.monitoring_return
    _grantee(user, monitoring_return.grant)
    if MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk).submitted_at is not None:
        raise Refusal("This return is sent already: its photos stay with it.")
    record_audit_event(user, AuditEvent.Action.DELETE, monitoring_return, note="photo removed")
    photo.delete()


# The link to outcomes


@transaction.atomic
def link_listing(user: Requester, grant: Grant, listing: Service | None) -> Grant:
    """Link the funded group's directory listing to the grant (or take the link off, with None):
    an organisation's own listing, or for a group without a constitution any published listing
    the fund officer chooses."""
    if not selectors.may_link_listing(user, grant):
        raise NotPermitted("Only the fund's officers, or the organisation's editors, can link its listing.")
    locked = _locked(grant)
    if listing is not None and not selectors.listings_to_link(user, locked).filter(pk=listing.pk).exists():
        raise Refusal("Choose one of the listings offered.", field="listing")
    locked.listing = listing
    locked.save(update_fields=["listing"])
    record_audit_event(
        user, AuditEvent.Action.UPDATE, locked, note="listing linked" if listing else "listing unlinked"
    )
    return locked
