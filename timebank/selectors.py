"""Reads of timebanks: who may see what, balances, statements and the broker's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from accounts import audit
from accounts.models import User
from accounts.permissions import Requester
from directory.models import TaxonomyTerm

from .models import (
    Account,
    CreditScheme,
    Exchange,
    Membership,
    Partner,
    Post,
    Posting,
    Redemption,
    Timebank,
)
from .permissions import may_broker_timebank, may_check_codes_at, may_see_inside_timebank, may_see_redemption


def public_timebanks() -> QuerySet[Timebank]:
    """Every timebank, with its count of active members: what anyone may read about."""
    return Timebank.objects.annotate(
        active_members=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    ).order_by("name")


def public_credit_schemes() -> QuerySet[CreditScheme]:
    """Every time-credit scheme, by name: what anyone may read about."""
    return CreditScheme.objects.order_by("name")


def membership_of(user: Requester, timebank: Timebank) -> Membership | None:
    """The user's membership of the timebank in any state (applied, active, paused, left)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, timebank=timebank).select_related("account").first()


def active_membership(user: Requester, timebank: Timebank) -> Membership | None:
    """The user's membership of the timebank while it is active, else None."""
    membership = membership_of(user, timebank)
    return membership if membership and membership.status == Membership.Status.ACTIVE else None


def members(timebank: Timebank) -> QuerySet[Membership]:
    """The timebank's active memberships, with each member and account."""
    return timebank.memberships.filter(status=Membership.Status.ACTIVE).select_related("user", "account")


def members_visible_to(user: Requester, timebank: Timebank) -> QuerySet[User]:
    """The people this user may pick in a timebank (who an exchange was with, whose hours a broker
    records): its active members, for someone who may see inside it; no one for anyone else. Forms'
    and the API's choices come from here, so a refusal can never name someone the user could not
    already see in the timebank."""
    if not may_see_inside_timebank(user, timebank):
        return User.objects.none()
    return User.objects.filter(
        timebank_memberships__timebank=timebank,
        timebank_memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).order_by("full_name", "pk")


def members_a_broker_may_pick(user: Requester, timebank: Timebank) -> QuerySet[User]:
    """Who a broker may record an exchange between: the timebank's active members, for its
    brokers; no one for anyone else (another timebank's broker included)."""
    if not may_broker_timebank(user, timebank):
        return User.objects.none()
    return members_visible_to(user, timebank)


def exchange_partners_for(user: User, timebank: Timebank) -> QuerySet[User]:
    """Who the user may record an exchange with: the members they may pick, less themself."""
    return members_visible_to(user, timebank).exclude(pk=user.pk)


def exchanges_for(user: User, timebank: Timebank) -> QuerySet[Exchange]:
    """Exchanges the user took part in (every exchange, for a broker)."""
    exchanges = timebank.exchanges.select_related("giver", "receiver", "proposed_by")
    if may_broker_timebank(user, timebank):
        return exchanges
    return exchanges.filter(Q(giver__holder=user) | Q(receiver__holder=user))


def waiting_for(user: User, timebank: Timebank) -> QuerySet[Exchange]:
    """Exchanges the user is asked to confirm: proposed by the other person; for a broker, also
    those confirmed and waiting for approval."""
    proposed = timebank.exchanges.filter(status=Exchange.Status.PROPOSED).exclude(proposed_by=user)
    mine = proposed.filter(Q(giver__holder=user) | Q(receiver__holder=user))
    if may_broker_timebank(user, timebank):
        mine = mine | timebank.exchanges.filter(status=Exchange.Status.CONFIRMED)
    return mine.select_related("giver", "receiver", "proposed_by").order_by("created_at")


def exchanges_to_confirm(user: Requester, limit: int) -> list[Exchange]:
    """For the user's home: exchanges in any timebank that someone else proposed with them and
    that wait for them to confirm, oldest first, at most ``limit``. Only the user's own."""
    if not user.is_authenticated:
        return []
    waiting = (
        Exchange.objects.filter(status=Exchange.Status.PROPOSED)
        .filter(Q(giver__holder=user) | Q(receiver__holder=user))
        .exclude(proposed_by=user)
        .select_related("timebank")
        .order_by("created_at", "pk")
    )
    return list(waiting[:limit])


