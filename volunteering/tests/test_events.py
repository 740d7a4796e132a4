"""Events and stalls on their own pages: the organiser adds and changes an event and its stalls;
each stall's organisation chooses what it offers and manages the sign-ups it gathers."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import assert_denied, sign_in
from volunteering import permissions, services
from volunteering.models import Event, SignUp, Stall
from volunteering.tests.factories import make_opportunity, make_shift


@pytest.fixture
def fair(db):
    """Trafford Council's event, with a stall for Sale parkrun (one opportunity with a shift)."""
    council = OrganisationFactory(name="Trafford Council")
    organiser = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    event = Event.objects.create(
        title="Give your time locally",
        organisation=council,
        place="Sale Waterside",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    marshal, parkrun_editor = make_opportunity(OrganisationFactory(name="Sale parkrun"))
    shift = make_shift(marshal, places=5, days=3)
    stall = Stall.objects.create(event=event, organisation=marshal.organisation)
    stall.opportunities.add(marshal)
    return {
        "event": event,
        "organiser": organiser,
        "stall": stall,
        "parkrun_editor": parkrun_editor,
        "shift": shift,
        "marshal": marshal,
    }


def _outsiders(fair):
    """Everyone who must not run the event: another organisation's editor, a resident, a
    coordinator of the council, signed out."""
    return {
        "another organisation's editor": UserFactory(
            role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()
        ),
        "resident": UserFactory(role=Role.RESIDENT),
        "council coordinator": UserFactory(role=Role.COORDINATOR, organisation=fair["event"].organisation),
        "signed out": None,
    }


def _as(client, user):
    client.logout()
    if user is not None:
        sign_in(client, user)


def _event_form(**changes):
    day = timezone.localdate() + timedelta(days=14)
    return {
        "title": "Autumn volunteering fair",
        "description": "Stalls from local groups.",
        "venue": "",
        "place": "Stretford Public Hall",
        "on": day.isoformat(),
        "starts_at": "18:00",
        "ends_at": "20:00",
    } | changes


def test_an_organiser_adds_an_event_and_is_taken_to_its_stalls_and_sign_ups(client, fair):
    sign_in(client, fair["organiser"])
    response = client.post(reverse("volunteering:add_event"), _event_form())
    made = Event.objects.get(title="Autumn volunteering fair")
    assert response["Location"] == reverse("volunteering:event_sign_ups", args=[made.pk])
    assert made.organisation == fair["event"].organisation
    assert timezone.localtime(made.starts_at).hour == 18 and made.place == "Stretford Public Hall"
    organise = client.get(reverse("volunteering:organise")).content.decode()
    assert reverse("volunteering:event_sign_ups", args=[made.pk]) in organise
    assert reverse("volunteering:event", args=[made.pk]) in organise
    assert reverse("volunteering:edit_event", args=[made.pk]) in organise


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "17:00"}, "The end must be after the start"),
        ({"place": ""}, "Choose a venue, or say where it is"),
        ({"title": ""}, "Give the event a title"),
        ({"on": "31/02/2027"}, "The date must be a real date"),
        ({"on": (timezone.localdate() - timedelta(days=2)).isoformat()}, "cannot start in the past"),
        ({"venue": "999999"}, "Choose a venue from the list"),
        ({"venue": "6f1c0a52-8d7e-4c59-9a55-3c2d1f0e9b11"}, "Choose a venue from the list"),
    ],
)
def test_a_bad_event_is_refused_with_the_message_and_nothing_is_saved(client, fair, changes, message):
    sign_in(client, fair["organiser"])
    response = client.post(reverse("volunteering:add_event"), _event_form(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Event.objects.filter(title="Autumn volunteering fair").exists()


def test_the_organiser_and_an_administrator_change_the_event_and_no_one_else(client, fair):
    event, url = fair["event"], reverse("volunteering:edit_event", args=[fair["event"].pk])
    for who, user in _outsiders(fair).items() | {"stall's editor": fair["parkrun_editor"]}.items():
        _as(client, user)
        assert_denied(client.get(url))
        assert_denied(client.post(url, _event_form(title="Taken over")))
        assert not Event.objects.filter(title="Taken over").exists(), who
    _as(client, fair["organiser"])
    assert "Give your time locally" in client.get(url).content.decode()
    client.post(url, _event_form(title="Give your time, Sale"))
    _as(client, UserFactory(role=Role.ADMINISTRATOR))
    client.post(url, _event_form(title="Give your time, Trafford"))
    event.refresh_from_db()
    assert event.title == "Give your time, Trafford"


def test_only_an_organiser_with_an_organisation_adds_events(client, fair):
    outsiders = _outsiders(fair)
    del outsiders["another organisation's editor"]  # adds events for their own organisation
    for user in [*outsiders.values(), UserFactory(role=Role.ADMINISTRATOR)]:  # (no organisation)
        _as(client, user)
        assert_denied(client.post(reverse("volunteering:add_event"), _event_form()))
    assert not Event.objects.filter(title="Autumn volunteering fair").exists()
    with pytest.raises(NotPermitted):
        services.save_event(UserFactory(role=Role.RESIDENT), fair["event"].organisation, None, {})
    with pytest.raises(NotVisible):
        services.save_event(fair["parkrun_editor"], fair["stall"].organisation, fair["event"], {})


def test_the_organiser_adds_a_stall_choosing_from_the_organisations_without_one(client, fair):
    event, url = fair["event"], reverse("volunteering:add_stall", args=[fair["event"].pk])
    larder = OrganisationFactory(name="Partington larder")
    sign_in(client, fair["organiser"])
    offered = client.get(url).content.decode()
    assert "Partington larder" in offered and "Sale parkrun" not in offered  # it has one already
    response = client.post(url, {"organisation": larder.pk})
    assert response["Location"] == reverse("volunteering:event_sign_ups", args=[event.pk])
    assert event.stalls.filter(organisation=larder).exists()
    again = client.post(url, {"organisation": larder.pk}).content.decode()
    assert "Choose an organisation from the list" in again
    with pytest.raises(ValidationError, match="already has a stall"):
        services.add_stall(fair["organiser"], event, larder)
    assert event.stalls.count() == 2
    own = client.post(url, {"organisation": event.organisation.pk})  # the council's own stall
    own_stall = event.stalls.get(organisation=event.organisation)
    assert own["Location"] == reverse("volunteering:stall", args=[own_stall.pk])


def test_no_one_but_the_organiser_adds_stalls(client, fair):
    url = reverse("volunteering:add_stall", args=[fair["event"].pk])
    for user in [*_outsiders(fair).values(), fair["parkrun_editor"]]:
        _as(client, user)
        assert_denied(client.post(url, {"organisation": OrganisationFactory().pk}))
    assert fair["event"].stalls.count() == 1
    with pytest.raises(NotPermitted):
        services.add_stall(fair["parkrun_editor"], fair["event"], OrganisationFactory())


def test_a_stalls_editor_sees_and_manages_its_own_sign_ups(client, fair):
    stall, shift = fair["stall"], fair["shift"]
    services.sign_up_at_event(fair["event"], [shift], name="Jo Bloggs", phone="07700 900123")
    sign_in(client, fair["parkrun_editor"])
    hub = client.get(reverse("volunteering:event_sign_ups", args=[fair["event"].pk]))
    assert hub.status_code == 200
    hub_page = hub.content.decode()
    assert "Jo Bloggs" in hub_page and reverse("volunteering:stall", args=[stall.pk]) in hub_page
    assert reverse("volunteering:roster", args=[shift.pk]) in hub_page
    page = client.get(reverse("volunteering:stall", args=[stall.pk])).content.decode()
    assert "Jo Bloggs" in page and "07700 900123" in page
    assert reverse("volunteering:roster", args=[shift.pk]) in page
    assert client.get(reverse("volunteering:roster", args=[shift.pk])).status_code == 200


def test_a_stalls_editor_chooses_what_it_offers_from_its_own_open_opportunities(client, fair):
    stall = fair["stall"]
    run, _ = make_opportunity(stall.organisation, title="Tail walker")
    theirs, _ = make_opportunity(OrganisationFactory(), title="Someone else's role")
    sign_in(client, fair["parkrun_editor"])
    url = reverse("volunteering:stall", args=[stall.pk])
    assert "Someone else&#x27;s role" not in client.get(url).content.decode()
    client.post(url, {"opportunities": [run.pk]})
    assert list(stall.opportunities.all()) == [run]
    refused = client.post(url, {"opportunities": [run.pk, theirs.pk]}).content.decode()
    assert "Choose from your organisation&#x27;s open opportunities" in refused
    with pytest.raises(ValidationError, match="open opportunities"):
        services.choose_stall_opportunities(fair["parkrun_editor"], stall, [theirs])
    assert list(stall.opportunities.all()) == [run]


def test_a_stalls_sign_ups_are_for_its_own_organisation_only(client, fair):
    stall = fair["stall"]
    services.sign_up_at_event(fair["event"], [fair["shift"]], name="Jo Bloggs", phone="07700 900123")
    url = reverse("volunteering:stall", args=[stall.pk])
    # The event's organiser sees how many signed up at each stall, not who: that is the stall's.
    for user in [*_outsiders(fair).values(), fair["organiser"]]:
        _as(client, user)
        assert_denied(client.get(url))
        assert_denied(client.post(url, {"opportunities": []}))
    assert stall.opportunities.count() == 1
    with pytest.raises(NotPermitted):
        services.choose_stall_opportunities(fair["organiser"], stall, [])
    _as(client, fair["organiser"])
    hub = client.get(reverse("volunteering:event_sign_ups", args=[fair["event"].pk])).content.decode()
    assert "Sale parkrun" in hub and "Jo Bloggs" not in hub and "Add a stall" in hub


def test_the_event_page_links_its_organisers_to_the_stalls_and_sign_ups(client, fair):
    url, hub = reverse("volunteering:event", args=[fair["event"].pk]), "Stalls and sign-ups"
    assert hub not in client.get(url).content.decode()
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert hub not in client.get(url).content.decode()
    for user in [fair["organiser"], fair["parkrun_editor"]]:
        _as(client, user)
        assert hub in client.get(url).content.decode()


def test_stall_predicates(fair):
    stall = fair["stall"]
    assert permissions.may_run_stall(fair["parkrun_editor"], stall)
    assert permissions.may_run_event(fair["organiser"], fair["event"])
    assert not permissions.may_run_stall(fair["organiser"], stall)
    assert not permissions.may_run_event(fair["parkrun_editor"], fair["event"])
    for user in [*[u for u in _outsiders(fair).values() if u], AnonymousUser()]:
        assert not permissions.may_run_stall(user, stall)
        assert not permissions.may_run_event(user, fair["event"])
    assert SignUp.objects.count() == 0
