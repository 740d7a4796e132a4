"""The Open Referral UK API: every response validates against the official compiled schemas."""

import uuid
from datetime import time

import pytest

from directory.models import ListingStatus, Service
from directory.oruk.validation import problems
from directory.tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from places.tests.factories import PostcodeFactory

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def assert_valid(record, name):
    found = problems(record, name)
    assert not found, "\n".join(found)


def assert_page_of(body, name):
    assert set(body) == PAGE_KEYS
    for item in body["contents"]:
        assert_valid(item, name)


@pytest.fixture
def listing(db):
    gardening = TaxonomyTermFactory(name="Gardening")
    hall = LocationFactory(name="St Hilda's Hall", wheelchair_accessible=True, accessibility="Step-free")
    service = ServiceFactory(
        name="Tuesday garden club",
        url="https://garden.example/",
        email="g@example.org",
        minimum_age=18,
        at=[hall],
        categories=[gardening],
    )
    ScheduleFactory(
        service=service,
        byday="TU",
        opens_at=time(10),
        closes_at=time(12),
        description="Tuesdays 10:00 to 12:00",
    )
    service.languages.create(name="English", code="en")
    service.contacts.create(name="Garden club organiser", email="org@example.org")
    service.cost_options.create(option="Pay what you can", amount="2.50")
    service.service_areas.create(name="Trafford", area_code="E08000009")
    return service


def test_root_names_the_version_the_validator_reads(client):
    body = client.get("/oruk/").json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/oruk/openapi.json")
    assert client.get("/oruk/openapi.json").json()["info"]["title"] == "Open Referral UK Profile"


