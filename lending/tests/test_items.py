"""Items on their own pages: a lending coordinator adds and changes items from the dashboard; the
helper organisation's account lands on its errands, not on an empty dashboard."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import assert_denied, sign_in
from lending import services
from lending.models import Errand, Item
from lending.tests.factories import make_item


def day(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def _item_form(**changes):
    return {
        "name": "Wheelchair 2 (folding)",
        "kind": "wheelchair",
        "description": "",
        "donated_by": "Sale Rotary Club",
        "kept_at": "The parish office",
        "condition": "good",
        "service_every_months": "6",
        "service_provider": "",
        "last_serviced_on": day(-10),
    } | changes


@pytest.fixture
def lending(db):
    item, coordinator = make_item()
    return item, coordinator


def test_a_coordinator_adds_an_item_from_the_dashboard_and_can_book_it(client, lending):
    item, coordinator = lending
    garage = OrganisationFactory(name="Sale Mobility Repairs", kind=Organisation.Kind.BUSINESS)
    sign_in(client, coordinator)
    dashboard = client.get(reverse("lending:dashboard")).content.decode()
    assert (
        reverse("lending:add_item") in dashboard and reverse("lending:edit_item", args=[item.pk]) in dashboard
    )
    response = client.post(reverse("lending:add_item"), _item_form(service_provider=garage.pk))
    made = Item.objects.get(name="Wheelchair 2 (folding)")
    assert response["Location"] == reverse("lending:item", args=[made.pk])
    assert made.organisation == item.organisation and made.service_provider == garage
    assert made.service_every_months == 6 and not made.is_retired
    booking = {"name": "Edna", "contact": "edna@example.org", "starts_on": day(1), "ends_on": day(5)}
    assert client.post(reverse("lending:item", args=[made.pk]), booking).status_code == 302
    assert made.reservations.count() == 1


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"name": ""}, "Give the item a name"),
        ({"kind": ""}, "Say what kind of thing it is"),
        ({"service_every_months": "0"}, "Service it every 1 to 60 months"),
        ({"service_every_months": "99"}, "Service it every 1 to 60 months"),
        ({"service_every_months": "lots"}, "Enter a whole number of months"),
        ({"longest_loan_days": "0"}, "Give 1 to 92 days"),
        ({"longest_loan_days": "200"}, "Give 1 to 92 days"),
        ({"longest_loan_days": "a week"}, "Enter a whole number of days"),
        ({"last_serviced_on": day(3)}, "The last service cannot be in the future"),
        ({"last_serviced_on": "31/02/2026"}, "must be a real date"),
        ({"service_provider": "999999"}, "Choose an organisation from the list"),
        ({"condition": "shiny"}, "Select a valid choice"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field_and_nothing_is_saved(client, lending, changes, field_message):
    item, coordinator = lending
    sign_in(client, coordinator)
    response = client.post(reverse("lending:add_item"), _item_form(**changes))
    assert response.status_code == 200 and field_message in response.content.decode()
    assert Item.objects.count() == 1


def test_a_coordinator_changes_and_retires_an_item_but_not_while_it_is_booked(client, lending):
    item, coordinator = lending
    services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate() + timedelta(days=2),
        ends_on=timezone.localdate() + timedelta(days=4),
        name="Edna",
        contact="edna@example.org",
    )
    url = reverse("lending:edit_item", args=[item.pk])
    sign_in(client, coordinator)
    assert (
        reverse("lending:edit_item", args=[item.pk])
        in client.get(reverse("lending:item", args=[item.pk])).content.decode()
    )
    form = _item_form(name="Scooter 1 (red, new battery)", kind="mobility scooter")
    assert client.post(url, form)["Location"] == reverse("lending:item", args=[item.pk])
    refused = client.post(url, form | {"is_retired": "on"}).content.decode()
    assert "cancel or take back its bookings before retiring it" in refused
    item.refresh_from_db()
    assert item.name == "Scooter 1 (red, new battery)" and not item.is_retired
    services.cancel(coordinator, item.reservations.get())
    client.post(url, form | {"is_retired": "on"})
    item.refresh_from_db()
    assert item.is_retired


def test_no_one_else_adds_or_changes_an_organisations_items(client, lending):
    item, coordinator = lending
    url = reverse("lending:edit_item", args=[item.pk])
    for user in [
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()),
        UserFactory(role=Role.RESIDENT, organisation=item.organisation),
        UserFactory(role=Role.COORDINATOR, organisation=item.organisation),
        None,
    ]:
        client.logout()
        if user is not None:
            sign_in(client, user)
        assert_denied(client.get(url))
        assert_denied(client.post(url, _item_form(name="Taken")))
        if user is None or user.role != Role.ORGANISATION_EDITOR:  # an editor adds to their own
            assert_denied(client.post(reverse("lending:add_item"), _item_form(name="Taken")))
    assert not Item.objects.filter(name="Taken").exists()
    elsewhere = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    with pytest.raises(NotVisible):
        services.save_item(elsewhere, elsewhere.organisation, item, {"name": "Taken"})
    with pytest.raises(NotPermitted):
        services.save_item(elsewhere, item.organisation, None, {"name": "Taken"})
    with pytest.raises(ValidationError, match="no organisation"):
        services.save_item(coordinator, item.organisation, item, {"organisation": elsewhere.organisation})
    item.refresh_from_db()
    assert item.organisation_id == coordinator.organisation_id


def test_an_administrator_changes_any_organisations_item(client, lending):
    item, coordinator = lending
    sign_in(client, UserFactory(role=Role.ADMINISTRATOR))
    client.post(reverse("lending:edit_item", args=[item.pk]), _item_form(name="Scooter 1 (checked)"))
    item.refresh_from_db()
    assert item.name == "Scooter 1 (checked)"


def _errand_for(item, coordinator, helper):
    reservation = services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate() + timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=3),
        name="Edna",
        contact="edna@example.org",
    )
    return Errand.objects.create(
        reservation=reservation,
        kind=Errand.Kind.DELIVER,
        helper=helper,
        on=timezone.localdate() + timedelta(days=1),
        address="1 Moss Lane",
    )


def test_the_helper_organisations_account_lands_on_its_errands_not_an_empty_dashboard(client, lending):
    item, coordinator = lending
    helpers = OrganisationFactory(name="Partington Town Council", kind=Organisation.Kind.PARISH_COUNCIL)
    _errand_for(item, coordinator, helpers)
    for role in [Role.ORGANISATION_EDITOR, Role.RESIDENT]:
        sign_in(client, UserFactory(role=role, organisation=helpers))
        response = client.get(reverse("lending:dashboard"))
        assert response["Location"] == reverse("lending:errands")
        errands = client.get(reverse("lending:errands")).content.decode()
        assert "1 Moss Lane" in errands and "Back to lending" not in errands  # no dashboard of its own
    # A coordinator whose organisation lends and also helps others keeps the dashboard.
    other = OrganisationFactory(name="Sale Shopmobility")
    walker = Item.objects.create(organisation=other, name="Walker", kind="walker")
    _errand_for(walker, UserFactory(role=Role.ADMINISTRATOR), item.organisation)
    sign_in(client, coordinator)
    assert client.get(reverse("lending:dashboard")).status_code == 200
    assert "Back to lending" in client.get(reverse("lending:errands")).content.decode()


def test_someone_with_no_lending_and_no_errands_is_still_refused_the_dashboard(client, lending):
    sign_in(client, UserFactory(role=Role.RESIDENT, organisation=OrganisationFactory()))
    assert_denied(client.get(reverse("lending:dashboard")))
    client.logout()
    assert_denied(client.get(reverse("lending:dashboard")))