def memberships_pending_of(user: Requester) -> list[Membership]:
    """For the user's home: their applications to join timebanks, not yet approved."""
    if not user.is_authenticated:
        return []
    pending = Membership.objects.filter(user=user, status=Membership.Status.APPLIED)
    return list(pending.select_related("timebank").order_by("applied_at")[:20])


def brokers_to_do(user: Requester) -> list[Timebank]:
    """For a broker's home: each timebank they broker with ``applications`` (memberships to
    approve) and ``awaiting`` (exchanges confirmed and waiting for their approval)."""
    if not user.is_authenticated:
        return []
    timebanks = Timebank.objects.filter(brokers=user).annotate(
        applications=Count(
            "memberships", filter=Q(memberships__status=Membership.Status.APPLIED), distinct=True
        ),
        awaiting=Count("exchanges", filter=Q(exchanges__status=Exchange.Status.CONFIRMED), distinct=True),
    )
    return list(timebanks.order_by("name")[:20])


@dataclass(frozen=True)
class StatementLine:
    happened_on: date  # the day the exchange happened (for anything else, the day it was recorded)
    recorded_at: datetime
    with_whom: str  # the other side of the entry: a member, the community account, a venue
    what: str
    kind: str
    amount: Decimal
    balance: Decimal


def statement(account: Account, since: date, until: date) -> tuple[Decimal, list[StatementLine]]:
    """The opening balance on ``since`` and each posting to ``until`` (inclusive) with the running
    balance, by the day each exchange happened (then the order recorded): what a member's statement
    shows. An exchange recorded late is on the day it happened, with whom it was."""
    postings = Posting.objects.filter(account=account).annotate(
        happened=Coalesce("entry__exchange__happened_on", TruncDate("entry__recorded_at"))
    )
    opening = postings.filter(happened__lt=since).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    lines: list[StatementLine] = []
    running = Decimal(opening)
    period = (
        postings.filter(happened__gte=since, happened__lte=until)
        .select_related("entry")
        .prefetch_related(Prefetch("entry__postings", queryset=Posting.objects.select_related("account")))
        .order_by("happened", "entry__recorded_at", "entry_id")
    )
    for posting in period:
        running += posting.amount
        entry = posting.entry
        others = [p.account.name for p in entry.postings.all() if p.account_id != account.pk]
        lines.append(
            StatementLine(
                happened_on=posting.happened,
                recorded_at=entry.recorded_at,
                with_whom=", ".join(others),
                what=entry.memo,
                kind=entry.get_kind_display(),
                amount=posting.amount,
                balance=running,
            )
        )
    return Decimal(opening).quantize(Decimal("0.01")), lines


def broker_dashboard(timebank: Timebank, today: date) -> dict[str, Any]:
    """The figures a broker watches, by the day each exchange happened: hours exchanged each month
    for a year, members active and new in the last 90 days, and members who have not exchanged in
    90 days. Corrected exchanges do not count."""
    since = today - timedelta(days=90)
    year_ago = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    recorded = timebank.exchanges.filter(status=Exchange.Status.RECORDED)
    per_month = (
        recorded.filter(happened_on__gte=year_ago)
        .annotate(month=TruncMonth("happened_on"))
        .values("month")
        .annotate(hours=Sum("hours"), exchanges=Count("pk"))
        .order_by("month")
    )
    recent = recorded.filter(happened_on__gte=since)
    active_accounts = set(recent.values_list("giver_id", flat=True)) | set(
        recent.values_list("receiver_id", flat=True)
    )
    memberships = list(members(timebank))
    quiet = [m for m in memberships if m.account_id not in active_accounts]
    return {
        "per_month": list(per_month),
        "active_members": sum(1 for m in memberships if m.account_id in active_accounts),
        "members": len(memberships),
        "new_members": sum(1 for m in memberships if m.approved_at and m.approved_at.date() >= since),
        "quiet_members": sorted(quiet, key=lambda m: m.user.full_name),
        "applications": timebank.memberships.filter(status=Membership.Status.APPLIED).select_related("user"),
        "top_categories": top_categories(timebank),
    }


