"""The Open Referral UK API keeps the profile's promises (issue 16): a complete, valid OpenAPI
description that every answer follows, open to any origin (errors too), stable paging, the
profile's age filters and times, and calendars that survive any listing's name."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from datetime import time

import pytest
from icalendar import Calendar
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.demo import create_demo_directory
from directory.models import Service, ServiceAtLocation
from directory.oruk import urls as oruk_urls
from directory.oruk.validation import problems
from directory.tests.factories import (
    LocationFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)
from places.tests.factories import PostcodeFactory

POSTCODE = {"postcode": "M32 0TH", "proximity": "3000"}


def make_district() -> dict:
    """Demo-like data: the demo directory (small) around three postcodes, plus the awkward cases
    paging must survive: several services at one venue, identical names of services,
    organisations, taxonomies and terms."""
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    PostcodeFactory(postcode="M33 7XX", latitude=53.4245, longitude=-2.3227)
    PostcodeFactory(postcode="M41 0AA", latitude=53.4500, longitude=-2.3500)
    create_demo_directory(listings_per_kind=2)
    hall = LocationFactory(name="Shared hall", latitude=53.4466, longitude=-2.3077)
    same_name = ProviderFactory(name="Friends of the park")
    twin = ProviderFactory(name="Friends of the park")
    taxonomy = TaxonomyFactory(name="Same taxonomy")
    TaxonomyFactory.create_batch(3, name="Same taxonomy")
    terms = [TaxonomyTermFactory(name="Same term", taxonomy=taxonomy) for _ in range(3)]
    shared = [
        ServiceFactory(
            name="Coffee morning", provider=same_name if n % 2 else twin, at=[hall], categories=terms
        )
        for n in range(5)
    ]
    ServiceFactory(name="Knit and natter", at=[hall])
    ServiceFactory(name="Knit and natter", at=[hall])
    return {"hall": hall, "shared": shared, "term": terms[0], "taxonomy": taxonomy}


@pytest.fixture
def district(db):
    return make_district()


# --- 1. The OpenAPI description -----------------------------------------------------------------


def schema_checker(document: dict, pointer: str) -> Draft202012Validator:
    """A validator for the schema at ``pointer`` inside ``document``, its references resolved
    inside the document alone (no internet)."""
    base = "urn:closeknit:oruk-openapi"
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry(retrieve=_no_internet).with_resource(base, resource)
    return Draft202012Validator(
        {"$ref": f"{base}#{pointer}"}, registry=registry, format_checker=FormatChecker()
    )


def _no_internet(uri: str):
    raise AssertionError(f"The description refers outside itself: {uri}")


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def response_schema(path: str) -> str:
    return f"/paths/{escape(path)}/get/responses/200/content/{escape('application/json')}/schema"


def served_paths() -> set[str]:
    """The paths urls.py serves, as OpenAPI writes them."""
    found = set()
    for pattern in oruk_urls.urlpatterns:
        route = str(pattern.pattern)
        if pattern.name in ("openapi", "unknown"):
            continue
        found.add("/" + re.sub(r"<uuid:pk>", "{id}", route))
    return found


def test_openapi_url_is_a_complete_valid_openapi_document_with_nothing_outside_it(client, db):
    openapi_url = client.get("/oruk/").json()["openapi_url"]
    assert openapi_url == "http://testserver/oruk/openapi.json"
    response = client.get(openapi_url)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    validate_openapi(document)  # raises on any problem
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/oruk"}]
    assert set(document["paths"]) == served_paths()
    assert {"/", "/organizations", "/organizations/{id}", "/services/{id}"} <= set(document["paths"])
    references = re.findall(r'"\$ref": "([^"]*)"', json.dumps(document))
    assert references and all(reference.startswith("#/") for reference in references)
    for path in document["paths"]:  # every schema named resolves
        schema_checker(document, response_schema(path)).is_valid({})


def test_the_schema_check_catches_an_answer_that_breaks_the_description(client, db):
    document = client.get("/oruk/openapi.json").json()
    checker = schema_checker(document, response_schema("/service_at_locations/{id}"))
    assert not checker.is_valid({"id": str(uuid.uuid4())})  # no name or status: not a service.json
    page = schema_checker(document, response_schema("/services"))
    assert not page.is_valid({"contents": []})  # no page envelope


def get_json(url: str) -> tuple[int, dict, dict]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (our own live server)
        return answer.status, dict(answer.headers), json.loads(answer.read())


@pytest.mark.django_db(transaction=True)
def test_every_path_in_the_description_answers_200_as_its_schema_says(live_server):
    """Read through the document's own server address, as another directory would."""
    world = make_district()
    status, _, root = get_json(f"{live_server.url}/oruk/")
    _, _, document = get_json(root["openapi_url"])
    server = document["servers"][0]["url"]
    assert server == f"{live_server.url}/oruk"
    sal = ServiceAtLocation.objects.filter(service__in=world["shared"]).first()
    ids = {
        "/services/{id}": world["shared"][0].pk,
        "/service_at_locations/{id}": sal.pk,
        "/organizations/{id}": world["shared"][0].provider_id,
        "/taxonomies/{id}": world["taxonomy"].pk,
        "/taxonomy_terms/{id}": world["term"].pk,
    }
    queries = {
        "/services": ["", "?full=true", "?minimal=true"],
        "/service_at_locations": ["", "?postcode=M32+0TH"],
    }
    checked = 0
    for path in document["paths"]:
        checker = schema_checker(document, response_schema(path))
        for query in queries.get(path, [""]):
            status, headers, body = get_json(server + path.replace("{id}", str(ids.get(path))) + query)
            assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
            errors = [f"{path}{query}: {e.json_path}: {e.message}" for e in checker.iter_errors(body)]
            assert not errors, "\n".join(errors[:10])
            if "contents" in body:
                assert body["contents"], f"{path}{query} gave an empty page: nothing was checked"
            checked += 1
    assert checked == len(document["paths"]) + 3


