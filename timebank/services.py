"""Timebank actions: joining, brokers' approvals, and exchanges of hours between members.

Every refusal is a ``TimebankError`` naming the field; nothing is written when one is raised."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation, Role, User

from . import ledger
from .models import (
    QUARTER,
    Account,
    CreditScheme,
    Entry,
    Exchange,
    Ledger,
    Membership,
    Partner,
    PartnerOffer,
    Post,
    Reply,
    Timebank,
)


class TimebankError(ValidationError):
    """Bad input or a step not allowed, with a message naming the field."""

    def __init__(self, field: str | None, message: str):
        super().__init__({field: message} if field else message)


def is_broker(user: User, timebank: Timebank) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.BROKER and timebank.brokers.filter(pk=user.pk).exists()


def _broker_only(user: User, timebank: Timebank) -> None:
    if not is_broker(user, timebank):
        raise TimebankError(None, f"Only {timebank}'s brokers can do this.")


@transaction.atomic
def create_timebank(
    name: str,
    organisation: Organisation,
    *,
    description: str = "",
    needs_broker_approval: bool = False,
    min_balance: Decimal | None = Decimal("-10"),
    max_balance: Decimal | None = None,
    welcome_hours: Decimal = Decimal("1"),
    brokers=(),
    is_demo: bool = False,
) -> Timebank:
    """A timebank with its ledger of hours and its community account."""
    book = Ledger.objects.create(
        name=f"{name} hours", unit=Ledger.Unit.HOURS, min_balance=min_balance, max_balance=max_balance
    )
    Account.objects.create(ledger=book, kind=Account.Kind.COMMUNITY, name=f"{name} community account")
    timebank = Timebank.objects.create(
        name=name,
        slug=slugify(name)[:50],
        organisation=organisation,
        description=description,
        needs_broker_approval=needs_broker_approval,
        welcome_hours=welcome_hours,
        ledger=book,
        is_demo=is_demo,
    )
    timebank.brokers.set(brokers)
    return timebank


def community_account(timebank: Timebank) -> Account:
    return timebank.ledger.accounts.get(kind=Account.Kind.COMMUNITY)


@transaction.atomic
def apply_to_join(user: User, timebank: Timebank) -> Membership:
    """A person asks to join; a broker will welcome them. Rejoining after leaving is an application too."""
    if not user.is_authenticated:
        raise TimebankError(None, "Sign in to join a timebank.")
    membership, created = Membership.objects.select_for_update(of=("self",)).get_or_create(
        timebank=timebank, user=user
    )
    if not created:
        if membership.status in (
            Membership.Status.APPLIED,
            Membership.Status.ACTIVE,
            Membership.Status.PAUSED,
        ):
            raise TimebankError(
                None, f"You are already {membership.get_status_display().lower()} in {timebank}."
            )
        membership.status = Membership.Status.APPLIED
        membership.applied_at = timezone.now()
        membership.save(update_fields=["status", "applied_at"])
    return membership


@transaction.atomic
def approve_member(
    broker: User, membership: Membership, welcome_note: str, checks_note: str = ""
) -> Membership:
    """A broker welcomes an applicant: their account is opened, with the timebank's welcome hours
    from the community account the first time they join."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("timebank__ledger", "user")
        .get(pk=membership.pk)
    )
    timebank = membership.timebank
    _broker_only(broker, timebank)
    if membership.status != Membership.Status.APPLIED:
        raise TimebankError(
            None, f"Only an application can be approved; this membership is {membership.status}."
        )
    if not (welcome_note or "").strip():
        raise TimebankError("welcome_note", "Note the welcome conversation before approving.")
    first_time = membership.account_id is None
    if first_time:
        membership.account = Account.objects.create(
            ledger=timebank.ledger,
            kind=Account.Kind.MEMBER,
            holder=membership.user,
            name=membership.user.full_name,
        )
    membership.status = Membership.Status.ACTIVE
    membership.approved_at, membership.approved_by = timezone.now(), broker
    membership.welcome_note, membership.checks_note = welcome_note.strip(), (checks_note or "").strip()
    membership.save()
    if first_time and timebank.welcome_hours > 0:
        ledger.post_entry(
            timebank.ledger,
            [
                (community_account(timebank), -timebank.welcome_hours),
                (membership.account, timebank.welcome_hours),
            ],
            Entry.Kind.WELCOME,
            memo=f"Welcome to {timebank}",
            by=broker,
        )
    return membership


