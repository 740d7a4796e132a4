"""Who may do what with neighbourhood teams.

Anyone who works with Closeknit (every role but a resident) reads the teams: their members,
priorities, measures and survey results, which hold nothing about any one person. Only a team's
own members, and administrators, change a team: they change its name, area and description, add
and remove its members, add and set aside its priorities, add measures of success, record
readings and record survey rounds. Administrators set up new teams.
"""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Requester, is_administrator, is_signed_in, is_staff_member

from .models import NeighbourhoodTeam


def may_see_teams(user: Requester) -> bool:
    """Everyone on the staff side reads the neighbourhood teams' pages; residents do not."""
    return is_staff_member(user)


def may_record_for_team(user: Requester, team: NeighbourhoodTeam) -> bool:
    """A member of ``team`` (or an administrator) sets its priorities and measures and records its
    readings and survey rounds."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    if is_administrator(user):
        return True
    return team.memberships.filter(user=user).exists()


def may_create_team(user: Requester) -> bool:
    """Administrators set up a neighbourhood team (its members then run it)."""
    return is_administrator(user)


def may_change_team(user: Requester, team: NeighbourhoodTeam) -> bool:
    """Those who record for the team also change its name, area, description and members."""
    return may_record_for_team(user, team)
