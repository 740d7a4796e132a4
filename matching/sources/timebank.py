"""Timebank offers, and members whose skills fit, as candidates: only from timebanks the viewer
may see inside.

Who may see what follows the timebank's own rules (``timebank.permissions``): a timebank's board
(its offers and requests, with who wrote them) and its members are seen only by its members
(active or paused) and its brokers (``may_see_inside_timebank``); anyone else, a coordinator
included, is answered as if they were not there. No timebank shows its board or its members to the
public, so a resident on the public form (``context.viewer`` is ``None``) gets nothing from here.

- **offer**: an open offer on the board of a timebank the viewer sees inside, by an active member
  (a paused member or one who left cannot give the time now).
- **member**: an active member of such a timebank, through ``timebank.selectors.members_visible_to``.
  A member's skills are what they offer: the titles, words and categories of their open offers, so
  a member with no open offer has no skills to match and is not suggested.

Neither the viewer nor the person the suggestions are for (through the sign-in they confirmed is
theirs) is suggested to themself. Time in a timebank is paid in hours, never money: free.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse

from accounts.permissions import is_signed_in
from matching.ranking import Candidate, Cost, Profile
from matching.sources import Context, Found
from timebank.models import Membership, Post, Timebank
from timebank.permissions import may_see_inside_timebank
from timebank.selectors import board, members_visible_to


def timebanks_seen_inside_by(viewer: Any) -> list[Timebank]:
    """The timebanks whose board and members ``viewer`` may see: none for someone signed out."""
    if viewer is None or not is_signed_in(viewer):
        return []
    return [
        timebank
        for timebank in Timebank.objects.order_by("name")
        if may_see_inside_timebank(viewer, timebank)
    ]


def _not_suggested_to_themself(context: Context) -> set[int]:
    """The sign-ins never suggested: the viewer's own and the person's confirmed one."""
    own = {context.viewer.pk} if context.viewer is not None and context.viewer.pk else set()
    if context.person is not None and context.person.confirmed_account is not None:
        own.add(context.person.confirmed_account.pk)
    return own


def _open_offers(timebank: Timebank, leave_out: set[int]) -> list[Post]:
    offers = board(timebank, kind=Post.Kind.OFFER).filter(author__status=Membership.Status.ACTIVE)
    return [post for post in offers if post.author.user_id not in leave_out]


def _offer_text(post: Post) -> str:
    parts = [post.title, post.description, ", ".join(post.tag_list)]
    if post.category is not None:
        parts.append(post.category.name)
    return ". ".join(part.strip() for part in parts if part and part.strip())


def find_offers(profile: Profile, context: Context) -> Found:
    """Open offers on the boards of the timebanks the viewer sees inside, newest first, at most
    ``context.limit``."""
    leave_out = _not_suggested_to_themself(context)
    candidates: list[Candidate] = []
    for timebank in timebanks_seen_inside_by(context.viewer):
        for post in _open_offers(timebank, leave_out):
            candidates.append(
                Candidate(
                    key=f"offer:{post.pk}",
                    kind="offer",
                    title=f"{post.title}, offered in {timebank.name}",
                    text=_offer_text(post),
                    url=reverse("timebank:post", args=[post.pk]),
                    venue=timebank.name,
                    cost=Cost.FREE,
                )
            )
    return Found(candidates=candidates[: context.limit])


def find_members(profile: Profile, context: Context) -> Found:
    """Active members, of the timebanks the viewer sees inside, who offer something; their skills
    are what they offer. At most ``context.limit``."""
    leave_out = _not_suggested_to_themself(context)
    candidates: list[Candidate] = []
    for timebank in timebanks_seen_inside_by(context.viewer):
        visible = set(members_visible_to(context.viewer, timebank).values_list("pk", flat=True))
        offers: dict[int, list[Post]] = defaultdict(list)
        for post in _open_offers(timebank, leave_out):
            if post.author.user_id in visible:
                offers[post.author_id].append(post)
        for posts in offers.values():
            member = posts[0].author
            candidates.append(
                Candidate(
                    key=f"member:{member.pk}",
                    kind="member",
                    title=f"{member.user.full_name}, a member of {timebank.name}",
                    text=". ".join(_offer_text(post) for post in posts),
                    url=reverse("timebank:post", args=[posts[0].pk]),
                    venue=timebank.name,
                    cost=Cost.FREE,
                )
            )
    return Found(candidates=candidates[: context.limit])