@transaction.atomic
def set_membership_status(user: User, membership: Membership, status: str) -> Membership:
    """Pause, resume or leave. Members change their own; brokers anyone's in their timebank.
    Hours stay on the account: a member who leaves keeps their balance on the ledger."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).select_related("timebank").get(pk=membership.pk)
    )
    if membership.user_id != user.pk:
        _broker_only(user, membership.timebank)
    allowed = {
        Membership.Status.ACTIVE: {Membership.Status.PAUSED, Membership.Status.LEFT},
        Membership.Status.PAUSED: {Membership.Status.ACTIVE, Membership.Status.LEFT},
        Membership.Status.APPLIED: {Membership.Status.LEFT},
    }.get(membership.status, set())
    if status not in allowed:
        raise TimebankError("status", f"A membership that is {membership.status} cannot become {status}.")
    membership.status = status
    membership.save(update_fields=["status"])
    return membership


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise TimebankError("hours", "The hours must be a number, like 1.5.") from None
    if not hours.is_finite():
        raise TimebankError("hours", "The hours must be a number, like 1.5.")
    return hours


def _active_account(timebank: Timebank, user: User, field: str) -> Account:
    # The refusal names no one and says nothing of their membership: the user may have typed the
    # id of someone they could not otherwise see, and must learn no more than "not a choice".
    membership = (
        Membership.objects.filter(timebank=timebank, user=user, status=Membership.Status.ACTIVE)
        .select_related("account")
        .first()
    )
    if membership is None:
        raise TimebankError(field, f"Choose an active member of {timebank}.")
    return membership.account


@transaction.atomic
def propose_exchange(
    user: User,
    timebank: Timebank,
    *,
    giver: User | None,
    receiver: User | None,
    hours,
    description: str,
    happened_on=None,
) -> Exchange:
    """Record that ``giver`` gave ``hours`` of their time to ``receiver``. Either may be ``None``
    for the community account (group activities); only a broker may use the community account.
    The person proposing must be one of the two, or a broker; the other confirms."""
    hours = _hours(hours)
    try:
        ledger.check_amount(hours, timebank.ledger)
    except ledger.LedgerError as error:
        raise TimebankError("hours", str(error)) from None
    if giver is None and receiver is None:
        raise TimebankError("giver", "An exchange is between two accounts.")
    if giver is not None and receiver is not None and giver.pk == receiver.pk:
        raise TimebankError("receiver", "Someone cannot exchange hours with themselves.")
    broker = is_broker(user, timebank)
    if (giver is None or receiver is None) and not broker:
        raise TimebankError("giver", "Only a broker can record hours with the community account.")
    if not broker and user.pk not in {getattr(giver, "pk", None), getattr(receiver, "pk", None)}:
        raise TimebankError(None, "You can only record exchanges you took part in.")
    if not (description or "").strip():
        raise TimebankError("description", "Say what the time was for.")
    happened_on = happened_on or timezone.localdate()
    if happened_on > timezone.localdate():
        raise TimebankError("happened_on", "The date cannot be in the future.")
    giver_account = _active_account(timebank, giver, "giver") if giver else community_account(timebank)
    receiver_account = (
        _active_account(timebank, receiver, "receiver") if receiver else community_account(timebank)
    )
    return Exchange.objects.create(
        timebank=timebank,
        giver=giver_account,
        receiver=receiver_account,
        hours=hours,
        description=description.strip()[:300],
        happened_on=happened_on,
        proposed_by=user,
    )


@transaction.atomic
def confirm_exchange(user: User, exchange: Exchange) -> Exchange:
    """The other member (or a broker) confirms. It is recorded on the ledger then, unless the
    timebank has brokers approve every exchange and the one confirming is not a broker."""
    exchange = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("timebank__ledger", "giver", "receiver")
        .get(pk=exchange.pk)
    )
    broker = is_broker(user, exchange.timebank)
    if exchange.status == Exchange.Status.CONFIRMED:
        if not broker:
            raise TimebankError(None, "This exchange is waiting for a broker.")
        return _record(user, exchange)
    if exchange.status != Exchange.Status.PROPOSED:
        raise TimebankError(None, f"This exchange is {exchange.get_status_display().lower()}.")
    parties = {exchange.giver.holder_id, exchange.receiver.holder_id} - {None}
    if not broker and (user.pk not in parties or user.pk == exchange.proposed_by_id):
        raise TimebankError(None, "The other person in the exchange, or a broker, confirms it.")
    exchange.confirmed_by = user
    if exchange.timebank.needs_broker_approval and not broker:
        exchange.status = Exchange.Status.CONFIRMED
        exchange.save(update_fields=["status", "confirmed_by"])
        return exchange
    return _record(user, exchange)


def _record(user: User, exchange: Exchange) -> Exchange:
    for account, field in ((exchange.giver, "giver"), (exchange.receiver, "receiver")):
        membership = getattr(account, "membership", None)
        if account.kind == Account.Kind.MEMBER and (
            membership is None or membership.status != Membership.Status.ACTIVE
        ):
            raise TimebankError(field, f"The {field} is no longer an active member.")
    try:
        entry = ledger.post_entry(
            exchange.timebank.ledger,
            [(exchange.receiver, -exchange.hours), (exchange.giver, exchange.hours)],
            Entry.Kind.EXCHANGE,
            memo=exchange.description,
            by=user,
        )
    except ledger.LedgerError as error:
        raise TimebankError("hours", str(error)) from None
    exchange.entry, exchange.status = entry, Exchange.Status.RECORDED
    exchange.confirmed_by = exchange.confirmed_by or user
    exchange.save(update_fields=["entry", "status", "confirmed_by"])
    return exchange


@transaction.atomic
def record_community_exchange(
    broker: User,
    timebank: Timebank,
    *,
    member: User,
    earned: bool,
    hours,
    description: str,
    happened_on=None,
) -> Exchange:
    """A broker records hours between a member and the community account (a group activity):
    proposed and recorded at once. One action: when the ledger refuses it (a limit, say), no
    proposal is left behind either."""
    _broker_only(broker, timebank)
    exchange = propose_exchange(
        broker,
        timebank,
        giver=member if earned else None,
        receiver=None if earned else member,
        hours=hours,
        description=description,
        happened_on=happened_on,
    )
    return confirm_exchange(broker, exchange)


@transaction.atomic
def cancel_exchange(user: User, exchange: Exchange) -> Exchange:
    """Either member, or a broker, cancels an exchange that is not yet recorded."""
    exchange = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("timebank", "giver", "receiver")
        .get(pk=exchange.pk)
    )
    parties = {exchange.giver.holder_id, exchange.receiver.holder_id} - {None}
    if user.pk not in parties and not is_broker(user, exchange.timebank):
        raise TimebankError(None, "Only the people in the exchange, or a broker, can cancel it.")
    if exchange.status not in (Exchange.Status.PROPOSED, Exchange.Status.CONFIRMED):
        raise TimebankError(None, "A recorded exchange cannot be cancelled: a broker can correct it.")
    exchange.status = Exchange.Status.CANCELLED
    exchange.save(update_fields=["status"])
    return exchange


@transaction.atomic
def correct_exchange(broker: User, exchange: Exchange, reason: str) -> Exchange:
    """A broker corrects a recorded exchange with a reversing entry; the original stays."""
    exchange = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("timebank", "entry")
        .get(pk=exchange.pk)
    )
    _broker_only(broker, exchange.timebank)
    if exchange.status != Exchange.Status.RECORDED:
        raise TimebankError(None, "Only a recorded exchange can be corrected.")
    if not (reason or "").strip():
        raise TimebankError("reason", "Say why the exchange is being corrected.")
    try:
        ledger.reverse_entry(exchange.entry, by=broker, memo=f"Correction: {reason.strip()}"[:300])
    except ledger.LedgerError as error:
        raise TimebankError(None, str(error)) from None
    exchange.status = Exchange.Status.REVERSED
    exchange.save(update_fields=["status"])
    return exchange


def _member_of(user: User, timebank: Timebank, field: str = "") -> Membership:
    membership = Membership.objects.filter(
        timebank=timebank, user=user, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise TimebankError(field or None, f"Only active members of {timebank} can do this.")
    return membership


@transaction.atomic
def post_to_board(user: User, timebank: Timebank, details: dict) -> Post:
    """An active member offers help or asks for it."""
    membership = _member_of(user, timebank)
    if details.get("kind") not in Post.Kind.values:
        raise TimebankError("kind", "Choose whether you are offering or asking.")
    if not (details.get("title") or "").strip():
        raise TimebankError("title", "Give it a short title, like “Lifts to the shops”.")
    post = Post(timebank=timebank, author=membership, **details)
    post.title = post.title.strip()
    post.tags = ", ".join(t.strip() for t in (post.tags or "").split(",") if t.strip())
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def reply_to_post(user: User, post: Post, message: str) -> Reply:
    """An active member of the same timebank answers an offer or request."""
    membership = _member_of(user, post.timebank, "message")
    if not post.is_open:
        raise TimebankError("message", "This has been closed; it takes no more replies.")
    if not (message or "").strip():
        raise TimebankError("message", "Write your reply.")
    return Reply.objects.create(post=post, author=membership, message=message.strip())


@transaction.atomic
def close_post(user: User, post: Post) -> Post:
    """The author, or a broker, takes an offer or request off the board."""
    if post.author.user_id != user.pk:
        _broker_only(user, post.timebank)
    post.is_open = False
    post.save(update_fields=["is_open"])
    return post


# Time credits ------------------------------------------------------------------------------------


@transaction.atomic
def create_credit_scheme(
    name: str, organisation: Organisation, *, description: str = "", awarding=(), is_demo=False
):
    """A time-credit scheme with its own ledger: the issuing account goes below zero by the credits
    in circulation; members never do."""
    book = Ledger.objects.create(name=f"{name} credits", unit=Ledger.Unit.CREDITS, min_balance=Decimal("0"))
    Account.objects.create(ledger=book, kind=Account.Kind.COMMUNITY, name=f"{name} (issued)")
    scheme = CreditScheme.objects.create(
        name=name,
        slug=slugify(name)[:50],
        organisation=organisation,
        description=description,
        ledger=book,
        is_demo=is_demo,
    )
    scheme.awarding_organisations.set([organisation, *awarding])
    return scheme


@transaction.atomic
def add_partner(
    scheme: CreditScheme, name: str, offers: list[tuple[str, int]], description: str = ""
) -> Partner:
    account = Account.objects.create(ledger=scheme.ledger, kind=Account.Kind.PARTNER, name=name)
    partner = Partner.objects.create(scheme=scheme, name=name, description=description, account=account)
    for what, credits in offers:
        PartnerOffer.objects.create(partner=partner, what=what, credits=credits)
    return partner


def may_award(user: User, scheme: CreditScheme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return (
        user.role == Role.ORGANISATION_EDITOR
        and user.organisation_id is not None
        and scheme.awarding_organisations.filter(pk=user.organisation_id).exists()
    )


def credit_account(scheme: CreditScheme, user: User) -> Account:
    account, _ = Account.objects.get_or_create(
        ledger=scheme.ledger, holder=user, defaults={"kind": Account.Kind.MEMBER, "name": user.full_name}
    )
    return account


@transaction.atomic
def award_credits(awarder: User, scheme: CreditScheme, volunteer: User, hours, what: str) -> Entry:
    """An organisation thanks a volunteer: one credit for each whole hour given."""
    if not may_award(awarder, scheme):
        raise TimebankError(None, f"Only organisations taking part in {scheme} award its credits.")
    hours = _hours(hours)
    if hours <= 0 or hours % QUARTER:
        raise TimebankError("hours", "The hours must be more than zero, in quarter hours.")
    credits = hours.to_integral_value(rounding="ROUND_FLOOR")
    if credits < 1:
        raise TimebankError("hours", "A credit is earned for each whole hour: give at least 1 hour.")
    if volunteer is None or not volunteer.is_active:
        raise TimebankError("volunteer", "Choose the volunteer.")
    if not (what or "").strip():
        raise TimebankError("what", "Say what the volunteering was.")
    issuer = scheme.ledger.accounts.get(kind=Account.Kind.COMMUNITY)
    return ledger.post_entry(
        scheme.ledger,
        [(issuer, -credits), (credit_account(scheme, volunteer), credits)],
        Entry.Kind.AWARD,
        memo=f"{what.strip()} ({hours} hours)"[:300],
        by=awarder,
    )


@transaction.atomic
def redeem(user: User, offer: PartnerOffer) -> Entry:
    """A member spends credits at a partner venue; they cannot spend more than they have."""
    partner = offer.partner
    if not offer.is_active:
        raise TimebankError("offer", f"{partner} no longer offers {offer.what}.")
    account = Account.objects.filter(ledger=partner.scheme.ledger, holder=user).first()
    if account is None:
        raise TimebankError("offer", "You have no time credits yet: they are earned by volunteering.")
    try:
        return ledger.post_entry(
            partner.scheme.ledger,
            [(account, -Decimal(offer.credits)), (partner.account, Decimal(offer.credits))],
            Entry.Kind.REDEMPTION,
            memo=f"{offer.what} at {partner}",
            by=user,
        )
    except ledger.LimitExceeded:
        raise TimebankError(
            "offer", f"{offer.what} takes {offer.credits} credits; you have {account.balance:.0f}."
        ) from None
