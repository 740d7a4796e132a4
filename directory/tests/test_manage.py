"""Organisation editors keep their own listings current, and only their own."""

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import OrganisationFactory
from common.testing import assert_denied, sign_in
from directory.models import ListingProblem, ListingStatus, Service
from directory.selectors import ListingSearch, search_listings
from directory.tests.factories import ScheduleFactory, ServiceFactory, TaxonomyTermFactory
from places.tests.factories import PostcodeFactory


@pytest.fixture
def own(db):
    organisation = OrganisationFactory(name="Stretford Neighbours")
    return ServiceFactory(name="Stretford lunch club", provider__owner=organisation, owner=organisation)


@pytest.fixture
def editor(own, make_user):
    return make_user(Role.ORGANISATION_EDITOR, organisation=own.owner)


@pytest.fixture
def others(db):
    organisation = OrganisationFactory(name="Sale Timebank")
    return ServiceFactory(name="Sale timebank social", provider__owner=organisation, owner=organisation)


def form_data(**changes):
    data = {
        "listing-name": "Stretford lunch club",
        "listing-description": "A hot meal and company",
        "listing-cost": "free",
        "listing-status": "active",
        "listing-listing_status": "published",
        "listing-review_interval_days": "180",
        "venue-venue_name": "St Hilda's Hall",
        "venue-address": "1 Chester Road",
        "venue-town": "Stretford",
        "venue-venue_postcode": "m32 0th",
        "session-days": ["TU"],
        "session-opens_at": "12:00",
        "session-closes_at": "14:00",
        "session-session_description": "Tuesdays 12pm to 2pm",
    }
    data.update(changes)
    return data


def test_editor_sees_their_own_listings_only(client, editor, own, others):
    sign_in(client, editor)
    page = client.get(reverse("directory:your_listings")).content.decode()
    assert "Stretford lunch club" in page and "Sale timebank social" not in page


def test_editor_cannot_open_another_organisations_listing(client, editor, others):
    sign_in(client, editor)
    assert_denied(client.get(reverse("directory:edit_listing", args=[others.pk])))


def test_editor_cannot_change_another_organisations_listing(client, editor, others):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    response = client.post(
        reverse("directory:edit_listing", args=[others.pk]), form_data(**{"listing-name": "Taken over"})
    )
    assert response.status_code == 403
    others.refresh_from_db()
    assert others.name == "Sale timebank social"
    assert_denied(client.post(reverse("directory:listing_checked", args=[others.pk])))


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.COMMISSIONER]
)
def test_other_roles_cannot_manage_listings(client, make_user, own, role):
    sign_in(client, make_user(role, organisation=own.owner))
    assert_denied(client.get(reverse("directory:your_listings")))
    assert_denied(client.get(reverse("directory:edit_listing", args=[own.pk])))
    assert_denied(client.post(reverse("directory:add_listing"), form_data()))
    assert Service.objects.count() == 1


def test_signed_out_visitor_is_sent_to_sign_in(client, own):
    assert_denied(client.get(reverse("directory:your_listings")))


def test_editor_adds_a_listing_that_search_then_finds(client, editor):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    gardening = TaxonomyTermFactory(name="Gardening")
    sign_in(client, editor)
    response = client.post(
        reverse("directory:add_listing"),
        form_data(
            **{
                "listing-name": "Gorse Hill garden club",
                "listing-terms": [str(gardening.pk)],
                "session-days": ["SA"],
                "session-opens_at": "10:00",
                "session-closes_at": "13:00",
            }
        ),
    )
    assert response.status_code == 302
    listing = Service.objects.get(name="Gorse Hill garden club")
    assert listing.owner == editor.organisation and listing.provider.owner == editor.organisation
    assert listing.schedules.get().byday == "SA"
    assert listing.locations.get().postcode_id == "M32 0TH"
    assert [s.name for s in search_listings(ListingSearch(text="garden", day=5))] == [
        "Gorse Hill garden club"
    ]