def recently_recorded(timebank: Timebank, limit: int = 20) -> QuerySet[Exchange]:
    """The timebank's latest recorded exchanges, for a broker to correct."""
    return timebank.exchanges.filter(status=Exchange.Status.RECORDED).select_related("giver", "receiver")[
        :limit
    ]


def balances(timebank: Timebank) -> QuerySet[Account]:
    """Every account of the timebank's ledger (members and the community account), for a broker."""
    return timebank.ledger.accounts.order_by("kind", "name")


def credit_account_of(user: Requester, scheme: CreditScheme) -> Account | None:
    """The user's account in a time-credit scheme, if they have been awarded credits."""
    if not user.is_authenticated:
        return None
    return scheme.ledger.accounts.filter(holder=user).first()


@dataclass(frozen=True)
class CreditLine:
    when: datetime
    what: str
    credits: Decimal  # earned (+) or spent (-)
    redemption: Redemption | None  # what was spent, with its code; or the spending an undo reverses


def credit_history(account: Account | None, limit: int = 50) -> list[CreditLine]:
    """A volunteer's credits earned and spent (and spending undone), newest first."""
    if account is None:
        return []
    postings = (
        Posting.objects.filter(account=account)
        .select_related("entry__redemption__partner", "entry__reverses__redemption__partner")
        .order_by("-entry__recorded_at", "-entry_id")[:limit]
    )
    lines = []
    for posting in postings:
        entry = posting.entry
        spent = getattr(entry, "redemption", None)
        if spent is None and entry.reverses is not None:
            spent = getattr(entry.reverses, "redemption", None)
        lines.append(CreditLine(entry.recorded_at, entry.memo, posting.amount, spent))
    return lines


def redemption_of(user: Requester, pk: int) -> Redemption | None:
    """A redemption the user may see (their own), with its venue, else None."""
    redemption = Redemption.objects.select_related("partner", "account").filter(pk=pk).first()
    if redemption is None or not may_see_redemption(user, redemption):
        return None
    return redemption


def normalise_code(typed: str) -> str:
    """A code as a venue may type it: any case, with spaces or a dash."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def not_a_code(typed: str, partner: Partner) -> str:
    return f"{typed or 'That'} is not a code for {partner}. Check it with the volunteer."


def redemption_at_venue(user: Requester, partner: Partner, code: str) -> Redemption | None:
    """The redemption with this code at this venue, for someone who checks its codes (the read is
    audited); None when there is none here. Another venue's code is answered as none at all."""
    if not may_check_codes_at(user, partner):
        return None
    redemption = Redemption.objects.filter(partner=partner, code=normalise_code(code)).first()
    audit.shown([redemption], note="code checked at the venue")
    return redemption


def volunteer_by_email(email: str) -> User | None:
    """The active sign-in with this address (any letter case), to award credits to."""
    return User.objects.filter(email__iexact=email, is_active=True).first()


def board_categories() -> QuerySet[TaxonomyTerm]:
    """The top-level categories of the directory's taxonomy an offer or request may be filed
    under, or the board searched by. They are public (the directory shows them to anyone), so
    they are the same for every member."""
    return TaxonomyTerm.objects.filter(parent__isnull=True).order_by("name")


def board(
    timebank: Timebank, *, text: str = "", kind: str = "", category: TaxonomyTerm | None = None
) -> QuerySet[Post]:
    """A timebank's open offers and requests, newest first, narrowed by words, kind or category."""
    posts = Post.objects.filter(timebank=timebank, is_open=True).select_related("author__user", "category")
    for word in text.split()[:8]:
        posts = posts.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(tags__icontains=word)
        )
    if kind:
        posts = posts.filter(kind=kind)
    if category is not None:
        posts = posts.filter(Q(category=category) | Q(category__parent=category))
    return posts.annotate(reply_count=Count("replies")).order_by("-created_at", "-pk")


def top_categories(timebank: Timebank, limit: int = 5) -> list[dict[str, Any]]:
    """The categories members offer and ask for most."""
    return list(
        Post.objects.filter(timebank=timebank, category__isnull=False)
        .values("category__name")
        .annotate(
            offers=Count("pk", filter=Q(kind="offer")),
            requests=Count("pk", filter=Q(kind="request")),
            total=Count("pk"),
        )
        .order_by("-total", "category__name")[:limit]
    )
