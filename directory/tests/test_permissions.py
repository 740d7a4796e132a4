"""Who may see, change and add listings (directory.permissions), and how a refusal reaches a page."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from common.errors import NotPermitted, NotVisible, Refusal
from common.testing import sign_in
from directory import permissions, selectors, services
from directory.models import ListingProblem, ListingStatus, Service
from directory.tests.factories import ServiceFactory, TaxonomyTermFactory

STAFF_WHO_MANAGE_NO_LISTINGS = [
    Role.RESIDENT,
    Role.COORDINATOR,
    Role.LINK_WORKER,
    Role.BROKER,
    Role.COMMISSIONER,
]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Stretford Neighbours")


@pytest.fixture
def own(organisation):
    return ServiceFactory(name="Stretford lunch club", provider__owner=organisation, owner=organisation)


@pytest.fixture
def others_draft(db):
    elsewhere = OrganisationFactory(name="Sale Timebank")
    return ServiceFactory(
        name="Sale timebank social",
        provider__owner=elsewhere,
        owner=elsewhere,
        listing_status=ListingStatus.DRAFT,
    )


@pytest.fixture
def others_published(db):
    elsewhere = OrganisationFactory(name="Urmston Friends")
    return ServiceFactory(name="Urmston walking group", provider__owner=elsewhere, owner=elsewhere)


@pytest.fixture
def editor(make_user, organisation):
    return make_user(Role.ORGANISATION_EDITOR, organisation=organisation)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR)


# --- The predicates ---------------------------------------------------------------------------


def test_editors_and_administrators_manage_listings(editor, administrator, make_user):
    assert permissions.may_manage_listings(editor)
    assert permissions.may_manage_listings(administrator)
    assert permissions.may_manage_listings(make_user(Role.RESIDENT, is_superuser=True))


@pytest.mark.parametrize("role", STAFF_WHO_MANAGE_NO_LISTINGS)
def test_other_roles_manage_no_listings(make_user, organisation, own, role):
    person = make_user(role, organisation=organisation)
    assert not permissions.may_manage_listings(person)
    assert not permissions.may_add_listing(person)
    assert not permissions.may_edit_listing(person, own)
    assert list(selectors.listings_editable_by(person)) == []


def test_anonymous_and_closed_accounts_manage_nothing(make_user, organisation, own):
    closed = make_user(Role.ORGANISATION_EDITOR, organisation=organisation, is_active=False)
    for nobody in (AnonymousUser(), closed):
        assert not permissions.may_manage_listings(nobody)
        assert not permissions.may_add_listing(nobody)
        assert not permissions.may_edit_listing(nobody, own)
        assert list(selectors.listings_editable_by(nobody)) == []


def test_an_editor_adds_listings_only_for_an_organisation(editor, administrator, make_user):
    assert permissions.may_add_listing(editor)
    assert not permissions.may_add_listing(make_user(Role.ORGANISATION_EDITOR))  # no organisation
    assert not permissions.may_add_listing(administrator)  # the back office or an import


def test_an_editor_changes_their_own_organisations_listings_only(editor, own, others_published):
    assert permissions.may_edit_listing(editor, own)
    assert not permissions.may_edit_listing(editor, others_published)
    assert list(selectors.listings_editable_by(editor)) == [own]


def test_an_editor_without_an_organisation_changes_no_listing_even_one_without_an_owner(make_user, db):
    ownerless = ServiceFactory(provider__owner=None, owner=None)
    assert not permissions.may_edit_listing(make_user(Role.ORGANISATION_EDITOR), ownerless)


def test_an_administrator_changes_every_listing(administrator, own, others_draft, make_user):
    ownerless = ServiceFactory(provider__owner=None, owner=None)
    superuser = make_user(Role.RESIDENT, is_superuser=True)
    for listing in (own, others_draft, ownerless):
        assert permissions.may_edit_listing(administrator, listing)
        assert permissions.may_edit_listing(superuser, listing)
    assert set(selectors.listings_editable_by(administrator)) == {own, others_draft, ownerless}


def test_anyone_sees_a_public_listing_but_a_draft_only_its_editors(editor, administrator, own, others_draft):
    assert permissions.may_see_listing(AnonymousUser(), own)
    assert permissions.may_see_listing(editor, own)
    assert not permissions.may_see_listing(AnonymousUser(), others_draft)
    assert not permissions.may_see_listing(editor, others_draft)
    assert permissions.may_see_listing(administrator, others_draft)
    own.listing_status = ListingStatus.ARCHIVED
    assert permissions.may_see_listing(editor, own) and not permissions.may_see_listing(AnonymousUser(), own)


def test_a_listing_closed_for_good_is_not_public(own, editor):
    own.status = Service.Status.DEFUNCT
    assert not permissions.may_see_listing(AnonymousUser(), own)
    assert permissions.may_see_listing(editor, own)


def test_reported_problems_are_for_the_listings_editors(editor, administrator, own, others_published):
    mine = ListingProblem.objects.create(service=own, kind="closed")
    theirs = ListingProblem.objects.create(service=others_published, kind="closed")
    assert permissions.may_resolve_listing_problem(editor, mine)
    assert not permissions.may_resolve_listing_problem(editor, theirs)
    assert permissions.may_resolve_listing_problem(administrator, theirs)


# --- The services refuse ----------------------------------------------------------------------


def test_checking_another_organisations_listing_is_not_permitted(editor, others_published):
    with pytest.raises(NotPermitted, match="You can only check your own organisation's listings"):
        services.mark_listing_checked(editor, others_published)


def test_checking_another_organisations_draft_is_as_if_it_were_not_there(editor, others_draft):
    with pytest.raises(NotVisible):
        services.mark_listing_checked(editor, others_draft)


def _save_unchanged(user, listing):
    """Save ``listing`` through the editors' service with its details as they are."""
    return services.save_listing(
        user, listing, {"name": listing.name, "cost": listing.cost}, {}, {"days": ["TU"]}
    )


