"""Saving a listing on the editors' page changes the venue it shows and keeps everything else.

A listing can meet at several venues (an Open Referral import brings them), and a venue can be
shared by several listings. The form shows one venue: saving must change that one in place, keep
the others with their sessions, and never change a venue under another organisation's listing.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from common.testing import sign_in
from directory.models import Location, ServiceAtLocation
from directory.selectors import edited_venue
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory
from places.tests.factories import PostcodeFactory


@pytest.fixture
def own(db):
    organisation = OrganisationFactory(name="Stretford Neighbours")
    return ServiceFactory(name="Stretford lunch club", provider__owner=organisation, owner=organisation)


@pytest.fixture
def editor(own, make_user):
    return make_user(Role.ORGANISATION_EDITOR, organisation=own.owner)


@pytest.fixture
def postcode(db):
    return PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)


def _post(client, listing, *, with_session=True, **venue):
    data = {
        "listing-name": listing.name,
        "listing-description": "A hot lunch and good company.",
        "listing-cost": "free",
        "listing-status": "active",
        "listing-listing_status": "published",
        "listing-review_interval_days": "180",
        "venue-venue_name": "St Hilda's Hall",
        "venue-address": "1 Chester Road",
        "venue-town": "Stretford",
        "venue-venue_postcode": "M32 0TH",
        "session-days": ["TU"],
        "session-opens_at": "12:00",
        "session-closes_at": "14:00",
    }
    if not with_session:  # the listing keeps sessions the form cannot show: leave them be
        data = {name: value for name, value in data.items() if not name.startswith("session-")}
    data.update({f"venue-{name}": value for name, value in venue.items()})
    response = client.post(reverse("directory:edit_listing", args=[listing.pk]), data)
    assert response.status_code == 302, response.content.decode()
    return response


def _link(listing, location):
    return ServiceAtLocation.objects.create(service=listing, location=location)


def test_saving_changes_the_shown_venue_in_place_and_keeps_its_other_details(client, editor, own, postcode):
    venue = LocationFactory(name="Old hall", description="Up the ramp at the side.")
    _link(own, venue)
    _post(sign_in(client, editor), own)
    venue.refresh_from_db()
    assert (venue.name, venue.postcode, venue.description) == (
        "St Hilda's Hall",
        postcode,
        "Up the ramp at the side.",
    )
    assert Location.objects.count() == 1  # no copy left behind by each save


def test_saving_twice_makes_no_new_venue(client, editor, own, postcode):
    signed_in = sign_in(client, editor)
    _post(signed_in, own)
    _post(signed_in, own)
    assert Location.objects.count() == 1 and own.service_at_locations.count() == 1


def test_a_second_venue_and_its_sessions_are_kept(client, editor, own, postcode):
    first, second = LocationFactory(name="First hall"), LocationFactory(name="Second hall")
    shown = _link(own, first)
    other = _link(own, second)
    if edited_venue(own).pk != shown.pk:  # the form shows the first venue in a fixed order
        shown, other = other, shown
    ScheduleFactory(service=own, service_at_location=other, byday="FR")
    page = sign_in(client, editor).get(reverse("directory:edit_listing", args=[own.pk]))
    assert "also meets at other venues" in page.content.decode()
    assert other.location.name in page.content.decode()

    _post(client, own, with_session=False, venue_name="Renamed hall")

    assert set(own.service_at_locations.values_list("pk", flat=True)) == {shown.pk, other.pk}
    other.refresh_from_db()
    assert other.location.name in {"First hall", "Second hall"}
    assert other.location.name != "Renamed hall"
    shown.location.refresh_from_db()
    assert shown.location.name == "Renamed hall"
    assert other.schedules.get().byday == "FR"


def test_a_venue_shared_with_another_listing_is_not_changed_under_it(client, editor, own, postcode):
    shared = LocationFactory(name="Shared hall")
    neighbours = ServiceFactory(name="Another group's club")
    _link(own, shared)
    _link(neighbours, shared)

    _post(sign_in(client, editor), own, venue_name="Our own name for it")

    shared.refresh_from_db()
    assert shared.name == "Shared hall"
    assert neighbours.service_at_locations.get().location == shared
    assert own.service_at_locations.get().location.name == "Our own name for it"


def test_emptying_the_venue_removes_only_that_venue(client, editor, own, postcode):
    first, second = LocationFactory(name="First hall"), LocationFactory(name="Second hall")
    _link(own, first)
    _link(own, second)
    shown = edited_venue(own).location

    _post(sign_in(client, editor), own, venue_name="", address="", town="", venue_postcode="")

    assert own.service_at_locations.count() == 1
    assert own.service_at_locations.get().location != shown
    assert not Location.objects.filter(pk=shown.pk).exists()  # no listing meets there now
