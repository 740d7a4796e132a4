"""Timebank actions: joining, brokers' approvals, and exchanges of hours between members.

Every refusal is a ``common.errors.Refusal`` naming the field (``NotPermitted`` when the person may
not do it, ``NotVisible`` when they may not know the thing exists); nothing is written when one is
raised. Who may do what is asked of ``timebank.permissions``."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import AuditEvent, Organisation, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal, message_of

from . import ledger, permissions, selectors
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
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
    Redemption,
    Reply,
    Timebank,
)
from .permissions import (
    may_award_credits,
    may_broker_timebank,
    may_cancel_exchange,
    may_change_membership,
    may_close_post,
    may_confirm_exchange,
    may_see_exchange,
)

CENT = Decimal("0.01")

# Hours as a caller gives them: typed on a page ("1.5"), from the API, or a Decimal.
Hours = Decimal | str | int | float


def _broker_only(user: User, timebank: Timebank) -> None:
    if not may_broker_timebank(user, timebank):
        raise NotPermitted(f"Only {timebank}'s brokers can do this.")


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
    brokers: Iterable[User] = (),
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
    """The timebank's community account: group activities and welcome hours."""
    return timebank.ledger.accounts.get(kind=Account.Kind.COMMUNITY)


@transaction.atomic
def apply_to_join(user: Requester, timebank: Timebank) -> Membership:
    """A person asks to join; a broker will welcome them. Rejoining after leaving is an application too."""
    if not user.is_authenticated:
        raise NotPermitted("Sign in to join a timebank.")
    membership, created = Membership.objects.select_for_update(of=("self",)).get_or_create(
        timebank=timebank, user=user
    )
    if not created:
        if membership.status in (
            Membership.Status.APPLIED,
            Membership.Status.ACTIVE,
            Membership.Status.PAUSED,
        ):
            raise Refusal(f"You are already {membership.get_status_display().lower()} in {timebank}.")
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
        raise Refusal(f"Only an application can be approved; this membership is {membership.status}.")
    if not (welcome_note or "").strip():
        raise Refusal("Note the welcome conversation before approving.", field="welcome_note")
    first_time = membership.account is None
    account = membership.account or Account.objects.create(
        ledger=timebank.ledger,
        kind=Account.Kind.MEMBER,
        holder=membership.user,
        name=membership.user.full_name,
    )
    membership.account = account
    membership.status = Membership.Status.ACTIVE
    membership.approved_at, membership.approved_by = timezone.now(), broker
    membership.welcome_note, membership.checks_note = welcome_note.strip(), (checks_note or "").strip()
    membership.save()
    if first_time and timebank.welcome_hours > 0:
        ledger.post_entry(
            timebank.ledger,
            [
                (community_account(timebank), -timebank.welcome_hours),
                (account, timebank.welcome_hours),
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
    if not may_change_membership(user, membership):
        raise NotPermitted(f"Only {membership.timebank}'s brokers can do this.")
    becomes: dict[str, set[str]] = {
        Membership.Status.ACTIVE: {Membership.Status.PAUSED, Membership.Status.LEFT},
        Membership.Status.PAUSED: {Membership.Status.ACTIVE, Membership.Status.LEFT},
        Membership.Status.APPLIED: {Membership.Status.LEFT},
    }
    allowed = becomes.get(membership.status, set())
    if status not in allowed:
        raise Refusal(f"A membership that is {membership.status} cannot become {status}.", field="status")
    membership.status = status
    membership.save(update_fields=["status"])
    return membership


def _hours(value: Hours) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Refusal("The hours must be a number, like 1.5.", field="hours") from None
    if not hours.is_finite():
        raise Refusal("The hours must be a number, like 1.5.", field="hours")
    return hours


def _limit_refusal(user: User, timebank: Timebank, error: ledger.LimitExceeded) -> Refusal:
    """A limit said to the person asking: their own balance, or, to a broker (who sees every
    balance), the member's; to anyone else only that the other member would pass their limit, so
    no one learns another member's balance by trying amounts."""
    account, unit = error.account, timebank.ledger.get_unit_display()
    balance, limit = error.balance.quantize(CENT), error.limit.quantize(CENT)
    if account.holder_id is not None and account.holder_id == user.pk:
        said = (
            f"You have {balance} {unit}; this would take you {error.direction} the limit of "
            f"{limit} {unit}. Try fewer hours."
        )
    elif may_broker_timebank(user, timebank):
        said = (
            f"{account.name} has {balance} {unit}; this would take them {error.direction} the "
            f"limit of {limit} {unit}."
        )
    else:
        said = "This would take the other member past their limit. Try fewer hours, or ask a broker."
    return Refusal(said, field="hours")


def _active_account(timebank: Timebank, user: User, field: str) -> Account:
    """The account of an active member of the timebank, or a refusal on ``field``."""
    # The refusal names no one and says nothing of their membership: the user may have typed the
    # id of someone they could not otherwise see, and must learn no more than "not a choice".
    membership = (
        Membership.objects.filter(timebank=timebank, user=user, status=Membership.Status.ACTIVE)
        .select_related("account")
        .first()
    )
    if membership is None or membership.account is None:
        raise Refusal(f"Choose an active member of {timebank}.", field=field)
    return membership.account


@transaction.atomic
def propose_exchange(
    user: User,
    timebank: Timebank,
    *,
    giver: User | None,
    receiver: User | None,
    hours: Hours,
    description: str,
    happened_on: date | None = None,
) -> Exchange:
    """Record that ``giver`` gave ``hours`` of their time to ``receiver``. Either may be ``None``
    for the community account (group activities); only a broker may use the community account.
    The person proposing must be one of the two, or a broker; the other confirms."""
    amount = ledger.check_amount(_hours(hours), timebank.ledger)  # refused naming "hours"
    if giver is None and receiver is None:
        raise Refusal("An exchange is between two accounts.", field="giver")
    if giver is not None and receiver is not None and giver.pk == receiver.pk:
        raise Refusal("Someone cannot exchange hours with themselves.", field="receiver")
    broker = may_broker_timebank(user, timebank)
    if (giver is None or receiver is None) and not broker:
        raise NotPermitted("Only a broker can record hours with the community account.")
    if not broker and user.pk not in {getattr(giver, "pk", None), getattr(receiver, "pk", None)}:
        raise NotPermitted("You can only record exchanges you took part in.")
    if not (description or "").strip():
        raise Refusal("Say what the time was for.", field="description")
    happened_on = happened_on or timezone.localdate()
    if happened_on > timezone.localdate():
        raise Refusal("The date cannot be in the future.", field="happened_on")
    giver_account = _active_account(timebank, giver, "giver") if giver else community_account(timebank)
    receiver_account = (
        _active_account(timebank, receiver, "receiver") if receiver else community_account(timebank)
    )
    try:  # refused now rather than at confirmation; the ledger checks again when it is recorded
        ledger.check_limits(timebank.ledger, [(receiver_account, -amount), (giver_account, amount)])
    except ledger.LimitExceeded as error:
        raise _limit_refusal(user, timebank, error) from None
    return Exchange.objects.create(
        timebank=timebank,
        giver=giver_account,
        receiver=receiver_account,
        hours=amount,
        description=description.strip()[:300],
        happened_on=happened_on,
        proposed_by=user,
    )


@transaction.atomic
def confirm_exchange(user: User, exchange: Exchange) -> Exchange:
    """The other member (or a broker) confirms. It is recorded on the ledger then, unless the
    timebank has brokers approve every exchange and the one confirming is not a broker. Someone
    who may not see the exchange is answered as if it did not exist."""
    exchange = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("timebank__ledger", "giver", "receiver")
        .get(pk=exchange.pk)
    )
    if not may_see_exchange(user, exchange):
        raise NotVisible()
    broker = may_broker_timebank(user, exchange.timebank)
    if exchange.status == Exchange.Status.CONFIRMED:
        if not broker:
            raise Refusal("This exchange is waiting for a broker.")
        return _record(user, exchange)
    if exchange.status != Exchange.Status.PROPOSED:
        raise Refusal(f"This exchange is {exchange.get_status_display().lower()}.")
    if not may_confirm_exchange(user, exchange):
        raise NotPermitted("The other person in the exchange, or a broker, confirms it.")
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
            raise Refusal(f"The {field} is no longer an active member.", field=field)
    try:
        entry = ledger.post_entry(
            exchange.timebank.ledger,
            [(exchange.receiver, -exchange.hours), (exchange.giver, exchange.hours)],
            Entry.Kind.EXCHANGE,
            memo=exchange.description,
            by=user,
        )
    except ledger.LimitExceeded as error:  # checked again under the account's lock
        raise _limit_refusal(user, exchange.timebank, error) from None
    except ledger.LedgerError as error:
        raise Refusal(message_of(error), field="hours") from None
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
    hours: Hours,
    description: str,
    happened_on: date | None = None,
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
def record_exchange_for_members(
    broker: User,
    timebank: Timebank,
    *,
    giver: User | None,
    receiver: User | None,
    hours: Hours,
    description: str,
    happened_on: date | None = None,
) -> Exchange:
    """A broker records time one member gave another (told by phone, say, or on paper): proposed
    and recorded at once, within both members' limits, and audited. When either is refused
    nothing is left behind."""
    _broker_only(broker, timebank)
    if giver is None:
        raise Refusal("Choose who gave their time.", field="giver")
    if receiver is None:
        raise Refusal("Choose who received it.", field="receiver")
    exchange = propose_exchange(
        broker,
        timebank,
        giver=giver,
        receiver=receiver,
        hours=hours,
        description=description,
        happened_on=happened_on,
    )
    exchange = confirm_exchange(broker, exchange)
    record_audit_event(broker, AuditEvent.Action.CREATE, exchange, note="recorded by a broker")
    return exchange


@transaction.atomic
def cancel_exchange(user: User, exchange: Exchange) -> Exchange:
    """Either member, or a broker, cancels an exchange that is not yet recorded. Someone who may
    not see the exchange is answered as if it did not exist."""
    exchange = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("timebank", "giver", "receiver")
        .get(pk=exchange.pk)
    )
    if not may_see_exchange(user, exchange):
        raise NotVisible()
    if not may_cancel_exchange(user, exchange):
        raise NotPermitted("Only the people in the exchange, or a broker, can cancel it.")
    if exchange.status not in (Exchange.Status.PROPOSED, Exchange.Status.CONFIRMED):
        raise Refusal("A recorded exchange cannot be cancelled: a broker can correct it.")
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
    if exchange.status != Exchange.Status.RECORDED or exchange.entry is None:
        raise Refusal("Only a recorded exchange can be corrected.")
    if not (reason or "").strip():
        raise Refusal("Say why the exchange is being corrected.", field="reason")
    ledger.reverse_entry(exchange.entry, by=broker, memo=f"Correction: {reason.strip()}"[:300])
    exchange.status = Exchange.Status.REVERSED
    exchange.save(update_fields=["status"])
    return exchange


