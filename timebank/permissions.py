"""Who may do what in a timebank and with time credits.

- A timebank's **brokers** (someone with the broker role whom the timebank names, or an
  administrator) run it: they welcome applicants, record hours with the community account,
  approve and correct exchanges, and see every member's balance.
- Its **members** see inside it while they are active or paused; only an active member takes part
  (records exchanges, posts offers and requests, replies). Someone outside it may not know what is
  inside, so its member pages answer them 404.
- An **exchange** is seen by the people in it and the brokers. The other person in it (not the one
  who proposed it), or a broker, confirms it; either person, or a broker, cancels it.
- A member changes their own membership (pause, come back, leave); a broker changes anyone's.
- An offer or request is closed by its author or a broker.
- **Time credits** are awarded by editors of an organisation taking part in the scheme, and by
  administrators. A **redemption** (credits spent, with its code) is seen and undone only by the
  volunteer who spent them; its code is checked, and marked used, by the editors and brokers of the
  organisation running the venue, and by administrators.

Each predicate is false for an anonymous or inactive user. Who may be picked in a timebank, and
which exchanges a person sees, are querysets in ``timebank.selectors``.
"""

from __future__ import annotations

from typing import TypeGuard

from accounts.models import Role, User
from accounts.permissions import Requester, has_role, is_administrator, is_signed_in

from .models import CreditScheme, Exchange, Membership, Partner, Post, Redemption, Timebank

# Who sees inside a timebank; only the first takes part in it.
INSIDE = (Membership.Status.ACTIVE, Membership.Status.PAUSED)


def _person(user: Requester) -> TypeGuard[User]:
    """Signed in, and so a ``User`` (which the type checker then knows too)."""
    return isinstance(user, User) and is_signed_in(user)


def may_broker_timebank(user: Requester, timebank: Timebank) -> bool:
    """An administrator, or someone with the broker role whom the timebank names as a broker."""
    if not _person(user):
        return False
    if is_administrator(user):
        return True
    return has_role(user, Role.BROKER) and timebank.brokers.filter(pk=user.pk).exists()


def may_see_inside_timebank(user: Requester, timebank: Timebank) -> bool:
    """Its members (active or paused) and its brokers see its member pages, board and statement."""
    if not _person(user):
        return False
    member = Membership.objects.filter(timebank=timebank, user=user, status__in=INSIDE).exists()
    return member or may_broker_timebank(user, timebank)


def may_take_part_in_timebank(user: Requester, timebank: Timebank) -> bool:
    """An active member: records exchanges, posts to the board and replies (a broker who is not a
    member does not; a paused member does not until they come back)."""
    if not _person(user):
        return False
    return Membership.objects.filter(timebank=timebank, user=user, status=Membership.Status.ACTIVE).exists()


def _in_exchange(user: Requester, exchange: Exchange) -> bool:
    return _person(user) and user.pk in {exchange.giver.holder_id, exchange.receiver.holder_id}


def may_see_exchange(user: Requester, exchange: Exchange) -> bool:
    """The people in it, and the timebank's brokers, while they may see inside the timebank."""
    timebank = exchange.timebank
    if not may_see_inside_timebank(user, timebank):
        return False
    return _in_exchange(user, exchange) or may_broker_timebank(user, timebank)


def may_confirm_exchange(user: Requester, exchange: Exchange) -> bool:
    """A broker, or the other person in it: not the one who proposed it."""
    if may_broker_timebank(user, exchange.timebank):
        return True
    return _in_exchange(user, exchange) and user.pk != exchange.proposed_by_id


def may_cancel_exchange(user: Requester, exchange: Exchange) -> bool:
    """Either person in it, or a broker."""
    return _in_exchange(user, exchange) or may_broker_timebank(user, exchange.timebank)


def may_change_membership(user: Requester, membership: Membership) -> bool:
    """The member themself, or one of the timebank's brokers."""
    if _person(user) and membership.user_id == user.pk:
        return True
    return may_broker_timebank(user, membership.timebank)


def may_close_post(user: Requester, post: Post) -> bool:
    """The offer's or request's author, or one of the timebank's brokers."""
    if _person(user) and post.author.user_id == user.pk:
        return True
    return may_broker_timebank(user, post.timebank)


def may_award_credits(user: Requester, scheme: CreditScheme) -> bool:
    """An administrator, or an editor of an organisation taking part in the scheme."""
    if not _person(user):
        return False
    if is_administrator(user):
        return True
    return (
        has_role(user, Role.ORGANISATION_EDITOR)
        and user.organisation_id is not None
        and scheme.awarding_organisations.filter(pk=user.organisation_id).exists()
    )


def may_see_redemption(user: Requester, redemption: Redemption) -> bool:
    """The volunteer who spent the credits (the venue checks a code, not a volunteer's page)."""
    return _person(user) and redemption.account.holder_id == user.pk


def may_undo_redemption(user: Requester, redemption: Redemption) -> bool:
    """The volunteer who spent them, while it is neither used nor past the undo window."""
    return may_see_redemption(user, redemption) and redemption.may_be_undone()


def may_check_codes_at(user: Requester, partner: Partner) -> bool:
    """An administrator, or an organisation editor or broker of the organisation running the venue."""
    if not _person(user):
        return False
    if is_administrator(user):
        return True
    return (
        has_role(user, Role.ORGANISATION_EDITOR, Role.BROKER)
        and partner.organisation_id is not None
        and user.organisation_id == partner.organisation_id
    )
