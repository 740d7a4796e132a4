"""Who may do what in lending (lending.permissions), and how a refusal reaches the page: not
permitted is a 403, someone else's errand is answered as if it did not exist (404)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import sign_in
from lending import permissions, selectors, services
from lending.models import Errand, Reservation, WaitingListEntry
from lending.tests.factories import make_item


@pytest.fixture
def scooter(db):
    garage = OrganisationFactory(name="Sale Mobility Repairs")
    item, coordinator = make_item(service_every_months=6, service_provider=garage)
    booking = services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        name="Edna",
        contact="07700 900123",
    )
    return item, coordinator, garage, booking


def _errand(coordinator, booking, helper):
    return services.arrange_errand(
        coordinator, booking, kind="deliver", helper=helper, on=timezone.localdate(), address="3 Moss Lane"
    )


def test_only_the_organisations_editors_and_administrators_coordinate_its_lending(scooter):
    item, coordinator, garage, booking = scooter
    parish = item.organisation
    people = {
        "coordinator": (coordinator, True),
        "administrator": (UserFactory(role=Role.ADMINISTRATOR), True),
        "superuser": (UserFactory(role=Role.RESIDENT, is_superuser=True), True),
        "editor elsewhere": (
            UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()),
            False,
        ),
        "the service provider's editor": (
            UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage),
            False,
        ),
        "resident of the parish": (UserFactory(role=Role.RESIDENT, organisation=parish), False),
        "closed coordinator account": (
            UserFactory(role=Role.ORGANISATION_EDITOR, organisation=parish, is_active=False),
            False,
        ),
        "anonymous": (AnonymousUser(), False),
    }
    for who, (user, allowed) in people.items():
        assert permissions.may_run_lending(user, parish) is allowed, who
        assert permissions.may_coordinate_item(user, item) is allowed, who
        assert permissions.may_coordinate_reservation(user, booking) is allowed, who


def test_the_service_provider_and_the_coordinators_service_an_item(scooter):
    item, coordinator, garage, booking = scooter
    assert permissions.may_service_item(coordinator, item)
    assert permissions.may_service_item(UserFactory(role=Role.RESIDENT, organisation=garage), item)
    assert permissions.may_service_item(UserFactory(role=Role.ADMINISTRATOR), item)
    assert not permissions.may_service_item(
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()), item
    )
    assert not permissions.may_service_item(AnonymousUser(), item)
    item.service_provider = None
    assert not permissions.may_service_item(UserFactory(role=Role.RESIDENT), item)  # no provider, nor theirs


def test_the_helper_and_the_coordinators_mark_an_errand_done(scooter):
    item, coordinator, garage, booking = scooter
    parish = OrganisationFactory(name="Partington Town Council")
    errand = _errand(coordinator, booking, parish)
    assert permissions.may_mark_errand_done(UserFactory(role=Role.RESIDENT, organisation=parish), errand)
    assert permissions.may_mark_errand_done(coordinator, errand)
    assert not permissions.may_mark_errand_done(
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage), errand
    )
    assert not permissions.may_mark_errand_done(UserFactory(role=Role.RESIDENT), errand)
    assert not permissions.may_mark_errand_done(AnonymousUser(), errand)


def test_the_dashboard_is_for_the_organisation_coordinated(scooter):
    item, coordinator, garage, booking = scooter
    assert list(selectors.organisations_coordinated(coordinator)) == [item.organisation]
    # an administrator runs every organisation's lending that has items; an editor, their own
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    assert list(selectors.organisations_coordinated(administrator)) == [item.organisation]
    garage_editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage)
    assert list(selectors.organisations_coordinated(garage_editor)) == [garage]
    for user in [
        UserFactory(role=Role.ORGANISATION_EDITOR),
        UserFactory(role=Role.RESIDENT, organisation=item.organisation),
        AnonymousUser(),
    ]:
        assert not selectors.organisations_coordinated(user).exists()


def test_only_a_coordinator_is_offered_helpers_for_an_errand(scooter):
    item, coordinator, garage, booking = scooter
    assert garage in selectors.helpers_choosable_by(coordinator, booking)
    stranger = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage)
    assert not selectors.helpers_choosable_by(stranger, booking).exists()


def test_services_refuse_anyone_but_the_coordinators_as_not_permitted(scooter):
    item, coordinator, garage, booking = scooter
    stranger = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage)
    with pytest.raises(NotPermitted, match="lending coordinators can do this"):
        services.cancel(stranger, booking)
    with pytest.raises(NotPermitted):
        services.lend(stranger, booking, condition="good", agreement_signed=True)
    with pytest.raises(NotPermitted):
        services.join_waiting_list(
            stranger,
            item.organisation,
            kind="scooter",
            name="Fred",
            contact="x",
            wanted_from=timezone.localdate(),
        )
    with pytest.raises(NotPermitted, match="service provider or coordinators"):
        services.record_service(UserFactory(), item, timezone.localdate())
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.RESERVED
    assert not WaitingListEntry.objects.exists() and not item.services.exists()


def test_the_services_not_permitted_reaches_the_page_as_403_even_past_the_pages_own_check(
    client, scooter, monkeypatch
):
    item, coordinator, garage, booking = scooter
    # The page's own check is wrong in this test: the service still refuses, and the page says 403.
    monkeypatch.setattr(permissions, "may_coordinate_reservation", lambda user, reservation: True)
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage))
    assert client.post(reverse("lending:cancel", args=[booking.pk])).status_code == 403
    lend = reverse("lending:reservation_action", args=[booking.pk, "lend"])
    assert client.post(lend, {"condition": "good", "agreement_signed": "on"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.RESERVED


def test_someone_elses_errand_is_answered_as_missing_and_stays_undone(client, scooter):
    item, coordinator, garage, booking = scooter
    errand = _errand(coordinator, booking, OrganisationFactory(name="Partington Town Council"))
    with pytest.raises(NotVisible):
        services.errand_done(UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage), errand)
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage))
    someone_elses = client.post(reverse("lending:errands"), {"errand": errand.pk})
    missing = client.post(reverse("lending:errands"), {"errand": errand.pk + 1000})
    assert someone_elses.status_code == missing.status_code == 404
    assert "3 Moss Lane" not in someone_elses.content.decode()
    assert Errand.objects.get().done_at is None


@pytest.mark.parametrize("posted", ["not-a-number", "", "-1", "99999999999999999999"])
def test_an_errand_that_is_not_one_is_answered_as_missing(client, scooter, posted):
    item, coordinator, garage, booking = scooter
    sign_in(client, coordinator)
    assert client.post(reverse("lending:errands"), {"errand": posted}).status_code == 404


def test_a_refused_cancel_is_said_on_the_items_page(client, scooter):
    item, coordinator, garage, booking = scooter
    services.lend(coordinator, booking, condition="good", agreement_signed=True)
    sign_in(client, coordinator)
    page = client.post(reverse("lending:cancel", args=[booking.pk]), follow=True).content.decode()
    assert "Only a reservation not yet lent can be cancelled" in page
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.OUT