# --- 2. A service at a location is a service too ------------------------------------------------


def test_service_at_location_is_valid_as_the_profile_names_it_and_as_itself(client, district):
    row = ServiceAtLocation.objects.filter(service=district["shared"][0]).get()
    body = client.get(f"/oruk/service_at_locations/{row.pk}").json()
    for name in ("service.json", "service_at_location.json"):
        found = problems(body, name)
        assert not found, "\n".join(found)
    assert (body["id"], body["service_id"], body["location_id"]) == (
        str(row.pk),
        str(row.service_id),
        str(row.location_id),
    )
    assert body["name"] == body["service"]["name"] == "Coffee morning"
    assert body["status"] == "active" and body["location"]["name"] == "Shared hall"
    assert body["service"]["id"] == str(row.service_id)


# --- 3. Open to any origin, errors too, and errors in JSON ---------------------------------------


@pytest.mark.parametrize(
    "path, status",
    [
        ("/oruk/services/", 404),
        ("/oruk/services/not-a-uuid", 404),
        ("/oruk/services/{random}", 404),
        ("/oruk/service_at_locations/{random}", 404),
        ("/oruk/organizations/1", 404),
        ("/oruk/nowhere", 404),
        ("/oruk/nowhere/at/all/", 404),
        ("/oruk/services?page=0", 400),
    ],
)
def test_errors_are_json_and_open_to_any_origin(client, db, path, status):
    response = client.get(path.replace("{random}", str(uuid.uuid4())))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["detail"]


def test_a_trailing_slash_is_told_how_to_find_the_list(client, db):
    assert "Leave off the final slash: /oruk/services" in client.get("/oruk/services/").json()["detail"]
    assert "final slash" not in client.get("/oruk/nowhere/").json()["detail"]