def test_saving_another_organisations_listing_is_refused_and_checks_nothing(
    editor, others_published, others_draft
):
    before = [(s.last_checked, s.checked_by_email) for s in (others_published, others_draft)]
    with pytest.raises(NotPermitted, match="You can only change your own organisation's listings"):
        _save_unchanged(editor, others_published)
    with pytest.raises(NotVisible):
        _save_unchanged(editor, others_draft)
    for listing, was in zip((others_published, others_draft), before, strict=True):
        listing.refresh_from_db()
        assert (listing.last_checked, listing.checked_by_email) == was and not listing.schedules.exists()


@pytest.mark.parametrize("role", [*STAFF_WHO_MANAGE_NO_LISTINGS, None])
def test_no_one_but_its_editors_may_save_a_listing(make_user, organisation, own, role):
    """A resident or member of staff of the listing's own organisation, or someone signed out."""
    user = AnonymousUser() if role is None else make_user(role, organisation=organisation)
    with pytest.raises(NotPermitted):
        _save_unchanged(user, own)
    assert not own.schedules.exists()


def test_an_editors_save_marks_their_listing_checked_today(editor, own):
    Service.objects.filter(pk=own.pk).update(last_checked=date(2024, 1, 1))
    saved = _save_unchanged(editor, Service.objects.get(pk=own.pk))
    saved.refresh_from_db()
    assert (saved.last_checked, saved.checked_by_email) == (timezone.localdate(), editor.email)
    assert saved.schedules.get().byday == "TU"


def test_an_administrator_adding_a_listing_is_sent_to_the_back_office(administrator):
    with pytest.raises(NotPermitted, match="through the back office or an import"):
        services.save_listing(administrator, None, {"name": "New"}, {}, {})
    assert Service.objects.count() == 0


def test_an_editor_without_an_organisation_may_not_add_a_listing(make_user):
    with pytest.raises(NotPermitted, match="Only organisation editors and administrators can add listings"):
        services.save_listing(make_user(Role.ORGANISATION_EDITOR), None, {"name": "New"}, {}, {})
    assert Service.objects.count() == 0


def test_a_problem_report_of_no_known_kind_names_the_field(own):
    with pytest.raises(Refusal) as refused:
        services.report_listing_problem(own, "boring")
    assert refused.value.message_dict == {"kind": ["Choose what is wrong with the listing"]}
    assert ListingProblem.objects.count() == 0


def test_too_many_reports_is_a_refusal(own):
    assert issubclass(services.TooManyReports, Refusal)
    assert str(services.TooManyReports("Try again later.")) == "Try again later."


# --- ... and the pages answer 403 or 404 -----------------------------------------------------


def test_a_not_permitted_from_the_service_is_a_403_on_the_page(client, editor, others_published):
    sign_in(client, editor)
    response = client.post(reverse("directory:listing_checked", args=[others_published.pk]))
    assert response.status_code == 403
    others_published.refresh_from_db()
    assert others_published.checked_by_email == ""


def test_a_not_visible_from_the_service_is_a_404_on_the_page(client, editor, others_draft):
    sign_in(client, editor)
    assert client.post(reverse("directory:listing_checked", args=[others_draft.pk])).status_code == 404
    assert client.get(reverse("directory:edit_listing", args=[others_draft.pk])).status_code == 404
    others_draft.refresh_from_db()
    assert others_draft.checked_by_email == ""


def test_another_organisations_published_listing_is_refused_not_hidden_from_an_editor(
    client, editor, others_published
):
    sign_in(client, editor)
    assert client.get(reverse("directory:edit_listing", args=[others_published.pk])).status_code == 403


def test_another_organisations_reported_problem_is_not_there(client, editor, others_published):
    theirs = ListingProblem.objects.create(service=others_published, kind="closed", details="Locked")
    sign_in(client, editor)
    response = client.post(reverse("directory:problem_resolved", args=[theirs.pk]), {"resolution": "Done"})
    assert response.status_code == 404
    assert b"Locked" not in response.content
    theirs.refresh_from_db()
    assert theirs.resolved_at is None


def test_the_checked_button_says_what_it_did(client, editor, own):
    sign_in(client, editor)
    response = client.post(reverse("directory:listing_checked", args=[own.pk]), follow=True)
    assert "Stretford lunch club is marked as checked today." in response.content.decode()


def test_the_add_button_shows_only_to_those_who_may_add(client, editor, administrator):
    sign_in(client, editor)
    assert client.get(reverse("directory:your_listings")).context["can_add"] is True
    client.logout()
    sign_in(client, administrator)
    assert client.get(reverse("directory:your_listings")).context["can_add"] is False


def test_a_listing_page_says_whether_the_viewer_may_edit_it(client, editor, own, others_published):
    sign_in(client, editor)
    assert client.get(reverse("directory:listing", args=[own.pk])).context["can_edit"] is True
    assert client.get(reverse("directory:listing", args=[others_published.pk])).context["can_edit"] is False


# --- Choices come from selectors --------------------------------------------------------------


def test_the_forms_offer_the_categories_the_selectors_give(db):
    from directory.forms import ListingForm, ListingSearchForm

    top = TaxonomyTermFactory(name="Arts")
    child = TaxonomyTermFactory(name="Painting", parent=top)
    assert list(ListingSearchForm().fields["category"].queryset) == [top]
    assert list(ListingForm().fields["terms"].queryset) == [top, child]