def _member_of(user: User, timebank: Timebank) -> Membership:
    membership = selectors.active_membership(user, timebank)
    if membership is None:
        raise NotPermitted(f"Only active members of {timebank} can do this.")
    return membership


@transaction.atomic
def post_to_board(user: User, timebank: Timebank, details: dict[str, Any]) -> Post:
    """An active member offers help or asks for it."""
    membership = _member_of(user, timebank)
    if details.get("kind") not in Post.Kind.values:
        raise Refusal("Choose whether you are offering or asking.", field="kind")
    if not (details.get("title") or "").strip():
        raise Refusal("Give it a short title, like “Lifts to the shops”.", field="title")
    post = Post(timebank=timebank, author=membership, **details)
    post.title = post.title.strip()
    post.tags = ", ".join(t.strip() for t in (post.tags or "").split(",") if t.strip())
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def reply_to_post(user: User, post: Post, message: str) -> Reply:
    """An active member of the same timebank answers an offer or request."""
    membership = _member_of(user, post.timebank)
    if not post.is_open:
        raise Refusal("This has been closed; it takes no more replies.", field="message")
    if not (message or "").strip():
        raise Refusal("Write your reply.", field="message")
    return Reply.objects.create(post=post, author=membership, message=message.strip())


@transaction.atomic
def close_post(user: User, post: Post) -> Post:
    """The author, or a broker, takes an offer or request off the board."""
    if not may_close_post(user, post):
        raise NotPermitted(f"Only {post.timebank}'s brokers can do this.")
    post.is_open = False
    post.save(update_fields=["is_open"])
    return post