def test_every_response_allows_any_origin_and_needs_no_key(client, listing):
    for path in ("/oruk/", "/oruk/services", f"/oruk/services/{listing.id}", "/oruk/taxonomies"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_services_list_validates_and_paginates(client, listing):
    ServiceFactory.create_batch(3)
    body = client.get("/oruk/services", {"per_page": 2, "page": 2}).json()
    assert_page_of(body, "service_list.json")
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (4, 2, 2, 2)
    assert (body["first_page"], body["last_page"], body["empty"]) == (False, True, False)


def test_full_service_validates_with_everything_nested(client, listing):
    body = client.get(f"/oruk/services/{listing.id}").json()
    assert_valid(body, "service.json")
    assert body["schedules"][0]["byday"] == "TU" and body["schedules"][0]["opens_at"] == "10:00:00"
    assert body["service_at_locations"][0]["location"]["name"] == "St Hilda's Hall"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Gardening"
    assert body["cost_options"][0]["amount"] == 2.5
    assert body["organization"]["id"] == str(listing.provider_id)


def test_full_list_and_minimal_list_validate(client, listing):
    assert_page_of(client.get("/oruk/services", {"full": "true"}).json(), "service.json")
    minimal = client.get("/oruk/services", {"minimal": "true"}).json()
    assert_page_of(minimal, "service_list.json")
    assert set(minimal["contents"][0]) == {"id", "name", "status", "last_modified"}


def test_service_at_locations_validate_and_measure_from_a_postcode(client, listing):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    far = LocationFactory(name="Far hall", latitude=53.60, longitude=-2.3076)  # 10.6 miles north
    ServiceFactory(name="Far away club", at=[far])
    body = client.get("/oruk/service_at_locations", {"postcode": "m32 0th", "proximity": 1600}).json()
    assert_page_of(body, "service_at_location_list.json")
    assert [row["service"]["name"] for row in body["contents"]] == ["Tuesday garden club"]
    everything = client.get("/oruk/service_at_locations").json()
    assert everything["total_items"] == 2
    detail = client.get(f"/oruk/service_at_locations/{everything['contents'][0]['id']}").json()
    assert_valid(detail, "service_at_location.json")


def test_service_at_locations_search_by_words_with_other_filters(client, listing):
    """The words are matched inside the rows' subquery (once a server error: the full-text join
    named tables the subquery had renamed)."""
    elsewhere = ServiceFactory(name="Thursday garden walk", at=[LocationFactory(name="The Park Gates")])
    ServiceFactory(name="Lunch club", at=[LocationFactory(name="Sale Hall")])
    ScheduleFactory(service=elsewhere, byday="TH", opens_at=time(14), closes_at=time(16))

    def services(**query):
        body = client.get("/oruk/service_at_locations", query).json()
        assert_page_of(body, "service_at_location_list.json")
        return sorted(row["service"]["name"] for row in body["contents"])

    assert services(search="garden") == ["Thursday garden walk", "Tuesday garden club"]
    assert services(search="garden", day="TH") == ["Thursday garden walk"]
    assert services(search="garden", organization_id=str(listing.provider_id)) == ["Tuesday garden club"]
    assert services(search="garden lunch") == []
    assert services(search="²") == []


def test_organizations_and_taxonomies_validate(client, listing):
    assert_page_of(client.get("/oruk/organizations").json(), "organization_list.json")
    organization = client.get(f"/oruk/organizations/{listing.provider_id}").json()
    assert_valid(organization, "organization.json")
    assert organization["services"][0]["name"] == "Tuesday garden club"
    term = listing.terms.get()
    assert_valid(client.get(f"/oruk/taxonomy_terms/{term.id}").json(), "taxonomy_term.json")
    taxonomy = client.get(f"/oruk/taxonomies/{term.taxonomy_id}").json()
    assert taxonomy["name"] == term.taxonomy.name
    for row in client.get("/oruk/taxonomy_terms").json()["contents"]:
        assert_valid(row, "taxonomy_term.json")


def test_filters_combine_with_and(client, listing):
    other = ServiceFactory(name="Thursday garden walk", categories=[listing.terms.get()])
    ScheduleFactory(service=other, byday="TH", opens_at=time(14), closes_at=time(16))
    names = lambda **q: [s["name"] for s in client.get("/oruk/services", q).json()["contents"]]  # noqa: E731
    assert names(search="garden") == ["Thursday garden walk", "Tuesday garden club"]
    assert names(search="garden", day="TU") == ["Tuesday garden club"]
    assert names(taxonomy_term_id=str(listing.terms.get().id), start_time="13:00") == ["Thursday garden walk"]
    assert names(day="WE") == []
    assert names(organization_id=str(listing.provider_id)) == ["Tuesday garden club"]


def test_drafts_and_archived_listings_are_never_published(client, listing):
    draft = ServiceFactory(name="Not ready yet", listing_status=ListingStatus.DRAFT)
    ServiceFactory(name="Closed for good", status=Service.Status.DEFUNCT)
    assert [s["name"] for s in client.get("/oruk/services").json()["contents"]] == ["Tuesday garden club"]
    assert client.get(f"/oruk/services/{draft.id}").status_code == 404


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "100000"}, "per_page"),
        ({"taxonomy_term_id": "gardening"}, "taxonomy_term_id"),
        ({"taxonomy_term_id": str(uuid.uuid4())}, "taxonomy_term_id"),
        ({"day": "Funday"}, "day"),
        ({"start_time": "25:00"}, "start_time"),
        ({"minimum_age": "old"}, "minimum_age"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"full": "perhaps"}, "full"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(client, db, query, parameter):
    response = client.get("/oruk/services", query)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(parameter)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"postcode": "nowhere"}, "is not a UK postcode"),
        ({"postcode": "M32 9ZZ"}, "We do not know the postcode"),
        ({"proximity": "500"}, "needs a postcode"),
        ({"postcode": "M32 0TH", "proximity": "-5"}, "must be zero or more"),
    ],
)
def test_bad_location_parameters_get_a_400(client, db, query, message):
    PostcodeFactory(postcode="M32 0TH")
    response = client.get("/oruk/service_at_locations", query)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_page_past_the_end_is_empty_not_an_error(client, listing):
    body = client.get("/oruk/services", {"page": 5}).json()
    assert body["contents"] == [] and body["total_items"] == 1 and body["last_page"] is True


def test_modified_after_filters(client, listing):
    assert client.get("/oruk/services", {"modified_after": "2000-01-01T00:00:00Z"}).json()["total_items"] == 1
    assert client.get("/oruk/services", {"modified_after": "2999-01-01T00:00:00Z"}).json()["total_items"] == 0


def test_the_schema_check_itself_catches_a_broken_record():
    found = problems({"id": "not-a-uuid", "status": "open"}, "service.json")
    assert any("'name' is a required property" in p for p in found)
    assert any(p.startswith("id:") and "uuid" in p for p in found)
    assert any(p.startswith("status:") for p in found)


def test_a_schedule_is_described_by_its_rule_with_the_free_text_as_notes(client, listing):
    schedule = listing.schedules.get()
    schedule.byday = "WE"  # moved to Wednesdays; the editor's text still says Tuesdays
    schedule.save()
    body = client.get(f"/oruk/services/{listing.id}").json()
    assert_valid(body, "service.json")
    [sent] = body["schedules"]
    assert sent["byday"] == "WE"
    assert sent["description"] == "Every Wednesday, 10:00 to 12:00."
    assert sent["notes"] == "Tuesdays 10:00 to 12:00"


def test_a_schedule_whose_rule_cannot_be_put_in_words_keeps_its_own_description(client, listing):
    listing.schedules.update(byday="XX")  # as an old import might have left it
    [sent] = client.get(f"/oruk/services/{listing.id}").json()["schedules"]
    assert sent["description"] == "Tuesdays 10:00 to 12:00" and "notes" not in sent
