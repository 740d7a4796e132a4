"""Who may do what in volunteering.

- Anyone, signed in or not, sees the published opportunities and the events, and signs up to a
  shift (onto the waiting list when it is full).
- A volunteer cancels their own sign-up.
- An organisation's organisers (its editors, and administrators) run its volunteering: they add
  and change its opportunities and shifts, change a shift's places, see its rosters, mark who
  came, and cancel anyone's sign-up to its shifts.
- An organisation's organisers hold its events: they add and change them and add stalls for other
  organisations (or their own). Each stall's organisation's organisers choose which of its
  opportunities the stall offers, and see and manage the sign-ups it gathers.
- After an event, each organisation with a stall sees its own sign-ups from it; the organisation
  that held the event also sees the summary of the whole event.

Every predicate is false for an anonymous user. The organiser check is the one in
``accounts.permissions`` (:func:`~accounts.permissions.may_act_for_organisation`).
"""

from __future__ import annotations

from accounts.models import Organisation, User
from accounts.permissions import Requester, is_signed_in, may_act_for_organisation

from .models import Event, Shift, SignUp, Stall


def may_run_volunteering(user: Requester, organisation: Organisation | None) -> bool:
    """An organiser of ``organisation``'s volunteering: its editors and administrators."""
    return may_act_for_organisation(user, organisation)


def may_organise_own_volunteering(user: Requester) -> bool:
    """Whether the user runs the volunteering of the organisation they belong to (the
    "Your organisation's opportunities" pages)."""
    return isinstance(user, User) and is_signed_in(user) and may_run_volunteering(user, user.organisation)


def may_run_shift(user: Requester, shift: Shift) -> bool:
    """An organiser of the organisation whose opportunity the shift is for."""
    return may_run_volunteering(user, shift.opportunity.organisation)


def may_cancel_sign_up(user: Requester, signup: SignUp) -> bool:
    """The volunteer who signed up, or an organiser of the shift."""
    own = isinstance(user, User) and is_signed_in(user) and signup.user_id == user.pk
    return own or may_run_shift(user, signup.shift)


def may_see_event_summary(user: Requester, event: Event) -> bool:
    """The organisers of the organisation that held the event."""
    return may_run_volunteering(user, event.organisation)


def may_see_event_sign_ups(user: Requester, event: Event) -> bool:
    """The organisers of any organisation with a stall at the event, or of the one that held it."""
    if may_see_event_summary(user, event):
        return True
    return any(
        may_run_volunteering(user, stall.organisation)
        for stall in event.stalls.select_related("organisation")
    )


def may_run_event(user: Requester, event: Event) -> bool:
    """The organisers of the organisation holding the event: they change it and add its stalls."""
    return may_run_volunteering(user, event.organisation)


def may_run_stall(user: Requester, stall: Stall) -> bool:
    """The organisers of the stall's organisation: they choose what it offers and manage its sign-ups."""
    return may_run_volunteering(user, stall.organisation)