# Time credits ------------------------------------------------------------------------------------


@transaction.atomic
def create_credit_scheme(
    name: str,
    organisation: Organisation,
    *,
    description: str = "",
    awarding: Iterable[Organisation] = (),
    is_demo: bool = False,
) -> CreditScheme:
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
    scheme: CreditScheme,
    name: str,
    offers: list[tuple[str, int]],
    description: str = "",
    organisation: Organisation | None = None,
) -> Partner:
    """A venue taking the scheme's credits, with its account and what each credit buys there;
    ``organisation`` runs it (its editors and brokers check the codes volunteers show)."""
    account = Account.objects.create(ledger=scheme.ledger, kind=Account.Kind.PARTNER, name=name)
    partner = Partner.objects.create(
        scheme=scheme, name=name, description=description, account=account, organisation=organisation
    )
    for what, credits in offers:
        PartnerOffer.objects.create(partner=partner, what=what, credits=credits)
    return partner


def credit_account(scheme: CreditScheme, user: User) -> Account:
    """The person's account in the scheme, opened the first time they are awarded credits."""
    account, _ = Account.objects.get_or_create(
        ledger=scheme.ledger, holder=user, defaults={"kind": Account.Kind.MEMBER, "name": user.full_name}
    )
    return account


@transaction.atomic
def award_credits(
    awarder: User, scheme: CreditScheme, volunteer: User | None, hours: Hours, what: str
) -> Entry:
    """An organisation thanks a volunteer: one credit for each whole hour given."""
    if not may_award_credits(awarder, scheme):
        raise NotPermitted(f"Only organisations taking part in {scheme} award its credits.")
    return _award(awarder, scheme, volunteer, hours, what)