@pytest.mark.parametrize("path", ["/oruk/", "/oruk/services", "/oruk/openapi.json", "/oruk/taxonomy_terms"])
def test_a_preflight_is_allowed_from_any_origin(client, db, path):
    response = client.options(
        path, HTTP_ORIGIN="https://other.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_writing_is_refused_in_json_open_to_any_origin(client, db):
    for path in ("/oruk/services", "/oruk/nowhere"):
        response = client.post(path, {"name": "Spam"})
        assert response.status_code in (404, 405)
        assert response["Access-Control-Allow-Origin"] == "*" and response.json()["detail"]
    assert not Service.objects.exists()


# --- 4. Paging is stable ----------------------------------------------------------------------

LISTS = [
    ("/oruk/services", {}),
    ("/oruk/services", {"full": "true"}),
    ("/oruk/services", {"minimal": "true"}),
    ("/oruk/services", {"search": "coffee"}),
    ("/oruk/service_at_locations", {}),
    ("/oruk/service_at_locations", POSTCODE),
    ("/oruk/service_at_locations", {"postcode": "M32 0TH"}),
    ("/oruk/organizations", {}),
    ("/oruk/taxonomies", {}),
    ("/oruk/taxonomy_terms", {}),
]


@pytest.mark.parametrize("path, query", LISTS)
def test_walking_every_list_page_by_page_gives_each_row_once_in_order(client, district, path, query):
    whole = client.get(path, {**query, "per_page": 500}).json()
    expected = [row["id"] for row in whole["contents"]]
    assert len(expected) == whole["total_items"] >= 5
    if path == "/oruk/service_at_locations" and "postcode" in query:
        at_hall = [row for row in whole["contents"] if row["location_id"] == str(district["hall"].pk)]
        assert len(at_hall) == 7  # services sharing one venue: ties in distance
    for per_page in (2, 3):
        walked = []
        pages = -(-len(expected) // per_page)
        for number in range(1, pages + 1):
            body = client.get(path, {**query, "per_page": per_page, "page": number}).json()
            assert (body["page_number"], body["total_pages"], body["empty"]) == (number, pages, False)
            assert (body["first_page"], body["last_page"]) == (number == 1, number == pages)
            walked += [row["id"] for row in body["contents"]]
        assert walked == expected, f"per_page={per_page}"
    assert len(set(expected)) == len(expected)


# --- 5. Ages and times as the profile means them ------------------------------------------------


def names(client, path="/oruk/services", **query):
    body = client.get(path, query).json()
    assert "contents" in body, body
    key = (lambda row: row["service"]["name"]) if path.endswith("locations") else (lambda row: row["name"])
    return sorted(key(row) for row in body["contents"])


@pytest.fixture
def ages(db):
    hall = LocationFactory()
    ServiceFactory(name="All ages", at=[hall])
    ServiceFactory(name="Adults", minimum_age=18, at=[hall])
    ServiceFactory(name="Under fives", maximum_age=5, at=[hall])
    ServiceFactory(name="Youth club", minimum_age=11, maximum_age=18, at=[hall])


@pytest.mark.parametrize("path", ["/oruk/services", "/oruk/service_at_locations"])
def test_minimum_age_returns_services_whose_minimum_is_at_least_it(client, ages, path):
    assert names(client, path, minimum_age=200) == []
    assert names(client, path, minimum_age="1e300") == []
    assert names(client, path, minimum_age=18) == ["Adults"]
    assert names(client, path, minimum_age=17.5) == ["Adults"]
    assert names(client, path, minimum_age=11) == ["Adults", "Youth club"]
    assert names(client, path, minimum_age=0) == ["Adults", "All ages", "Under fives", "Youth club"]


@pytest.mark.parametrize("path", ["/oruk/services", "/oruk/service_at_locations"])
def test_maximum_age_returns_services_whose_maximum_is_at_most_it(client, ages, path):
    assert names(client, path, maximum_age=200) == ["Under fives", "Youth club"]
    assert names(client, path, maximum_age=5) == ["Under fives"]
    assert names(client, path, maximum_age=5.5) == ["Under fives"]
    assert names(client, path, maximum_age=4.9) == []
    assert names(client, path, minimum_age=11, maximum_age=18) == ["Youth club"]


def test_times_are_taken_as_the_profile_writes_them(client, db):
    morning = ServiceFactory(name="Morning")
    ScheduleFactory(service=morning, opens_at=time(10), closes_at=time(12))
    assert names(client, start_time="10:00:00") == ["Morning"]
    assert names(client, start_time="10:00") == ["Morning"]
    assert names(client, start_time="10:00:01") == []
    assert names(client, end_time="12:00:00") == ["Morning"]
    assert names(client, end_time="11:59:59") == []
    response = client.get("/oruk/services", {"start_time": "10:00:60"})
    assert response.status_code == 400 and response.json()["parameter"] == "start_time"


# --- 6. A page past the end ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/oruk/services", "/oruk/service_at_locations", "/oruk/organizations"])
def test_a_page_past_the_end_is_empty_and_still_counts_everything(client, district, path):
    total = client.get(path).json()["total_items"]
    body = client.get(path, {"page": 99, "per_page": 3}).json()
    assert body["contents"] == [] and body["size"] == 0
    assert (body["empty"], body["page_number"], body["total_items"]) == (True, 99, total)
    assert (body["first_page"], body["last_page"], body["total_pages"]) == (False, True, -(-total // 3))


def test_no_matches_at_all_is_empty_on_the_first_page(client, db):
    body = client.get("/oruk/services").json()
    assert (body["empty"], body["total_items"], body["first_page"], body["last_page"]) == (
        True,
        0,
        True,
        True,
    )


# --- 7. Calendars survive any name ----------------------------------------------------------------

AWKWARD = "Knit\nand\r\nnatter\x07 club\t(new)"


@pytest.fixture
def awkward(db):
    venue = LocationFactory(name="Hall\non two\rlines")
    listing = ServiceFactory(name=AWKWARD, description="Bring\x01 wool", at=[venue])
    ScheduleFactory(service=listing, byday="TU", opens_at=time(10), closes_at=time(12), notes="Ring\x1bfirst")
    return listing


@pytest.mark.parametrize("path", ["/directory/listings/{pk}/calendar.ics", "/directory/calendar.ics?q=knit"])
def test_every_calendar_survives_control_characters_in_names(client, awkward, path):
    response = client.get(path.replace("{pk}", str(awkward.pk)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "\n" not in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Knit and natter club (new)"
    assert str(event["LOCATION"]).startswith("Hall on two lines")
    assert "Note: Ring first" in str(event["DESCRIPTION"])
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.content)
    if "listings" in path:
        assert str(calendar["X-WR-CALNAME"]) == "Knit and natter club (new)"
