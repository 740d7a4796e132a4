"""The directory's public pages: search, listing, organisation, calendar feeds and problem reports."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from common.testing import sign_in
from directory.models import ListingProblem, ListingStatus
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory
from places.tests.factories import PostcodeFactory


@pytest.fixture
def listing(db):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    hall = LocationFactory(name="St Hilda's Hall", latitude=53.4470, longitude=-2.3076)
    service = ServiceFactory(name="Tuesday lunch club", description="Hot food and company", at=[hall])
    ScheduleFactory(
        service=service,
        byday="TU",
        opens_at=time(12),
        closes_at=time(14),
        description="Tuesdays, 12pm to 2pm",
    )
    return service


def test_search_finds_a_listing_near_a_postcode_with_distance_and_next_session(client, listing):
    page = client.get("/directory/", {"q": "lunch", "postcode": "m320th", "miles": "1"}).content.decode()
    assert "1 result" in page and "Tuesday lunch club" in page
    assert "0.0 miles away" in page
    assert "Next: Tuesday" in page


def test_search_page_without_a_query_invites_a_search(client, db):
    page = client.get("/directory/").content.decode()
    assert "Find local support" in page and "result" not in page


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"postcode": "nowhere"}, "postcode", "is not a UK postcode"),
        ({"postcode": "SW1A 1A"}, "postcode", "is not a UK postcode"),
        ({"postcode": "M32 0TH; drop table"}, "postcode", "Ensure this value has at most 16 characters"),
        ({"day": "9"}, "day", "Choose a day from the list"),
        ({"miles": "500"}, "miles", "Select a valid choice"),
        ({"category": "no-such-thing"}, "category", "Choose a category from the list"),
        ({"order": "distance"}, "postcode", "Enter a postcode to sort by distance"),
    ],
)
def test_bad_search_gets_an_error_summary_naming_the_field(client, listing, query, field, message):
    response = client.get("/directory/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_{field}"' in page and message in page


@pytest.fixture
def district_wide_and_online(listing):
    """Beside the lunch club (a venue in Trafford): a phone line serving all of Trafford, an online
    group, and a walking group serving one ward only."""
    line = ServiceFactory(name="Carers' line", description="A listening ear")
    line.service_areas.create(name="Trafford", area_code="E08000009")
    online = ServiceFactory(
        name="Online craft circle", at=[LocationFactory(name="Video call", location_type="virtual")]
    )
    ward_only = ServiceFactory(name="Ward walk")
    ward_only.service_areas.create(name="Stretford", area_code="E05000829")
    return line, online, ward_only


def test_a_postcode_outside_the_district_is_answered_kindly_with_district_wide_and_online_support(
    client, district_wide_and_online
):
    response = client.get("/directory/", {"postcode": "sw1a1aa"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "SW1A 1AA is outside Trafford; showing support that serves the whole district and online" in page
    assert "There is a problem" not in page and "We do not know" not in page
    assert "Carers&#x27; line" in page and "Online craft circle" in page
    assert "Tuesday lunch club" not in page and "Ward walk" not in page
    assert "2 results" in page
    assert "Covers your area" not in page, "somewhere outside the district is not their area"


def test_outside_the_district_words_and_filters_still_apply(client, district_wide_and_online):
    page = client.get(
        "/directory/", {"postcode": "SW1A 1AA", "q": "craft", "order": "distance"}
    ).content.decode()
    assert "is outside Trafford" in page and "1 result" in page and "Online craft circle" in page
    assert "There is a problem" not in page


def test_a_postcode_inside_the_district_says_nothing_about_outside(client, district_wide_and_online):
    page = client.get("/directory/", {"postcode": "M32 0TH"}).content.decode()
    assert "is outside" not in page and "Tuesday lunch club" in page


def test_a_hostile_postcode_is_refused_and_escaped(client, listing):
    page = client.get("/directory/", {"postcode": "<b>M32</b>"}).content.decode()
    assert "is not a UK postcode" in page and "<b>M32" not in page and "&lt;b&gt;M32" in page


def test_search_results_come_before_the_filter_which_opens_without_javascript(client, listing):
    page = client.get("/directory/", {"q": "lunch"}).content.decode()
    assert page.index("1 result") < page.index('id="search-filter"') < page.index('name="postcode"')
    details = page[page.index('<details class="govuk-details ck-search-filter"') :]
    assert details.split(">", 1)[0].endswith('id="search-filter"'), "closed once there are results"
    assert "<summary" in details and "Filter</span>" in details
    # Before any search, and when the search has a mistake, the filter is open.
    assert 'id="search-filter" open' in client.get("/directory/").content.decode()
    assert 'id="search-filter" open' in client.get("/directory/", {"day": "9"}).content.decode()


def test_stale_listing_says_when_it_was_last_checked(client, listing):
    listing.last_checked = date(2025, 1, 15)
    listing.review_interval_days = 180
    listing.save()
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    assert "Not checked since 15 January 2025" in page
    assert "Not checked since 15 January 2025" in client.get("/directory/", {"q": "lunch"}).content.decode()


def test_fresh_listing_has_no_warning(client, listing):
    listing.last_checked = timezone.localdate() - timedelta(days=10)
    listing.save()
    assert "Not checked since" not in client.get(f"/directory/listings/{listing.pk}/").content.decode()


def test_listing_page_shows_when_where_and_how(client, listing):
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    assert "Tuesdays, 12pm to 2pm" in page and "St Hilda&#x27;s Hall" in page
    assert "openstreetmap.org/?mlat=53.44700&amp;mlon=-2.30760" in page
    assert "Report a problem with this listing" in page


def test_draft_listing_is_hidden_from_the_public(client, listing):
    listing.listing_status = ListingStatus.DRAFT
    listing.save()
    assert client.get(f"/directory/listings/{listing.pk}/").status_code == 404
    assert client.get(f"/directory/listings/{listing.pk}/calendar.ics").status_code == 404
    assert "Tuesday lunch club" not in client.get("/directory/", {"q": "lunch"}).content.decode()


def test_draft_listing_is_shown_to_its_own_editor_only(client, listing, make_user):
    listing.listing_status = ListingStatus.DRAFT
    listing.save()
    sign_in(client, make_user(Role.ORGANISATION_EDITOR, organisation=listing.owner))
    assert "only its editors can see it" in client.get(f"/directory/listings/{listing.pk}/").content.decode()
    other = make_user(Role.ORGANISATION_EDITOR)
    sign_in(client, other)
    assert client.get(f"/directory/listings/{listing.pk}/").status_code == 404


def test_listing_calendar_is_valid_icalendar_with_the_weekly_rule(client, listing):
    response = client.get(f"/directory/listings/{listing.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Tuesday lunch club"
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TU"]
    assert event.decoded("dtstart").hour == 12 and event.decoded("dtend").hour == 14
    assert "St Hilda's Hall" in str(event["location"])


def test_search_calendar_has_every_result_and_refuses_a_bad_search(client, listing):
    other = ServiceFactory(name="Thursday lunch club")
    ScheduleFactory(service=other, byday="TH")
    calendar = Calendar.from_ical(client.get("/directory/calendar.ics", {"q": "lunch"}).content)
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        "Thursday lunch club",
        "Tuesday lunch club",
    ]
    bad = client.get("/directory/calendar.ics", {"postcode": "nowhere"})
    assert bad.status_code == 400 and "is not a UK postcode" in bad.content.decode()


def test_organisation_page_lists_its_published_listings(client, listing):
    ServiceFactory(provider=listing.provider, name="Hidden draft", listing_status=ListingStatus.DRAFT)
    page = client.get(f"/directory/organisations/{listing.provider_id}/").content.decode()
    assert listing.provider.name in page and "Tuesday lunch club" in page and "Hidden draft" not in page


def test_reporting_a_problem_opens_a_review_item(client, listing):
    response = client.post(
        f"/directory/listings/{listing.pk}/report/",
        {"kind": "wrong_times", "details": "It moved to Wednesdays"},
    )
    assert response.status_code == 302
    problem = ListingProblem.objects.get()
    assert (problem.service, problem.kind, problem.details) == (
        listing,
        "wrong_times",
        "It moved to Wednesdays",
    )
    assert "Thank you" in client.get(response.headers["Location"]).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose what is wrong with the listing"),
        ({"kind": "bored"}, "Select a valid choice"),
        (
            {"kind": "closed", "reporter_email": "not an email"},
            "Enter an email address like name@example.org",
        ),
    ],
)
def test_bad_problem_report_saves_nothing_and_says_why(client, listing, data, message):
    response = client.post(f"/directory/listings/{listing.pk}/report/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ListingProblem.objects.exists()


def test_search_api_gives_the_same_answers_as_the_page(client, listing):
    body = client.get("/api/directory/listings/", {"q": "lunch", "postcode": "M32 0TH", "miles": "1"}).json()
    assert body["count"] == 1
    result = body["results"][0]
    assert result["name"] == "Tuesday lunch club" and result["distance_miles"] == 0.03
    assert result["next_session"]["starts"][11:16] == "12:00"
    assert result["url"].endswith(f"/directory/listings/{listing.pk}/")


def test_search_api_names_each_bad_field(client, listing):
    response = client.get("/api/directory/listings/", {"postcode": "nowhere", "day": "9"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "is not a UK postcode" in errors["postcode"][0] and errors["day"] == ["Choose a day from the list"]


def test_indexing_many_listings_at_once_stays_within_database_limits(db):
    from directory import fulltext
    from directory.models import Service
    from directory.tests.factories import ProviderFactory

    provider = ProviderFactory()
    listings = Service.objects.bulk_create(
        [
            Service(provider=provider, name=f"Walking group {n}", listing_status="published")
            for n in range(1200)
        ]
    )
    fulltext.index_services(listings)
    assert fulltext.matching(Service.objects.all(), "walking").count() == 1200


def test_a_service_for_the_whole_district_shows_it_covers_your_area(client, listing):
    helpline = ServiceFactory(name="Telephone befriending", description="A weekly call")
    helpline.service_areas.create(name="Trafford", area_code="E08000009")  # the postcode's local authority
    page = client.get("/directory/", {"postcode": "M32 0TH", "miles": "1"}).content.decode()
    assert "Tuesday lunch club" in page and "Telephone befriending" in page
    assert "Covers your area" in page
    body = client.get("/api/directory/listings/", {"postcode": "M32 0TH", "order": "distance"}).json()
    assert [(r["name"], r["covers_area"]) for r in body["results"]] == [
        ("Tuesday lunch club", False),
        ("Telephone befriending", True),
    ]


def test_reports_from_one_address_are_limited_to_ten_an_hour(client, listing):
    url = f"/directory/listings/{listing.pk}/report/"
    for _ in range(10):
        assert client.post(url, {"kind": "unclear"}).status_code == 302
    refused = client.post(url, {"kind": "unclear"})
    assert refused.status_code == 429
    assert "You have sent a lot of reports in the last hour" in refused.content.decode()
    assert ListingProblem.objects.count() == 10
    other = client.post(url, {"kind": "unclear"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def moved_to_wednesday(listing):
    """The session moved to Wednesdays, its free text left saying Tuesdays (as editors leave it)."""
    schedule = listing.schedules.get()
    schedule.byday = "WE"
    schedule.save()


def test_listing_page_shows_the_sessions_first_and_the_free_text_as_a_note(client, listing):
    moved_to_wednesday(listing)
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    when = page[page.index(">When<") :]
    assert "Every Wednesday, 12:00 to 14:00." in when
    assert "<strong>Note:</strong> Tuesdays, 12pm to 2pm" in when
    assert when.index("Every Wednesday") < when.index("Note:") < when.index("Next sessions")
    assert "Next sessions:" in when and "Wednesday" in when[when.index("Next sessions") :]


def test_listing_with_no_sessions_says_to_ask(client, listing):
    listing.schedules.all().delete()
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    assert "Ask them when it runs." in page and "Note:" not in page


def test_search_result_shows_the_sessions_in_words_not_the_free_text(client, listing):
    moved_to_wednesday(listing)
    page = client.get("/directory/", {"q": "lunch"}).content.decode()
    assert "Every Wednesday, 12:00 to 14:00." in page and "Next: Wednesday" in page
    assert "Tuesdays, 12pm to 2pm" not in page


def test_calendar_event_describes_the_rule_and_labels_the_free_text_as_a_note(client, listing):
    moved_to_wednesday(listing)
    calendar = Calendar.from_ical(client.get(f"/directory/listings/{listing.pk}/calendar.ics").content)
    [event] = calendar.walk("VEVENT")
    assert event["rrule"]["BYDAY"] == ["WE"]
    description = str(event["description"])
    assert description.startswith("Every Wednesday, 12:00 to 14:00.\n\nNote: Tuesdays, 12pm to 2pm")


def test_a_listings_phone_and_email_are_tel_and_mailto_links(client, listing):
    listing.phone = "0161 912 2000"
    listing.email = "lunch@example.org"
    listing.save()
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    assert '<a class="govuk-link" href="tel:01619122000">0161 912 2000</a>' in page
    assert '<a class="govuk-link" href="mailto:lunch@example.org">lunch@example.org</a>' in page


def test_a_phone_stored_as_a_script_address_stays_plain_text(client, listing):
    # Written straight to the database, past the form: the page still makes no link of it.
    type(listing).objects.filter(pk=listing.pk).update(phone="javascript:alert(1)")
    page = client.get(f"/directory/listings/{listing.pk}/").content.decode()
    assert "javascript:alert(1)" in page and 'href="javascript' not in page
