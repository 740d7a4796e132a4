"""Who may do what with person records, in plain words:

- Only the roles whose work means reading person records (coordinators, link workers, brokers and
  administrators) work with people at all; everyone else is turned away (403), whatever the record.
- Of those, each sees the people of their own teams, administrators everyone; an erased record no
  one. Who sees a record may add to it and change it (``people_visible_to`` in ``selectors`` says
  which records: a predicate here asks it about one).
- Safeguarding notes, and so the subject access copy that holds them, are read only by the person's
  coordinator and their team's leads.
- Erasing a record is for the team's leads and administrators.
- Drop-ins are seen and run by the team holding them (every team's by administrators).
- A team's referral inbox (referrals sent in through a referral link or the API) is worked by
  the team's members who work with people (every team's by administrators, as for records).
- Referral links are made and revoked by the team's leads and administrators.

Predicates never raise and are false for an anonymous or inactive user; a service that refuses
raises ``common.errors.NotPermitted`` (or ``NotVisible`` where the record must not be given away).
"""

from __future__ import annotations

from typing import TypeGuard

from accounts.models import ROLES_THAT_SEE_PERSON_RECORDS, Team, TeamMembership, User
from accounts.permissions import Requester, is_administrator, is_signed_in

from . import selectors
from .models import DropInSession, IncomingReferral, Person


def has_role_that_reads_records(user: User) -> bool:
    """Whether the account's role is one whose work means reading person records, signed in or
    not: also asked of the coordinator named on a record, who need not be the one asking."""
    return bool(user.is_superuser or user.role in ROLES_THAT_SEE_PERSON_RECORDS)


def may_work_with_people(user: Requester) -> TypeGuard[User]:
    """Signed in with a role whose work means reading person records (so, when true, an account:
    a ``TypeGuard``, for the type checker)."""
    return isinstance(user, User) and is_signed_in(user) and has_role_that_reads_records(user)


def may_see_everyone(user: Requester) -> bool:
    """Administrators see every team's people and drop-ins; everyone else only their teams'."""
    return may_work_with_people(user) and is_administrator(user)


def _leads_team(user: User, team_id: int) -> bool:
    return TeamMembership.objects.filter(team_id=team_id, user=user, is_lead=True).exists()


def may_see_person(user: Requester, person: Person) -> bool:
    """Whether ``person``'s record is one this user may see (and so add to and change)."""
    if not may_work_with_people(user):
        return False
    return selectors.people_visible_to(user).filter(pk=person.pk).exists()


def may_change_person(user: Requester, person: Person) -> bool:
    """Whoever may see a record may add to it and change it."""
    return may_see_person(user, person)


def may_read_safeguarding(user: Requester, person: Person) -> bool:
    """Safeguarding notes are for the person's coordinator and their team's leads only."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    if person.coordinator_id == user.pk:
        return True
    return _leads_team(user, person.team_id)


def may_request_subject_access(user: Requester, person: Person) -> bool:
    """The subject access copy holds the safeguarding notes, so it is for those who may read them
    (the service asks this of a person the user may already see)."""
    return may_read_safeguarding(user, person)


def may_erase_person(user: Requester, person: Person) -> bool:
    """Erasing a record is for the team's leads and administrators."""
    if not may_work_with_people(user):
        return False
    if is_administrator(user):
        return True
    return _leads_team(user, person.team_id)


def may_see_drop_in(user: Requester, session: DropInSession) -> bool:
    """Whether this user's teams hold the drop-in (any team's, for administrators): then they may
    see who came and log more."""
    if not may_work_with_people(user):
        return False
    return selectors.drop_ins_visible_to(user).filter(pk=session.pk).exists()


def may_work_inbox(user: Requester, team: Team) -> bool:
    """Whether this user works ``team``'s referral inbox: a member who works with people (any
    team's, for administrators)."""
    if not may_work_with_people(user):
        return False
    return is_administrator(user) or TeamMembership.objects.filter(team=team, user=user).exists()


def may_see_incoming_referral(user: Requester, incoming: IncomingReferral) -> bool:
    """Whether this user may read (and so accept, decline or ask about) an incoming referral."""
    if not may_work_with_people(user):
        return False
    return selectors.incoming_referrals_visible_to(user).filter(pk=incoming.pk).exists()


def may_manage_referral_links(user: Requester, team: Team) -> bool:
    """Referral links (who may send referrals into the team's inbox) are made and revoked by
    the team's leads and by administrators."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    return is_administrator(user) or _leads_team(user, team.pk)