def test_editor_changes_their_listing_to_a_monthly_session(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    client.post(
        reverse("directory:edit_listing", args=[own.pk]),
        form_data(**{"session-days": ["TU"], "session-week_of_month": "1"}),
    )
    schedule = own.schedules.get()
    assert (schedule.freq, schedule.byday) == ("MONTHLY", "1TU")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"listing-name": ""}, "Enter the name of the group or activity"),
        ({"venue-venue_postcode": "M32 9ZZ"}, "We do not know the postcode M32 9ZZ"),
        ({"venue-venue_postcode": ""}, "Enter the venue&#x27;s postcode"),
        (
            {"session-opens_at": "14:00", "session-closes_at": "12:00"},
            "The end time must be after the start time",
        ),
        ({"session-opens_at": "noon"}, "Enter a start time like 10:00"),
        (
            {"session-days": ["TU", "TH"], "session-week_of_month": "1"},
            "Choose one day for a monthly session",
        ),
        (
            {"listing-minimum_age": "65", "listing-maximum_age": "18"},
            "The oldest age must be the same as or more",
        ),
        ({"listing-email": "not-an-email"}, "Enter an email address like name@example.org"),
        ({"listing-review_interval_days": "0"}, "Choose between 7 and 730 days"),
    ],
)
def test_bad_input_saves_nothing_and_names_the_field(client, editor, own, changes, message):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    before = (own.name, own.schedules.count(), own.locations.count())
    response = client.post(reverse("directory:edit_listing", args=[own.pk]), form_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    own.refresh_from_db()
    assert (own.name, own.schedules.count(), own.locations.count()) == before


def test_still_right_marks_it_checked_today(client, editor, own):
    own.last_checked = date(2024, 1, 1)
    own.save()
    sign_in(client, editor)
    client.post(reverse("directory:listing_checked", args=[own.pk]))
    own.refresh_from_db()
    assert own.last_checked == timezone.localdate() and own.checked_by_email == editor.email


def test_editor_deals_with_a_reported_problem_on_their_listing_only(client, editor, own, others):
    mine = ListingProblem.objects.create(service=own, kind="closed")
    theirs = ListingProblem.objects.create(service=others, kind="closed")
    sign_in(client, editor)
    page = client.get(reverse("directory:your_listings")).content.decode()
    assert "Stretford lunch club: it has closed" in page and "Sale timebank social" not in page
    client.post(reverse("directory:problem_resolved", args=[mine.pk]), {"resolution": "Moved to Wednesdays"})
    assert_denied(client.post(reverse("directory:problem_resolved", args=[theirs.pk])))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.resolved_by == editor and mine.resolution == "Moved to Wednesdays"
    assert theirs.resolved_at is None


def test_draft_from_the_editor_is_not_public(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    client.post(
        reverse("directory:edit_listing", args=[own.pk]), form_data(**{"listing-listing_status": "draft"})
    )
    own.refresh_from_db()
    assert own.listing_status == ListingStatus.DRAFT
    client.logout()
    assert client.get(reverse("directory:listing", args=[own.pk])).status_code == 404


def test_saving_the_form_unchanged_keeps_the_listing_as_it_was(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    client.post(reverse("directory:edit_listing", args=[own.pk]), form_data())
    page = client.get(reverse("directory:edit_listing", args=[own.pk])).content.decode()
    assert 'value="12:00"' in page and 'value="14:00"' in page and 'value="M32 0TH"' in page
    response = client.post(
        reverse("directory:edit_listing", args=[own.pk]), form_data(**{"venue-venue_postcode": "M32 0TH"})
    )
    assert response.status_code == 302
    schedule = own.schedules.get()
    assert (schedule.byday, str(schedule.opens_at), str(schedule.closes_at)) == ("TU", "12:00:00", "14:00:00")


def test_administrator_changes_a_listing_in_the_back_office_and_search_follows(client, make_user, own):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    sign_in(client, admin_user)
    assert client.get(reverse("admin:directory_service_changelist")).status_code == 200
    page = client.get(reverse("admin:directory_service_change", args=[own.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "terms"}
    data.update(
        {
            "name": "Stretford supper club",
            "provider": own.provider_id,
            "owner": own.owner_id,
            "last_checked": own.last_checked.isoformat(),
        }
    )
    for prefix in (
        "service_at_locations",
        "schedules",
        "cost_options",
        "contacts",
        "languages",
        "service_areas",
        "funding",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:directory_service_change", args=[own.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [s.name for s in search_listings(ListingSearch(text="supper"))] == ["Stretford supper club"]


def test_moving_a_venue_in_the_back_office_moves_its_listings_in_search(client, make_user, own):
    from directory.tests.factories import LocationFactory
    from places.geo import Point

    hall = LocationFactory(name="Old hall", latitude=53.4465, longitude=-2.3076)
    own.service_at_locations.create(location=hall)
    from directory import fulltext

    fulltext.index_services([own])
    sale = Point(53.4246, -2.3225)  # Sale town centre, 1.6 miles from the old hall
    nearby = ListingSearch(text="lunch", near=sale, miles=0.5)
    assert list(search_listings(nearby)) == []
    sign_in(client, make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    data = {"name": "Sale hall", "location_type": "physical", "latitude": "53.425", "longitude": "-2.322"}
    data |= {"accessibility_entries-TOTAL_FORMS": "0", "accessibility_entries-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:directory_location_change", args=[hall.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [s.name for s in search_listings(nearby)] == ["Stretford lunch club"]
    assert [s.name for s in search_listings(ListingSearch(text="sale hall"))] == ["Stretford lunch club"]


def audit_of(listing):
    return list(
        AuditEvent.objects.filter(target_id=str(listing.pk)).values_list("actor__email", "action", "note")
    )


def test_a_note_that_agrees_with_the_sessions_saves_without_a_warning(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    response = client.post(reverse("directory:edit_listing", args=[own.pk]), form_data())
    assert response.status_code == 302 and response["Location"] == reverse("directory:your_listings")
    page = client.get(reverse("directory:edit_listing", args=[own.pk])).content.decode()
    assert "does not match the days and times" not in page


def test_moving_the_session_to_another_day_saves_and_warns_that_the_note_still_names_the_old_one(
    client, editor, own
):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    response = client.post(
        reverse("directory:edit_listing", args=[own.pk]), form_data(**{"session-days": ["WE"]}), follow=True
    )
    assert own.schedules.get().byday == "WE"  # a warning, not a refusal: it is saved
    assert response.redirect_chain == [(reverse("directory:edit_listing", args=[own.pk]), 302)]
    page = response.content.decode()
    assert "Stretford lunch club is saved. Check its note about when. The note says Tuesday" in page
    assert "The note says Tuesday, but no session is on a Tuesday." in page
    # Saving it again as it is is allowed, and the page still says so.
    again = client.post(
        reverse("directory:edit_listing", args=[own.pk]), form_data(**{"session-days": ["WE"]}), follow=True
    )
    assert "The note says Tuesday" in again.content.decode()


def test_the_warning_shows_what_was_typed_beside_other_mistakes(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    response = client.post(
        reverse("directory:edit_listing", args=[own.pk]),
        form_data(**{"listing-name": "", "session-days": ["FR"]}),
    )
    page = response.content.decode()
    assert "Enter the name of the group or activity" in page
    assert "The note says Tuesday, but no session is on a Tuesday." in page
    assert not own.schedules.exists()  # nothing saved


def test_a_note_with_no_day_to_go_with_is_refused_rather_than_dropped(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, editor)
    response = client.post(
        reverse("directory:edit_listing", args=[own.pk]),
        form_data(**{"session-days": [], "session-opens_at": "", "session-closes_at": ""}),
    )
    assert response.status_code == 200
    assert "Choose the day or days it runs for the note to go with" in response.content.decode()


def test_an_editors_save_marks_the_listing_checked_today_and_is_audited(client, editor, own):
    PostcodeFactory(postcode="M32 0TH")
    own.last_checked, own.checked_by_email = date(2024, 1, 1), ""
    own.save()
    sign_in(client, editor)
    client.post(reverse("directory:edit_listing", args=[own.pk]), form_data())
    own.refresh_from_db()
    assert (own.last_checked, own.checked_by_email) == (timezone.localdate(), editor.email)
    assert audit_of(own) == [
        (editor.email, "update", "Listing saved on the editors' page and marked checked today.")
    ]


def test_another_organisations_editor_cannot_save_or_check_a_listing(client, editor, others):
    PostcodeFactory(postcode="M32 0TH")
    others.last_checked = date(2024, 1, 1)
    others.save()
    sign_in(client, editor)
    assert_denied(client.post(reverse("directory:edit_listing", args=[others.pk]), form_data()))
    assert_denied(client.post(reverse("directory:listing_checked", args=[others.pk])))
    others.refresh_from_db()
    assert others.last_checked == date(2024, 1, 1) and audit_of(others) == []


def test_still_right_is_audited(client, editor, own):
    sign_in(client, editor)
    client.post(reverse("directory:listing_checked", args=[own.pk]))
    assert audit_of(own) == [(editor.email, "update", "Listing marked checked today.")]


@pytest.fixture
def imported(own):
    """Sessions the one-session form cannot show: every other Tuesday in term, and Thursdays."""
    ScheduleFactory(service=own, byday="TU", interval=2, valid_to=date(2027, 7, 20), description="Term time")
    ScheduleFactory(service=own, byday="TH", opens_at=time(18), closes_at=time(20))
    return own


def rules_of(listing):
    return sorted(listing.schedules.values_list("byday", "interval", "valid_to", "description"))


NO_SESSION = {
    "session-days": [],
    "session-opens_at": "",
    "session-closes_at": "",
    "session-session_description": "",
}


def test_sessions_the_form_cannot_show_are_listed_and_kept_when_saved(client, editor, imported):
    PostcodeFactory(postcode="M32 0TH")
    before = rules_of(imported)
    sign_in(client, editor)
    page = client.get(reverse("directory:edit_listing", args=[imported.pk])).content.decode()
    assert "sessions this form cannot show in full" in page
    assert "Every other week on Tuesday, 10:00 to 12:00 (until 20 July 2027). Note: Term time" in page
    assert "Every Thursday, 18:00 to 20:00." in page
    response = client.post(
        reverse("directory:edit_listing", args=[imported.pk]),
        form_data(**NO_SESSION, **{"listing-name": "Stretford supper club"}),
    )
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.name == "Stretford supper club" and rules_of(imported) == before


def test_a_session_typed_over_kept_sessions_needs_the_replace_box(client, editor, imported):
    PostcodeFactory(postcode="M32 0TH")
    before = rules_of(imported)
    sign_in(client, editor)
    url = reverse("directory:edit_listing", args=[imported.pk])
    refused = client.post(url, form_data(**{"listing-name": "Renamed"}))
    assert refused.status_code == 200
    assert "Tick this to replace the sessions above" in refused.content.decode()
    imported.refresh_from_db()
    assert imported.name == "Stretford lunch club" and rules_of(imported) == before
    client.post(url, form_data(**{"session-replace": "on", "session-days": ["WE"]}))
    assert rules_of(imported) == [("WE", 1, None, "Tuesdays 12pm to 2pm")]
