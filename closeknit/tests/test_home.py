"""The home page: the residents' front door when signed out, each person's own next things when
signed in, and cheap either way (a few bounded reads, never the district figures)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, TeamFactory
from common.testing import sign_in
from directory.tests.factories import ScheduleFactory, ServiceFactory
from lending import services as lending_services
from lending.tests.factories import make_item
from people.models import IncomingReferral
from timebank import services as timebank_services
from timebank.tests.factories import make_member, make_timebank
from volunteering import services as volunteering_services
from volunteering.models import Event
from volunteering.tests.factories import make_opportunity, make_shift

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _groups_meeting_every_day(count: int) -> None:
    """``count`` listings meeting every day late in the evening (so still to come today)."""
    for n in range(count):
        ScheduleFactory(
            service=ServiceFactory(name=f"Night group {n}"),
            byday=",".join(WEEKDAYS),
            opens_at=time(23, 58),
            closes_at=time(23, 59),
        )


def _event(days: int = 1, **fields) -> Event:
    starts = timezone.now() + timedelta(days=days)
    defaults = {
        "title": "Volunteering evening",
        "organisation": OrganisationFactory(),
        "place": "Sale library",
    }
    return Event.objects.create(starts_at=starts, ends_at=starts + timedelta(hours=2), **(defaults | fields))


@pytest.mark.django_db
def test_signed_out_home_is_the_residents_front_door(client):
    page = client.get("/").content.decode()
    assert "Find support near you" in page
    assert 'name="q"' in page and 'name="postcode"' in page
    assert f'action="{reverse("directory:search")}"' in page
    assert "What's on this week" in page and reverse("whats_on") in page
    for name in ("volunteering:list", "timebank:list", "places:postcode", "accounts:sign_in"):
        assert f'href="{reverse(name)}"' in page, name
    assert "Join a timebank" in page


@pytest.mark.django_db
def test_the_home_search_reaches_the_directory_with_words_and_a_postcode(client):
    """The form's two fields are the directory search form's: it answers them (signed out)."""
    response = client.get(reverse("directory:search"), {"q": "lunch", "postcode": "banana"})
    assert response.status_code == 200
    assert "not a UK postcode" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["volunteering:list", "timebank:list", "directory:search", "whats_on"])
def test_the_ways_in_work_signed_out(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_home_shows_a_handful_of_whats_on_of_every_kind_soonest_first(client):
    _groups_meeting_every_day(8)
    _event(days=2, title="Soup and stalls")
    make_shift(make_opportunity(title="Litter pick")[0], days=1)
    whats_on = client.get("/").context["whats_on"]
    assert len(whats_on) == 5
    # Every kind there is, though the groups meeting today come sooner than the rest.
    assert [item.title for item in whats_on if item.kind != "Group"] == ["Litter pick", "Soup and stalls"]
    assert [item.starts for item in whats_on] == sorted(item.starts for item in whats_on)


@pytest.mark.django_db
def test_home_never_computes_the_district_figures(client, django_assert_max_num_queries):
    """Signed out, with groups, events and shifts to show: a few bounded reads at most, and none of
    them the district aggregate (the district page reads it stored)."""
    _groups_meeting_every_day(30)
    for n in range(10):
        _event(days=1 + n % 6, title=f"Event {n}")
        make_shift(make_opportunity(OrganisationFactory(), title=f"Role {n}")[0], days=1 + n % 6)
    with django_assert_max_num_queries(6) as queries:
        client.get("/")
    assert not any("places_lsoa" in q["sql"] for q in queries.captured_queries)
    # What's on is the same for everyone: the next visit within minutes reads nothing at all.
    with django_assert_max_num_queries(0):
        assert len(client.get("/").context["whats_on"]) == 5


@pytest.mark.django_db
def test_resident_home_queries_are_bounded(client, make_user, django_assert_max_num_queries):
    resident = make_user(Role.RESIDENT)
    sign_in(client, resident)
    _groups_meeting_every_day(10)
    with django_assert_max_num_queries(20):
        client.get("/")


@pytest.mark.django_db
def test_resident_sees_their_own_shifts_exchanges_and_applications(client, make_user):
    resident = make_user(Role.RESIDENT, full_name="Rita Resident")
    shift = make_shift(make_opportunity(title="Garden helper")[0], days=3)
    volunteering_services.sign_up(shift, user=resident)
    timebank, broker = make_timebank("Sale Timebank")
    neighbour = make_member(timebank, broker, full_name="Nell Neighbour")
    member = make_member(timebank, broker, email="rita2@example.org")
    timebank_services.propose_exchange(
        neighbour, timebank, giver=neighbour, receiver=member, hours=2, description="Put up shelves"
    )
    other_timebank, other_broker = make_timebank("Altrincham Timebank")
    timebank_services.apply_to_join(resident, other_timebank)
    sign_in(client, resident)
    page = _next_things(client.get("/").content.decode())
    assert "Garden helper" in page and reverse("volunteering:mine") in page
    assert "Altrincham Timebank" in page and "waiting for a broker" in page
    # The exchange was proposed to another member, not to this resident.
    assert "Put up shelves" not in page
    sign_in(client, member)
    page = _next_things(client.get("/").content.decode())
    assert "Put up shelves" in page
    assert reverse("timebank:member", args=[timebank.slug]) in page


@pytest.mark.django_db
def test_another_residents_shifts_and_exchanges_never_appear(client, make_user):
    """The attacker's view: a resident signed up to the same shift and in the same timebank as
    someone else sees only their own things on their home."""
    victim = make_user(Role.RESIDENT, full_name="Victor Victim", email="victor@example.org")
    attacker = make_user(Role.RESIDENT, full_name="Ada Attacker", email="ada@example.org")
    secret = make_shift(make_opportunity(title="Secret shift")[0], days=2)
    volunteering_services.sign_up(secret, user=victim)
    timebank, broker = make_timebank()
    victim_member = make_member(timebank, broker, full_name="Vera Victim")
    other = make_member(timebank, broker, full_name="Olive Other")
    timebank_services.propose_exchange(
        other, timebank, giver=other, receiver=victim_member, hours=1, description="Walked the dog"
    )
    timebank_services.apply_to_join(victim, make_timebank("Hidden Timebank")[0])
    sign_in(client, attacker)
    response = client.get("/")
    assert response.context["shifts"] == [] and response.context["exchanges_to_confirm"] == []
    page = _next_things(response.content.decode())
    for secret_text in ("Secret shift", "Walked the dog", "Hidden Timebank", "Victim", "Olive Other"):
        assert secret_text not in page, secret_text


@pytest.mark.django_db
def test_link_worker_sees_follow_ups_and_referrals_waiting_in_their_teams_inbox(client, make_user, team):
    link_worker = make_user(Role.LINK_WORKER, teams=[team])
    _incoming(team)
    _incoming(TeamFactory())  # another team's: not counted
    sign_in(client, link_worker)
    page = client.get("/").content.decode()
    assert "1 new referral waiting for an answer" in page
    assert reverse("people:inbox") in page
    assert "No follow-ups are due today." in page


def _incoming(team) -> IncomingReferral:
    return IncomingReferral.objects.create(
        team=team,
        referring_organisation="Sale GP practice",
        referrer_name="Dr Jones",
        referrer_email="gp@example.org",
        full_name="Pat Referred",
    )


def _next_things(page: str) -> str:
    """The signed-in person's own part of the home (what's on, below it, is public)."""
    return page[page.index("Your next things") : page.index("Find support near you")]


@pytest.mark.django_db
def test_half_signed_in_staff_see_none_of_their_own_things(client, make_user, team):
    """Password given, two-factor code not yet: the home shows nothing from their work."""
    link_worker = make_user(Role.LINK_WORKER, teams=[team])
    _incoming(team)
    sign_in(client, link_worker, two_factor=False)
    response = client.get("/", follow=True)
    assert "Your next things" not in response.content.decode()
    assert "new referral" not in response.content.decode()


@pytest.mark.django_db
def test_broker_sees_memberships_to_approve_and_exchanges_waiting(client, make_user):
    timebank, broker = make_timebank("Sale Timebank", needs_broker_approval=True)
    timebank_services.apply_to_join(make_user(Role.RESIDENT), timebank)
    sign_in(client, broker)
    page = _next_things(client.get("/").content.decode())
    assert "1 membership to approve" in page
    assert reverse("timebank:broker", args=[timebank.slug]) in page


@pytest.mark.django_db
def test_commissioner_home_links_to_reach_the_report_and_the_district_figures(client, make_user):
    sign_in(client, make_user(Role.COMMISSIONER))
    page = _next_things(client.get("/").content.decode())
    for name in ("outcomes:reach", "outcomes:report", "places:district"):
        assert reverse(name) in page, name


@pytest.mark.django_db
def test_organisation_editor_sees_listings_due_a_check_and_problems(client, make_user):
    from datetime import date

    from directory.models import ListingProblem

    organisation = OrganisationFactory()
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=organisation)
    stale = ServiceFactory(owner=organisation, provider__owner=organisation, last_checked=date(2020, 1, 1))
    ServiceFactory(owner=organisation, provider__owner=organisation)  # checked today
    ServiceFactory(last_checked=date(2020, 1, 1))  # another organisation's
    ListingProblem.objects.create(
        service=stale, kind=ListingProblem.Kind.choices[0][0], details="The phone number is wrong"
    )
    sign_in(client, editor)
    page = _next_things(client.get("/").content.decode())
    assert "1 listing due a check and 1 problem reported" in page
    assert reverse("directory:your_listings") in page


@pytest.mark.django_db
def test_a_resident_sees_their_own_loans_and_never_anothers(client, make_user):
    """Asked for, booked or out: each on the asker's home, linking to Your loans; another resident
    asking for the same thing sees only their own."""
    item, _ = make_item(name="Pressure washer")
    asker = make_user(Role.RESIDENT, full_name="Ann Asker")
    other = make_user(Role.RESIDENT, full_name="Olly Other")
    soon = timezone.localdate() + timedelta(days=3)
    lending_services.ask_to_borrow(asker, item, starts_on=soon, ends_on=soon, contact=asker.email)

    sign_in(client, asker)
    page = _next_things(client.get("/").content.decode())
    assert "You asked to borrow" in page and "Pressure washer" in page
    assert reverse("lending:yours") in page

    sign_in(client, other)
    page = _next_things(client.get("/").content.decode())
    assert "Pressure washer" not in page
