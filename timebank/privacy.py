"""What a timebank holds about a member, for a subject access export, and its erasure.

Connected to ``accounts.privacy``'s signals in ``TimebankConfig.ready``. Erasure scrubs names and
free text; the ledger's amounts stay, because every other member's balance and the timebank's
own books depend on them (the entries' memos, which repeat exchange descriptions, are cleared)."""

from __future__ import annotations

from django.db.models import Q

from accounts.privacy import section

from .models import Account, Entry, Exchange, Membership, Post, Redemption, Reply

ERASED_ACCOUNT = "Erased member"
ERASED_TEXT = "(erased)"


def _accounts(user):
    return Account.objects.filter(holder=user) if user is not None else Account.objects.none()


def what_we_hold(sender, user, contacts, **kwargs) -> list[dict]:
    """Memberships (with the welcome and checks notes), posts, replies, exchanges, time credits
    spent (with their codes) and the ledger lines of every account the member holds."""
    if user is None:
        return []
    memberships = Membership.objects.filter(user=user).select_related("timebank", "account")
    accounts = _accounts(user)
    exchanges = (
        Exchange.objects.filter(Q(giver__in=accounts) | Q(receiver__in=accounts))
        .select_related("timebank", "giver", "receiver")
        .order_by("happened_on", "pk")
    )
    lines = (
        Entry.objects.filter(postings__account__in=accounts)
        .select_related("ledger")
        .prefetch_related("postings")
        .distinct()
    )
    held = set(accounts.values_list("pk", flat=True))
    return [
        section(
            "timebank_memberships",
            "Timebank memberships",
            [
                {
                    "timebank": m.timebank.name,
                    "status": m.get_status_display(),
                    "applied_at": m.applied_at.isoformat(),
                    "approved_at": m.approved_at.isoformat() if m.approved_at else None,
                    "welcome_note": m.welcome_note,
                    "checks_note": m.checks_note,
                    "account_name": m.account.name if m.account_id else "",
                    "balance": str(m.account.balance) if m.account_id else None,
                }
                for m in memberships
            ],
        ),
        section(
            "timebank_posts",
            "Offers and requests",
            [
                {
                    "timebank": p.timebank.name,
                    "kind": p.get_kind_display(),
                    "title": p.title,
                    "description": p.description,
                    "tags": p.tags,
                    "open": "Yes" if p.is_open else "No",
                    "posted_at": p.created_at.isoformat(),
                }
                for p in Post.objects.filter(author__user=user).select_related("timebank")
            ],
        ),
        section(
            "timebank_replies",
            "Replies to offers and requests",
            [
                {"to": r.post.title, "message": r.message, "sent_at": r.created_at.isoformat()}
                for r in Reply.objects.filter(author__user=user).select_related("post")
            ],
        ),
        section(
            "timebank_exchanges",
            "Exchanges",
            [
                {
                    "timebank": e.timebank.name,
                    "given_by": e.giver.name,
                    "received_by": e.receiver.name,
                    "hours": str(e.hours),
                    "description": e.description,
                    "on": e.happened_on.isoformat(),
                    "status": e.get_status_display(),
                }
                for e in exchanges
            ],
        ),
        section(
            "time_credit_redemptions",
            "Time credits spent, with their codes",
            [
                {
                    "where": r.partner.name,
                    "what": r.what,
                    "credits": r.credits,
                    "code": r.code,
                    "spent_at": r.spent_at.isoformat(),
                    "undone_at": r.undone_at.isoformat() if r.undone_at else None,
                    "used_at": r.used_at.isoformat() if r.used_at else None,
                }
                for r in Redemption.objects.filter(account__in=accounts).select_related("partner")
            ],
        ),
        section(
            "ledger_lines",
            "Hours and time credits on their accounts",
            [
                {
                    "book": entry.ledger.name,
                    "what": entry.get_kind_display(),
                    "memo": entry.memo,
                    "amount": " ".join(str(p.amount) for p in entry.postings.all() if p.account_id in held),
                    "recorded_at": entry.recorded_at.isoformat(),
                }
                for entry in lines
            ],
        ),
    ]


def forget_member(sender, user, contacts, **kwargs) -> None:
    """Names, notes, posts, replies and exchange descriptions go; the amounts stay."""
    if user is None:
        return
    accounts = _accounts(user)
    Membership.objects.filter(user=user).update(welcome_note="", checks_note="")
    Post.objects.filter(author__user=user).update(title=ERASED_TEXT, description="", tags="", is_open=False)
    Reply.objects.filter(author__user=user).update(message=ERASED_TEXT)
    exchanges = Exchange.objects.filter(Q(giver__in=accounts) | Q(receiver__in=accounts))
    exchanges.update(description=ERASED_TEXT)
    # The ledger refuses every change except to a memo (migration 0005): amounts stay.
    Entry.objects.filter(postings__account__in=accounts).exclude(memo="").update(memo=ERASED_TEXT)
    accounts.update(name=ERASED_ACCOUNT)
