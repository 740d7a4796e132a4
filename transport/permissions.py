"""Who may do what in community transport.

- A scheme is run by its team: the team's members whose work means reading person records
  (coordinators, link workers, brokers) coordinate it (passengers, eligibility, trips, drivers,
  vehicles, assignment, claims); administrators coordinate every scheme. An organisation editor
  or a resident on the team does not: passengers' records are person data.
- Whoever may see a passenger (``selectors.passengers_visible_to``: the teams of the schemes they
  were assessed for, and anyone who may see their person record under ``people``' rules, such as a
  link worker booking "a ride to this introduction") may ask for a ride for them.
- A resident asks for rides for themselves (their passenger record is linked to their sign-in, or
  to the person record they have confirmed is theirs).
- A driver sees their own manifest (only what the journey needs), records their runs' odometer
  readings and their trips' outcomes.

Predicates never raise and are false for an anonymous or inactive user.
"""

from __future__ import annotations

from accounts.models import TeamMembership, User
from accounts.permissions import Requester, is_administrator, is_signed_in
from people.permissions import may_work_with_people

from . import selectors
from .models import Driver, Passenger, Run, Scheme, Trip


def may_coordinate_scheme(user: Requester, scheme: Scheme) -> bool:
    """An administrator, or a member of the scheme's team who works with people."""
    if not may_work_with_people(user):
        return False
    if is_administrator(user):
        return True
    return TeamMembership.objects.filter(team_id=scheme.team_id, user=user).exists()


def is_own_passenger_record(user: Requester, passenger: Passenger) -> bool:
    """The passenger is the signed-in resident: by their sign-in, or their confirmed person record."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    if passenger.account_id is not None:
        return passenger.account_id == user.pk
    person = passenger.person
    return person is not None and person.erased_at is None and person.confirmed_account == user


def may_request_trip(user: Requester, passenger: Passenger, scheme: Scheme) -> bool:
    """The passenger themselves, or someone who may see the passenger (``selectors``: the teams of
    the schemes they were assessed for, and whoever may see their person record, such as a link
    worker booking a ride to an introduction). The scheme is the one asked of; the service then
    checks the passenger may use it."""
    if is_own_passenger_record(user, passenger):
        return True
    return selectors.passengers_visible_to(user).filter(pk=passenger.pk).exists()


def may_drive(user: Requester, driver: Driver) -> bool:
    """The driver themselves, signed in and still driving."""
    return isinstance(user, User) and is_signed_in(user) and driver.user_id == user.pk and driver.is_active


def may_record_outcome(user: Requester, trip: Trip) -> bool:
    """The scheme's coordinators, or the driver the trip is assigned to."""
    if may_coordinate_scheme(user, trip.scheme):
        return True
    return trip.run is not None and may_drive(user, trip.run.driver)


def may_record_odometer(user: Requester, run: Run) -> bool:
    """The run's driver, or a coordinator of the scheme whose vehicle it is."""
    return may_drive(user, run.driver) or may_coordinate_scheme(user, run.vehicle.scheme)


def may_export_claims(user: Requester, scheme: Scheme) -> bool:
    """The scheme's coordinators (who pass the export to the treasurer), and administrators."""
    return may_coordinate_scheme(user, scheme)


def may_see_scheme_reports(user: Requester, scheme: Scheme) -> bool:
    """The scheme's coordinators and administrators: the same people as its day board. (A
    commissioner reads transport's figures in the evaluation report, across the district.)"""
    return may_coordinate_scheme(user, scheme)


def may_award_run_credits(user: Requester, run: Run) -> bool:
    """A coordinator of the scheme whose vehicle made the run."""
    return may_coordinate_scheme(user, run.vehicle.scheme)


def may_coordinate_driver(user: Requester, driver: Driver) -> bool:
    """A coordinator of any scheme the driver drives for (administrators: every driver)."""
    if not may_work_with_people(user):
        return False
    if is_administrator(user):
        return True
    return TeamMembership.objects.filter(team__transport_schemes__drivers=driver, user=user).exists()
