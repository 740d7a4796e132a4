"""Volunteering pages: opportunities, signing up with and without an account, your shifts and
calendar, the organiser's roster, and an event's stalls."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import sign_in
from volunteering import calendar
from volunteering.models import Event, SignUp, Stall
from volunteering.tests.factories import make_opportunity, make_shift


@pytest.fixture
def parkrun(db):
    opportunity, organiser = make_opportunity()
    return opportunity, organiser, make_shift(opportunity, places=1)


def test_resident_signs_up_sees_the_shift_and_adds_it_to_a_calendar(client, parkrun):
    opportunity, organiser, shift = parkrun
    volunteer = UserFactory(role=Role.RESIDENT)
    sign_in(client, volunteer)
    response = client.post(reverse("volunteering:opportunity", args=[opportunity.pk]), {"shift": shift.pk})
    assert response["Location"] == reverse("volunteering:mine")
    page = client.get(reverse("volunteering:mine")).content.decode()
    assert "Marshal at parkrun" in page and "Signed up" in page
    feed = client.get(reverse("volunteering:calendar", args=[calendar.token_for(volunteer)]))
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Marshal at parkrun (Sale parkrun)"]
    assert client.get(reverse("volunteering:calendar", args=["forged-token"])).status_code == 404


def test_without_an_account_a_name_and_contact_are_needed(client, parkrun):
    opportunity, organiser, shift = parkrun
    url = reverse("volunteering:opportunity", args=[opportunity.pk])
    page = client.post(url, {"shift": shift.pk, "name": "Stan"}).content.decode()
    assert "Give an email address or a phone number" in page and not SignUp.objects.exists()
    client.post(url, {"shift": shift.pk, "name": "Stan", "phone": "07700 900123"})
    client.post(url, {"shift": shift.pk, "name": "Val", "email": "val@example.org"})
    assert [(s.name, s.status) for s in SignUp.objects.order_by("pk")] == [
        ("Stan", "confirmed"),
        ("Val", "waiting"),
    ]


def test_only_the_organisation_sees_the_roster_and_marks_attendance(client, parkrun):
    opportunity, organiser, shift = parkrun
    signup = SignUp.objects.create(shift=shift, name="Stan", phone="07700 900123")
    url = reverse("volunteering:roster", args=[shift.pk])
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()))
    assert client.get(url).status_code == 403
    assert client.post(url, {"sign_up": signup.pk, "attended": "yes"}).status_code == 403
    sign_in(client, organiser)
    assert "07700 900123" in client.get(url).content.decode()
    client.post(url, {"sign_up": signup.pk, "attended": "yes"})  # too early: the shift has not started
    signup.refresh_from_db()
    assert signup.status == "confirmed"


@pytest.fixture
def fair(db):
    council = OrganisationFactory(name="Trafford Council")
    event = Event.objects.create(
        title="Give your time locally",
        organisation=council,
        place="Sale Waterside",
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    stalls = []
    for name, role in [("Sale parkrun", "Marshal at parkrun"), ("Pumpkin fair", "Carve pumpkins")]:
        opportunity, organiser = make_opportunity(OrganisationFactory(name=name), title=role)
        make_shift(opportunity, places=5)
        stall = Stall.objects.create(event=event, organisation=opportunity.organisation)
        stall.opportunities.add(opportunity)
        stalls.append((stall, organiser))
    return event, stalls, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)


def test_at_an_event_someone_signs_up_to_several_things_at_once(client, fair):
    event, stalls, council_editor = fair
    url = reverse("volunteering:event", args=[event.pk])
    shifts = [s.pk for stall, _ in stalls for o in stall.opportunities.all() for s in o.shifts.all()]
    response = client.post(url, {"shifts": shifts, "name": "Jo", "email": "jo@example.org"})
    assert response.status_code == 302
    assert SignUp.objects.filter(event=event, email="jo@example.org").count() == 2
    again = client.post(url, {"shifts": shifts, "name": "Jo", "email": "JO@example.org"}, follow=True)
    said = again.content.decode()
    assert "You were already signed up to Marshal at parkrun (" in said and "Carve pumpkins (" in said
    assert SignUp.objects.count() == 2  # the same person: no second place
    assert (
        "Choose at least one thing"
        in client.post(url, {"name": "Al", "email": "al@example.org"}).content.decode()
    )
    stall, parkrun_organiser = stalls[0]
    sign_in(client, parkrun_organiser)
    mine = client.get(reverse("volunteering:event_sign_ups", args=[event.pk])).content.decode()
    assert "Marshal at parkrun" in mine and "Carve pumpkins" not in mine and "in numbers" not in mine
    sign_in(client, council_editor)
    summary = client.get(reverse("volunteering:event_sign_ups", args=[event.pk])).content.decode()
    assert "2 organisations had stalls" in summary and "1 person signed up 2 times; 1 of them" in summary
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("volunteering:event_sign_ups", args=[event.pk])).status_code == 403


def test_the_same_details_sent_twice_at_an_event_take_one_place_each(client, fair):
    """The attacker's double sign-up: the same name and phone twice, in another letter case and
    spacing; the confirmation names each shift and says which are on a waiting list."""
    event, stalls, council_editor = fair
    url = reverse("volunteering:event", args=[event.pk])
    marshal = stalls[0][0].opportunities.get().shifts.get()
    carving = stalls[1][0].opportunities.get().shifts.get()
    carving.places = 1
    carving.save()
    SignUp.objects.create(shift=carving, name="Already there", phone="0161 000 0000")
    first = client.post(
        url, {"shifts": [marshal.pk, carving.pk], "name": "Jo Bloggs", "phone": "07700 900123"}, follow=True
    )
    said = first.content.decode()
    assert "you are signed up to 2 shifts: Marshal at parkrun (" in said
    assert "Carve pumpkins (" in said and ", on the waiting list)" in said
    again = client.post(
        url, {"shifts": [marshal.pk, carving.pk], "name": "jo BLOGGS", "phone": "077009 00123"}, follow=True
    )
    assert "You were already signed up to Marshal at parkrun (" in again.content.decode()
    assert SignUp.objects.filter(shift=marshal).count() == 1
    assert SignUp.objects.filter(shift=carving, status="waiting").count() == 1


def test_the_organiser_marks_someone_came_with_the_hours_they_gave(client, parkrun):
    opportunity, organiser, shift = parkrun
    signup = SignUp.objects.create(shift=shift, name="Stan", phone="07700 900123")
    shift.starts_at, shift.ends_at = timezone.now() - timedelta(hours=3), timezone.now() - timedelta(hours=1)
    shift.save()
    url = reverse("volunteering:roster", args=[shift.pk])
    sign_in(client, organiser)
    assert 'value="2"' in client.get(url).content.decode()  # the scheduled hours, to change
    refused = client.post(url, {"sign_up": signup.pk, "attended": "yes", "hours": "lots"}, follow=True)
    assert "Enter the hours as a number" in refused.content.decode()
    refused = client.post(url, {"sign_up": signup.pk, "attended": "yes", "hours": "30"}, follow=True)
    assert "Give the hours as quarter hours from 0.25 to 24" in refused.content.decode()
    signup.refresh_from_db()
    assert signup.status == "confirmed" and signup.hours is None
    done = client.post(url, {"sign_up": signup.pk, "attended": "yes", "hours": "2.5"}, follow=True)
    assert "Stan came: 2.5 hours recorded." in done.content.decode()
    signup.refresh_from_db()
    assert signup.status == "attended" and str(signup.hours) == "2.50"
    client.post(url, {"sign_up": signup.pk, "attended": "no", "hours": "lots"})  # hours unused
    signup.refresh_from_db()
    assert signup.status == "no_show"


def test_the_confirmation_names_the_shift_and_says_when_it_is_a_waiting_list(client, parkrun):
    opportunity, organiser, shift = parkrun
    url = reverse("volunteering:opportunity", args=[opportunity.pk])
    first = client.post(url, {"shift": shift.pk, "name": "Stan", "phone": "07700 900123"}, follow=True)
    assert "You are signed up: Marshal at parkrun (" in first.content.decode()
    waiting = client.post(url, {"shift": shift.pk, "name": "Val", "email": "val@example.org"}, follow=True)
    said = waiting.content.decode()
    assert "you are on the waiting list for Marshal at parkrun (" in said
    again = client.post(url, {"shift": shift.pk, "name": "val", "email": "VAL@example.org"}, follow=True)
    assert "You were already signed up: Marshal at parkrun (" in again.content.decode()
    assert SignUp.objects.filter(shift=shift).count() == 2
