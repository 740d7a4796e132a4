"""Export, import into an empty directory, export again: the same document, nothing lost."""

import csv
import io
import json
import uuid
import zipfile
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from directory.models import (
    Accessibility,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    OrganizationIdentifier,
    Provider,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.oruk.importer import import_records
from directory.oruk.validation import problems
from directory.tests.factories import (
    LocationFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

EXAMPLE = Path(__file__).parent / "data" / "oruk_example_service_full.json"


def rich_directory() -> dict:
    """Two organisations (one part of the other), three venues (one shared), a term with a parent
    and a taxonomy, and every field the round trip must keep."""
    network = ProviderFactory(name="Trafford Community Network", description="A network of groups.")
    OrganizationIdentifier.objects.create(
        organization=network,
        identifier_scheme="GB-CHC",
        identifier_type="Charity number",
        identifier="1100001",
    )
    club = ProviderFactory(
        name="Stretford Lunch Club",
        description="Lunch for older neighbours.",
        email="hello@lunch.example",
        website="https://lunch.example/",
        parent_organization_id=network.pk,
    )
    OrganizationIdentifier.objects.create(
        organization=club, identifier_scheme="GB-COH", identifier_type="Company number", identifier="0765432"
    )
    OrganizationIdentifier.objects.create(
        organization=club, identifier_type="Local register", identifier="LC-9"
    )

    taxonomy = TaxonomyFactory(name="Closeknit categories", version="2")
    food = TaxonomyTermFactory(name="Food", taxonomy=taxonomy, code="food")
    lunch = TaxonomyTermFactory(
        name="Lunch clubs",
        taxonomy=taxonomy,
        parent=food,
        code="lunch-clubs",
        term_uri="https://terms.example/lunch-clubs",
    )

    hall = LocationFactory(
        name="St Hilda's Hall",
        location_type=Location.Type.PHYSICAL,
        description="The church hall behind St Hilda's.",
        attention="The caretaker",
        address_1="1 Chester Road",
        address_2="Old Trafford",
        city="Stretford",
        region="Greater Manchester",
        state_province="Trafford",
        postal_code="M32 0TH",
        country="GB",
        address_type=Location.Type.POSTAL,
        external_identifier="100012345678",
        external_identifier_type="UPRN",
        accessibility="No wheelchair access",
    )
    Accessibility.objects.create(
        location=hall,
        description="No wheelchair access",
        details="Three steps at the door and no ramp.",
        url="https://lunch.example/access",
    )
    Accessibility.objects.create(location=hall, description="Hearing loop in the main room.")
    library = LocationFactory(
        name="Stretford Library",
        state_province="Trafford",
        wheelchair_accessible=True,
        accessibility="Step-free entrance and accessible toilet.",
    )
    park = LocationFactory(name="Longford Park", state_province="Trafford", wheelchair_accessible=True)

    lunch_club = ServiceFactory(
        name="Tuesday lunch club",
        provider=club,
        description="A hot lunch and good company.",
        url="https://lunch.example/tuesday",
        email="tuesday@lunch.example",
        fees_description="£3.50 for a two-course lunch; pay what you can if that is hard.",
        accreditations="Food hygiene rating 5",
        minimum_age=55,
        maximum_age=110,
        alert="No lunch on 23 December.",
        checked_by_email="editor@lunch.example",
        last_checked=date(2026, 11, 2),
        at=[hall, library],
        categories=[lunch],
    )
    at_hall = ServiceAtLocation.objects.get(service=lunch_club, location=hall)
    ScheduleFactory(
        service=lunch_club,
        service_at_location=at_hall,
        location=hall,
        byday="TU",
        opens_at=time(12, 0),
        closes_at=time(14, 0),
        valid_from=date(2026, 9, 1),
        valid_to=date(2027, 7, 20),
        schedule_link="https://lunch.example/timetable",
        attending_type="In person",
        description="Not in August",
        notes="Booking helps us plan.",
    )
    ScheduleFactory(service=lunch_club, freq=Schedule.Frequency.MONTHLY, byday="1TH", interval=1)
    CostOption.objects.create(
        service=lunch_club, option="Two courses", amount=Decimal("3.50"), amount_description="per lunch"
    )
    Language.objects.create(service=lunch_club, name="Polish", code="pl")
    Contact.objects.create(
        service=lunch_club, name="Ann Organiser", title="Volunteer", email="ann@lunch.example"
    )
    ServiceArea.objects.create(
        service=lunch_club,
        name="Stretford ward",
        area_code="E05000829",
        uri="https://statistics.data.gov.uk/id/statistical-geography/E05000829",
        extent='{"type": "Point", "coordinates": [-2.3076, 53.4465]}',
        extent_type="geojson",
    )
    Funding.objects.create(service=lunch_club, organization=club, source="Trafford Council community grant")
    Funding.objects.create(service=lunch_club, source="Donations from diners")

    food_bank = ServiceFactory(name="Food bank", provider=network, at=[library, park], categories=[food])
    ScheduleFactory(service=food_bank, byday="FR", opens_at=time(10, 0), closes_at=time(12, 0))
    return {"hall": hall, "library": library, "park": park, "lunch_club": lunch_club, "lunch": lunch}


def empty_the_directory() -> None:
    Service.objects.all().delete()
    Location.objects.all().delete()
    TaxonomyTerm.objects.filter(parent__isnull=False).delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()
    Provider.objects.all().delete()
    for model in apps.get_app_config("directory").get_models():
        assert not model.objects.exists(), model.__name__


def export(path: Path) -> list[dict]:
    call_command("export_oruk", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_export_import_export_gives_the_same_document(tmp_path):
    rich_directory()
    first = export(tmp_path / "first.json")
    empty_the_directory()

    call_command("import_oruk", str(tmp_path / "first.json"))
    second = export(tmp_path / "second.json")

    assert json.dumps(second, sort_keys=True, indent=1) == json.dumps(first, sort_keys=True, indent=1)


@pytest.mark.django_db
def test_every_field_of_the_issue_is_in_the_export_and_valid(tmp_path):
    made = rich_directory()
    exported = {s["name"]: s for s in export(tmp_path / "directory.json")}
    for record in exported.values():
        assert problems(record, "service.json") == []
    lunch = exported["Tuesday lunch club"]
    assert lunch["fees"].startswith("£3.50")
    assert {f["source"] for f in lunch["funding"]} == {
        "Trafford Council community grant",
        "Donations from diners",
    }
    organization = lunch["organization"]
    assert organization["parent_organization_id"] == exported["Food bank"]["organization"]["id"]
    assert {i["identifier"] for i in organization["organization_identifiers"]} == {"0765432", "LC-9"}
    linked = next(s for s in lunch["schedules"] if s.get("service_at_location_id"))
    assert linked["location_id"] == str(made["hall"].pk)
    assert linked["schedule_link"] == "https://lunch.example/timetable"
    assert lunch["service_areas"][0]["extent_type"] == "geojson"
    hall = next(
        s["location"] for s in lunch["service_at_locations"] if s["location_id"] == str(made["hall"].pk)
    )
    assert {k: hall["addresses"][0][k] for k in ("attention", "address_2", "region", "state_province")} == {
        "attention": "The caretaker",
        "address_2": "Old Trafford",
        "region": "Greater Manchester",
        "state_province": "Trafford",
    }
    assert [a["description"] for a in hall["accessibility"]].count("No wheelchair access") == 1
    term = lunch["attributes"][0]["taxonomy_term"]
    assert (term["parent_id"], term["taxonomy"]) == (str(made["lunch"].parent_id), "Closeknit categories")


@pytest.mark.django_db
def test_what_the_import_writes_keeps_access_as_written(tmp_path):
    made = rich_directory()
    export(tmp_path / "directory.json")
    empty_the_directory()
    call_command("import_oruk", str(tmp_path / "directory.json"))

    hall = Location.objects.get(pk=made["hall"].pk)
    assert hall.wheelchair_accessible is False  # "No wheelchair access" is not a yes
    assert set(hall.accessibility_entries.values_list("description", "details", "url")) == {
        ("No wheelchair access", "Three steps at the door and no ramp.", "https://lunch.example/access"),
        ("Hearing loop in the main room.", "", ""),
    }
    assert Location.objects.get(pk=made["library"].pk).wheelchair_accessible is True
    assert Location.objects.get(pk=made["park"].pk).wheelchair_accessible is True
    lunch = TaxonomyTerm.objects.get(pk=made["lunch"].pk)
    assert (lunch.parent.name, lunch.taxonomy.name) == ("Food", "Closeknit categories")
    schedule = Schedule.objects.get(service_at_location__isnull=False)
    assert (schedule.service_at_location.location_id, schedule.location_id) == (hall.pk, hall.pk)


@pytest.mark.django_db
def test_csv_tables_carry_the_new_fields(tmp_path):
    rich_directory()
    call_command("export_oruk", str(tmp_path / "directory.zip"))
    with zipfile.ZipFile(tmp_path / "directory.zip") as archive:

        def table(name):
            return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))

        assert {row["identifier"] for row in table("organization_identifiers")} == {
            "1100001",
            "0765432",
            "LC-9",
        }
        assert {row["source"] for row in table("funding")} == {
            "Trafford Council community grant",
            "Donations from diners",
        }
        assert any(row["parent_organization_id"] for row in table("organizations"))
        assert any(row["schedule_link"] and row["location_id"] for row in table("schedules"))
        assert table("service_areas")[0]["extent_type"] == "geojson"
        assert any(row["attention"] == "The caretaker" for row in table("addresses"))
        assert any(row["url"] == "https://lunch.example/access" for row in table("accessibility"))
        assert any(row["fees"] for row in table("services"))


@pytest.fixture
def example():
    record = json.loads(EXAMPLE.read_text())
    location = record["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 53.4465, -2.3076  # the example has 100, 101
    return record


@pytest.mark.django_db
def test_the_profiles_own_example_keeps_the_listed_fields(example):
    result = import_records([example])
    assert result.committed
    service = Service.objects.get(pk=example["id"])
    assert service.fees_description == "fees_description"
    assert list(service.funding.values_list("source", flat=True)) == [example["funding"][0]["source"]]
    provider = service.provider
    assert str(provider.parent_organization_id) == "cd09a387-91f4-4555-94ec-e799c35344cd"
    assert list(
        provider.organization_identifiers.values_list("identifier_scheme", "identifier_type", "identifier")
    ) == [("GB-COH", "Company number", "1234567")]
    assert service.schedules.get().schedule_link == "http://example.com"
    area = service.service_areas.get()
    assert (area.extent, area.extent_type) == ("extent", "geojson")
    venue = service.locations.get()
    assert (venue.attention, venue.region, venue.state_province, venue.country, venue.address_type) == (
        "A. Persona",
        "MyRegion",
        "MyState",
        "US",
        "postal",
    )
    entry = venue.accessibility_entries.get()
    assert (str(entry.pk), entry.details, entry.url) == (
        "afcf296e-1cb2-4139-9c88-33d587d1a50b",
        "Switch hearing aid to T-coil to access the induction loop facility.",
        "http://example.com",
    )
    # "Wheelchair access is possible on all levels" is kept as written; only our own words tick the box.
    assert venue.wheelchair_accessible is False
    term = service.terms.get()
    assert term.taxonomy.name == "taxonomy"
    # The example's parent term is in no feed: it is reported, not invented.
    assert any("0bc248fa-dc27-4650-9ba4-8f1a24ef16a2" in warning for warning in result.warnings)
    assert term.parent is None


@pytest.mark.django_db
def test_the_profiles_example_exports_what_it_imported(example):
    import_records([example])
    from directory import selectors
    from directory.oruk.serialise import service_full

    exported = service_full(selectors.with_full_details(Service.objects.all()).get())
    assert problems(exported, "service.json") == []
    assert exported["fees"] == "fees_description"
    assert (
        exported["organization"]["parent_organization_id"]
        == example["organization"]["parent_organization_id"]
    )
    assert exported["organization"]["organization_identifiers"][0]["identifier"] == "1234567"
    assert exported["funding"][0]["id"] == example["funding"][0]["id"]
    address = exported["service_at_locations"][0]["location"]["addresses"][0]
    original = example["service_at_locations"][0]["location"]["addresses"][0]
    assert {k: address[k] for k in ("attention", "region", "state_province", "country", "address_type")} == {
        k: original[k] for k in ("attention", "region", "state_province", "country", "address_type")
    }
    access = exported["service_at_locations"][0]["location"]["accessibility"][0]
    original_access = example["service_at_locations"][0]["location"]["accessibility"][0]
    assert {k: access[k] for k in ("id", "description", "details", "url")} == {
        k: original_access[k] for k in ("id", "description", "details", "url")
    }
    assert exported["schedules"][0]["schedule_link"] == "http://example.com"
    assert exported["service_areas"][0]["extent"] == "extent"


@pytest.mark.django_db
def test_a_schedule_linked_to_another_services_venue_is_refused(example):
    elsewhere, somewhere = str(uuid.uuid4()), str(uuid.uuid4())
    example["schedules"][0] |= {"service_at_location_id": elsewhere, "location_id": somewhere}
    result = import_records([example])
    assert result.rejected[0].problems == [
        f"schedules.0.service_at_location_id: {elsewhere} is not one of this service's service_at_locations",
        f"schedules.0.location_id: {somewhere} is not one of this service's locations",
    ]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_funding_for_an_unknown_organisation_is_refused(example):
    stranger = str(uuid.uuid4())
    example["funding"][0]["organization_id"] = stranger
    result = import_records([example])
    assert result.rejected[0].problems == [
        f"funding.0.organization_id: no organisation {stranger} is in the feed or here"
    ]
    assert not Funding.objects.exists() and not Service.objects.exists()


@pytest.mark.django_db
def test_an_accessibility_entry_cannot_take_another_venues_id(example):
    other = LocationFactory(name="Another venue")
    taken = Accessibility.objects.create(location=other, description="Ramp at the side door.")
    example["service_at_locations"][0]["location"]["accessibility"][0]["id"] = str(taken.pk)
    result = import_records([example])
    assert result.rejected[0].problems == [
        f"service_at_locations.0.location.accessibility.0.id: {taken.pk} already belongs to another location "
        f"here ({other.pk})"
    ]
    taken.refresh_from_db()
    assert (taken.location_id, taken.description) == (other.pk, "Ramp at the side door.")
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_an_organisation_identifier_cannot_take_another_organisations_id(example):
    other = ProviderFactory()
    taken = OrganizationIdentifier.objects.create(
        organization=other, identifier_type="Charity number", identifier="1"
    )
    example["organization"]["organization_identifiers"][0]["id"] = str(taken.pk)
    result = import_records([example])
    assert result.rejected[0].problems == [
        f"organization.organization_identifiers.0.id: {taken.pk} already belongs to another organisation "
        f"here ({other.pk})"
    ]
    assert OrganizationIdentifier.objects.get(pk=taken.pk).organization_id == other.pk


@pytest.mark.django_db
def test_editors_describing_access_afresh_replace_the_imported_entries(client, make_user, tmp_path):
    from accounts.models import Role
    from common.testing import sign_in
    from places.tests.factories import PostcodeFactory

    PostcodeFactory(postcode="M32 0TH")
    hall = LocationFactory(name="St Hilda's Hall", accessibility="No wheelchair access")
    Accessibility.objects.create(location=hall, description="No wheelchair access", details="Three steps.")
    listing = ServiceFactory(name="Stretford lunch club", at=[hall])
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=listing.owner)
    sign_in(client, editor)
    response = client.post(
        f"/directory/manage/{listing.pk}/",
        {
            "listing-name": "Stretford lunch club",
            "listing-cost": "free",
            "listing-status": "active",
            "listing-listing_status": "published",
            "listing-review_interval_days": "180",
            "venue-venue_name": "St Hilda's Hall",
            "venue-address": "1 Chester Road",
            "venue-town": "Stretford",
            "venue-venue_postcode": "m32 0th",
            "venue-wheelchair_accessible": "on",
            "venue-accessibility": "A ramp at the side door now.",
        },
    )
    assert response.status_code == 302
    hall.refresh_from_db()
    assert not hall.accessibility_entries.exists()
    assert hall.state_province == "Trafford"  # found from the postcode when the editors save
    location = export(tmp_path / "directory.json")[0]["service_at_locations"][0]["location"]
    assert [(a["description"], a.get("details")) for a in location["accessibility"]] == [
        ("A ramp at the side door now.", "Wheelchair accessible")
    ]
    assert location["addresses"][0]["state_province"] == "Trafford"


@pytest.mark.django_db
def test_the_back_office_edits_the_new_records(client, make_user):
    from accounts.models import Role
    from common.testing import sign_in

    made = rich_directory()
    sign_in(client, make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    pages = {
        f"/admin/directory/location/{made['hall'].pk}/change/": "Three steps at the door and no ramp.",
        f"/admin/directory/provider/{made['lunch_club'].provider_id}/change/": "0765432",
        f"/admin/directory/service/{made['lunch_club'].pk}/change/": "Donations from diners",
    }
    for path, shows in pages.items():
        response = client.get(path)
        assert response.status_code == 200 and shows in response.content.decode(), path


@pytest.mark.django_db(transaction=True)
def test_upgrading_stores_the_county_the_export_used_to_look_up():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from places.tests.factories import PostcodeFactory

    before = [("directory", "0005_safe_links")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    postcode = PostcodeFactory(postcode="M32 0TH")
    old.get_model("directory", "Location").objects.create(
        name="St Hilda's Hall", address_1="1 Chester Road", postal_code="M32 0TH", postcode_id=postcode.pk
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app as it was, with 0006 applied
    assert Location.objects.get(name="St Hilda's Hall").state_province == "Trafford"