@transaction.atomic
def award_credits_for(
    organisation: Organisation,
    scheme: CreditScheme,
    volunteer: User | None,
    hours: Hours,
    what: str,
    *,
    by: User,
) -> Entry:
    """An organisation taking part in the scheme thanks a volunteer through a service of its own
    that has decided ``by`` acts for it (a transport scheme's coordinators, for its volunteer
    drivers' hours): the same credits as ``award_credits``, one for each whole hour."""
    if not scheme.awarding_organisations.filter(pk=organisation.pk).exists():
        raise Refusal(f"{organisation} does not take part in {scheme}.", field="credit_scheme")
    return _award(by, scheme, volunteer, hours, what)


def _award(awarder: User, scheme: CreditScheme, volunteer: User | None, hours: Hours, what: str) -> Entry:
    hours = _hours(hours)
    if hours <= 0 or hours % QUARTER:
        raise Refusal("The hours must be more than zero, in quarter hours.", field="hours")
    credits = hours.to_integral_value(rounding="ROUND_FLOOR")
    if credits < 1:
        raise Refusal("A credit is earned for each whole hour: give at least 1 hour.", field="hours")
    if volunteer is None or not volunteer.is_active:
        raise Refusal("Choose the volunteer.", field="volunteer")
    if not (what or "").strip():
        raise Refusal("Say what the volunteering was.", field="what")
    issuer = scheme.ledger.accounts.get(kind=Account.Kind.COMMUNITY)
    return ledger.post_entry(
        scheme.ledger,
        [(issuer, -credits), (credit_account(scheme, volunteer), credits)],
        Entry.Kind.AWARD,
        memo=f"{what.strip()} ({hours} hours)"[:300],
        by=awarder,
    )


@transaction.atomic
def correct_award(awarder: User, award: Entry, change: int, what: str) -> Entry:
    """Correct credits awarded for volunteering by ``change`` whole credits (more or fewer), when
    the hours they were awarded for turn out different: one correcting entry between the same two
    accounts, the award itself unchanged and never awarded twice. Like any correction it is not
    held to the members' limits (it shows on the volunteer's statement)."""
    award = Entry.objects.select_related("ledger__credit_scheme").get(pk=award.pk)
    if award.kind != Entry.Kind.AWARD:
        raise Refusal("Only credits awarded for volunteering are corrected this way.")
    scheme = award.ledger.credit_scheme
    if not may_award_credits(awarder, scheme):
        raise NotPermitted(f"Only organisations taking part in {scheme} correct its credits.")
    if not change:
        raise Refusal("The correction must change the credits.", field="hours")
    legs = {p.account.kind: p.account for p in award.postings.select_related("account")}
    issuer, volunteer = legs[Account.Kind.COMMUNITY], legs[Account.Kind.MEMBER]
    credits = Decimal(change)
    return ledger.post_entry(
        award.ledger,
        [(issuer, -credits), (volunteer, credits)],
        Entry.Kind.REVERSAL,
        memo=f"Correction: {what.strip()} ({credits:+} credits)"[:300],
        by=awarder,
        enforce_limits=False,
    )


