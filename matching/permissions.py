"""Who may do what with suggestions, in plain words:

- A person's suggestions (and dismissing one, bringing one back, introducing from one) are for
  whoever may see the person's record (``people.permissions.may_see_person``): the same rule as the
  person's page, so another team's person is a 404 and a role that reads no records a 403.
- Every team's weights are shown to its members who work with people (every team's to
  administrators). They are changed by the team's leads, who answer for how their team works,
  and by administrators; everyone else sees them read-only.
"""

from __future__ import annotations

from accounts.models import Team, TeamMembership
from accounts.permissions import Requester, is_administrator
from people.models import Person
from people.permissions import may_see_person, may_work_with_people

__all__ = ["may_change_team_weights", "may_see_suggestions", "may_see_team_weights"]


def may_see_suggestions(user: Requester, person: Person) -> bool:
    """The person's suggestions follow their record: whoever may see it."""
    return may_see_person(user, person)


def may_see_team_weights(user: Requester, team: Team) -> bool:
    """A member of the team who works with people, or an administrator."""
    if not may_work_with_people(user):
        return False
    return is_administrator(user) or TeamMembership.objects.filter(team=team, user=user).exists()


def may_change_team_weights(user: Requester, team: Team) -> bool:
    """The team's leads and administrators."""
    if not may_work_with_people(user):
        return False
    return (
        is_administrator(user) or TeamMembership.objects.filter(team=team, user=user, is_lead=True).exists()
    )
