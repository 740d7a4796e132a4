"""Who may do what with outcomes.

- Commissioners and administrators read the figures: reach, social value, the partner survey's
  results and the evaluation report. They are aggregates with small counts suppressed, and hold
  nothing about any one person.
- Staff whose work is with people (coordinators, link workers, brokers, administrators) record a
  person's questionnaires, goal ratings and outcomes, and read them, for the people whose records
  they may see (their teams' people; everyone's for administrators). Anyone else is refused, and a
  person out of their reach is answered as if there were no such person.
- A partner organisation answers the survey from its own link, without signing in: the link is
  the permission.
"""

from __future__ import annotations

from accounts.models import Role, User
from accounts.permissions import Requester, has_role, is_administrator, is_signed_in
from people.models import Person
from people.selectors import people_visible_to, works_with_people


def may_see_reports(user: Requester) -> bool:
    """Commissioners and administrators read reach, social value, survey results and the report."""
    return has_role(user, Role.COMMISSIONER) or is_administrator(user)


def may_record_outcomes(user: Requester) -> bool:
    """Whether the user's work is with people, and so with their outcomes (a commissioner,
    organisation editor or resident records none)."""
    return isinstance(user, User) and is_signed_in(user) and works_with_people(user)


def may_record_outcomes_for(user: Requester, person: Person) -> bool:
    """Someone who records outcomes, for a person whose record they may see."""
    if not isinstance(user, User) or not may_record_outcomes(user):
        return False
    return people_visible_to(user).filter(pk=person.pk).exists()