@transaction.atomic
def award_credits_by_email(awarder: User, scheme: CreditScheme, email: str, hours: Hours, what: str) -> User:
    """Award credits to whoever signs in with ``email`` (what an awarder knows of a volunteer);
    returns the volunteer awarded."""
    if not may_award_credits(awarder, scheme):
        raise NotPermitted(f"Only organisations taking part in {scheme} award its credits.")
    volunteer = selectors.volunteer_by_email(email)
    if volunteer is None:
        raise Refusal("There is no account with that email address.", field="volunteer")
    award_credits(awarder, scheme, volunteer, hours, what)
    return volunteer


def _new_code() -> str:
    """A code no redemption has yet: 31^6 (about 887 million) to choose from."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Redemption.objects.filter(code=code).exists():
            return code


@transaction.atomic
def redeem(user: User, offer: PartnerOffer) -> Redemption:
    """A member spends credits at a partner venue (they cannot spend more than they have); the
    redemption carries a short code to show there."""
    partner = offer.partner
    if not offer.is_active:
        raise Refusal(f"{partner} no longer offers {offer.what}.", field="offer")
    account = selectors.credit_account_of(user, partner.scheme)
    if account is None:
        raise Refusal("You have no time credits yet: they are earned by volunteering.", field="offer")
    try:
        entry = ledger.post_entry(
            partner.scheme.ledger,
            [(account, -Decimal(offer.credits)), (partner.account, Decimal(offer.credits))],
            Entry.Kind.REDEMPTION,
            memo=f"{offer.what} at {partner}",
            by=user,
        )
    except ledger.LimitExceeded:
        account.refresh_from_db(fields=["balance"])
        raise Refusal(
            f"{offer.what} takes {offer.credits} credits; you have {account.balance:.0f}.", field="offer"
        ) from None
    return Redemption.objects.create(
        partner=partner,
        account=account,
        what=offer.what,
        credits=offer.credits,
        code=_new_code(),
        entry=entry,
        spent_at=entry.recorded_at,
    )


@transaction.atomic
def undo_redemption(user: User, redemption: Redemption) -> Redemption:
    """The volunteer takes back credits just spent, within the undo window and before the venue
    marks the code used: a reversing entry on the ledger (the spending stays on record)."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("account", "partner", "entry")
        .get(pk=redemption.pk)
    )
    if not permissions.may_see_redemption(user, redemption):
        raise NotVisible()
    if redemption.undone_at is not None:
        raise Refusal("This has already been undone.")
    if redemption.used_at is not None:
        raise Refusal(f"{redemption.partner} has marked this code used: it cannot be undone.")
    if not redemption.may_be_undone():
        minutes = int(Redemption.UNDO_WINDOW.total_seconds() // 60)
        raise Refusal(f"Credits can be taken back only within {minutes} minutes of spending them.")
    ledger.reverse_entry(
        redemption.entry, by=user, memo=f"Undone: {redemption.what} at {redemption.partner}"[:300]
    )
    redemption.undone_at = timezone.now()
    redemption.save(update_fields=["undone_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, redemption, note="undone by the volunteer")
    return redemption


@transaction.atomic
def mark_code_used(user: User, partner: Partner, code: str) -> Redemption:
    """The venue marks a code used (the volunteer can no longer undo it); a code is used once.
    Another venue's code is answered as one that does not exist."""
    if not permissions.may_check_codes_at(user, partner):
        raise NotPermitted(f"Only the people running {partner} check its codes.")
    typed = selectors.normalise_code(code)
    redemption = (
        Redemption.objects.select_for_update(of=("self",)).filter(partner=partner, code=typed).first()
    )
    if redemption is None:
        raise Refusal(selectors.not_a_code(typed, partner), field="code")
    if redemption.undone_at is not None:
        raise Refusal("The volunteer undid this: the code is not valid.", field="code")
    if redemption.used_at is not None:
        used = timezone.localtime(redemption.used_at)
        raise Refusal(f"This code was already used, on {used:%-d %B %Y at %H:%M}.", field="code")
    redemption.used_at, redemption.used_by = timezone.now(), user
    redemption.save(update_fields=["used_at", "used_by"])
    record_audit_event(user, AuditEvent.Action.UPDATE, redemption, note="code used at the venue")
    return redemption
