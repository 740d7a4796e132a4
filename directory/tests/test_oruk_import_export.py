"""Import from Open Referral UK feeds and files (all or nothing), and export that reads back."""

import copy
import json
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from common.testing import local_server
from directory.models import Location, Provider, Schedule, Service
from directory.oruk.export import write_tables_zip
from directory.oruk.importer import FeedError, import_records, records_from_file, records_from_url
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory

EXAMPLE = Path(__file__).parent / "data" / "oruk_example_service_full.json"


def with_new_ids(record: dict, service_id: str) -> dict:
    """A copy of a service record with its own id and new ids for every child record."""
    import uuid

    copied = copy.deepcopy(record)
    copied["id"] = service_id
    for table in (
        "schedules",
        "cost_options",
        "languages",
        "contacts",
        "service_areas",
        "service_at_locations",
        "funding",
    ):
        for item in copied.get(table) or []:
            item["id"] = str(uuid.uuid4())
    return copied


@pytest.fixture
def example():
    record = json.loads(EXAMPLE.read_text())
    location = record["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 53.4465, -2.3076  # the example has 100, 101
    return record


@pytest.mark.django_db
def test_the_official_example_is_rejected_for_its_impossible_latitude():
    result = import_records([json.loads(EXAMPLE.read_text())])
    assert result.rejected[0].problems == ["service_at_locations.0.location.latitude: 100 is not a latitude"]
    assert not Service.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["latitude", "longitude"])
def test_a_venue_with_half_a_position_is_rejected_by_name(example, missing):
    del example["service_at_locations"][0]["location"][missing]
    result = import_records([example])
    given = {"latitude": "longitude", "longitude": "latitude"}[missing]
    assert result.rejected[0].problems == [
        f"service_at_locations.0.location.{missing}: is missing beside the {given}: give both or neither"
    ]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_the_official_example_imports_in_full(example):
    result = import_records([example])
    assert (result.created, result.updated, result.rejected) == (1, 0, [])
    service = Service.objects.get(pk=example["id"])
    assert service.name == example["name"] and service.provider.name == example["organization"]["name"]
    assert service.schedules.get().byday == "TH,FR"
    assert service.locations.get().name == "MyCity Civic Center"
    assert service.terms.count() == len(example["attributes"])


@pytest.mark.django_db
def test_importing_again_updates_in_place(example):
    import_records([example])
    changed = copy.deepcopy(example)
    changed["name"] = "Renamed service"
    changed["schedules"] = []
    result = import_records([changed])
    assert (result.created, result.updated) == (0, 1)
    assert Service.objects.get().name == "Renamed service"
    assert not Schedule.objects.exists()  # what the feed no longer lists goes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda r: r.pop("name"), "(record): 'name' is a required property"),
        (lambda r: r.update(id="not-a-uuid"), "id: 'not-a-uuid' is not a 'uuid'"),
        (lambda r: r.update(status="open"), "status: 'open' is not one of"),
        (lambda r: r["schedules"][0].update(opens_at="25:00"), "schedules.0.opens_at: '25:00' is not a time"),
        (lambda r: r["schedules"][0].update(byday="XX"), "schedules.0.byday: “XX” is not a day"),
        (lambda r: r.update(minimum_age=70, maximum_age=12), "maximum_age: is below minimum_age"),
        (lambda r: r["cost_options"][0].update(amount=-3), "cost_options.0.amount: cannot be negative"),
    ],
)
def test_a_bad_record_is_rejected_by_field_and_nothing_is_written(example, change, problem):
    good = copy.deepcopy(example)
    bad = copy.deepcopy(example)
    bad["id"] = "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01"
    change(bad)
    result = import_records([good, bad])
    assert [r.position for r in result.rejected] == [2]
    assert any(p.startswith(problem) for p in result.rejected[0].problems), result.rejected[0].problems
    assert not Service.objects.exists() and not Provider.objects.exists() and not Location.objects.exists()


@pytest.mark.django_db
def test_the_same_id_twice_is_rejected(example):
    result = import_records([example, copy.deepcopy(example)])
    assert result.rejected[0].problems == ["id: the same id is also record 1"]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_child_record_shared_by_two_services_is_rejected(example):
    twin = with_new_ids(example, "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01")
    twin["schedules"] = copy.deepcopy(example["schedules"])
    result = import_records([example, twin])
    assert [r.position for r in result.rejected] == [2]
    assert result.rejected[0].problems[0].startswith("schedules.0.id:")
    assert "is also used in record 1" in result.rejected[0].problems[0]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_child_record_belonging_to_a_listing_already_here_is_rejected(example):
    import_records([example])
    twin = with_new_ids(example, "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01")
    twin["contacts"] = copy.deepcopy(example["contacts"])
    result = import_records([twin])
    assert "already belongs to another listing" in result.rejected[0].problems[0]
    assert Service.objects.count() == 1


@pytest.mark.django_db
def test_a_location_named_only_by_an_unknown_id_is_rejected(example):
    sal = example["service_at_locations"][0]
    sal["location_id"] = "0b9c1f4e-8a55-4f3e-9d7e-2b8a1c0f6e11"
    del sal["location"]
    result = import_records([example])
    assert result.rejected[0].problems == [
        "service_at_locations.0.location_id: no location 0b9c1f4e-8a55-4f3e-9d7e-2b8a1c0f6e11 is in the "
        "feed or already here"
    ]


@pytest.mark.django_db
def test_dry_run_checks_but_writes_nothing(example):
    result = import_records([example], dry_run=True)
    assert result.committed and not Service.objects.exists()


def test_unreadable_files_say_why(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(FeedError, match="broken.json is not valid JSON"):
        records_from_file(tmp_path / "broken.json")
    with pytest.raises(FeedError, match="missing.json: no such file"):
        records_from_file(tmp_path / "missing.json")


@pytest.mark.django_db
def test_command_lists_each_rejected_record_and_imports_nothing(tmp_path, example, capsys):
    bad = copy.deepcopy(example)
    bad["id"] = "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01"
    bad["schedules"][0]["closes_at"] = "09:00"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"contents": [example, bad]}))
    with pytest.raises(CommandError, match="1 of 2 records were rejected. Nothing was imported."):
        call_command("import_oruk", str(path))
    errors = capsys.readouterr().err
    assert f"Record 2 ({bad['id']}" in errors
    assert "schedules.0.closes_at: The end time must be after the start time" in errors
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_command_needs_a_known_owner(tmp_path, example):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([example]))
    with pytest.raises(CommandError, match="No organisation is called 'Nobody'"):
        call_command("import_oruk", str(path), owner="Nobody")


class _Feed(BaseHTTPRequestHandler):
    """A remote Open Referral UK feed: two pages of services, then each service in full."""

    services: dict = {}

    def do_GET(self):  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        ids = sorted(self.services)
        if url.path == "/api/services":
            page = int(dict(p.split("=") for p in url.query.split("&"))["page"])
            contents = [
                {"id": i, "name": self.services[i]["name"], "status": "active"}
                for i in ids[(page - 1) : page]
            ]
            body = {"contents": contents, "page_number": page, "last_page": page >= len(ids)}
        elif url.path.startswith("/api/services/") and url.path.rsplit("/", 1)[1] in self.services:
            body = self.services[url.path.rsplit("/", 1)[1]]
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed(example):
    second = with_new_ids(example, "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01")
    second["name"] = "A second service"
    _Feed.services = {example["id"]: example, second["id"]: second}
    with local_server(_Feed) as address:
        yield f"{address}/api/"


@pytest.mark.django_db
def test_feed_import_follows_pagination_and_fetches_each_service(feed):
    call_command("import_oruk", feed)
    assert sorted(Service.objects.values_list("name", flat=True)) == sorted(
        s["name"] for s in _Feed.services.values()
    )


def test_unreachable_feed_says_so():
    with pytest.raises(FeedError, match="could not reach"):
        records_from_url("http://127.0.0.1:9/oruk/", timeout=2)
    with pytest.raises(FeedError, match="must start with http"):
        records_from_url("ftp://example.org/oruk/")


@pytest.mark.django_db
def test_export_reads_back_in_and_validates(tmp_path):
    hall = LocationFactory(name="St Hilda's Hall")
    listing = ServiceFactory(
        name="Tuesday lunch club", at=[hall], categories=[TaxonomyTermFactory(name="Food")]
    )
    ScheduleFactory(service=listing, byday="TU")
    path = tmp_path / "directory.json"
    call_command("export_oruk", str(path))
    exported = json.loads(path.read_text())
    Service.objects.all().delete()
    result = import_records(exported)
    assert result.committed and result.created == 1
    again = Service.objects.get(pk=listing.pk)
    assert again.name == "Tuesday lunch club" and again.schedules.get().byday == "TU"
    assert again.locations.get().name == "St Hilda's Hall" and again.terms.get().name == "Food"


@pytest.mark.django_db
def test_csv_export_writes_linked_tables(tmp_path):
    hall = LocationFactory(name="St Hilda's Hall")
    for name in ("Lunch club", "Choir"):
        ScheduleFactory(service=ServiceFactory(name=name, at=[hall]))
    from directory.oruk.export import published_services

    counts = write_tables_zip(published_services(), tmp_path / "directory.zip")
    assert (counts["services"], counts["locations"], counts["schedules"]) == (2, 1, 2)
    with zipfile.ZipFile(tmp_path / "directory.zip") as archive:
        services = archive.read("services.csv").decode().splitlines()
        assert services[0].startswith("id,organization_id,name")
        assert len(services) == 3
        assert "St Hilda's Hall" in archive.read("locations.csv").decode()


@pytest.mark.django_db
def test_export_refuses_an_unknown_format(tmp_path):
    with pytest.raises(CommandError, match="must end .json"):
        call_command("export_oruk", str(tmp_path / "directory.xml"))


@pytest.mark.django_db
def test_export_reads_back_with_the_note_about_when_still_a_note(tmp_path):
    listing = ServiceFactory(name="Tuesday lunch club")
    ScheduleFactory(service=listing, byday="TU", description="Not in August")
    path = tmp_path / "directory.json"
    call_command("export_oruk", str(path))
    exported = json.loads(path.read_text())
    assert exported[0]["schedules"][0]["description"] == "Every Tuesday, 10:00 to 12:00."
    Service.objects.all().delete()
    import_records(exported)
    schedule = Service.objects.get(pk=listing.pk).schedules.get()
    assert (schedule.description, schedule.notes) == ("Not in August", "")


@pytest.mark.django_db
def test_another_directorys_description_is_kept_as_the_note(example):
    example["schedules"][0]["description"] = "Thursdays and Fridays, mornings"
    import_records([example])
    schedule = Service.objects.get(pk=example["id"]).schedules.get()
    assert schedule.description == "Thursdays and Fridays, mornings"


@pytest.mark.django_db
def test_a_venue_the_feed_moves_moves_every_listing_that_meets_there(example):
    from directory.models import SearchKey

    import_records([example])
    sent = Service.objects.get()
    venue = sent.locations.get()
    # A listing of the same source at the same venue, not in the next feed.
    other = ServiceFactory(name="Other club", provider=sent.provider, owner=sent.owner, at=[venue])
    moved = example["service_at_locations"][0]["location"]
    moved["latitude"], moved["longitude"] = 53.40, -2.45
    result = import_records([example])
    assert (result.updated, result.rejected) == (1, [])
    key = SearchKey.objects.get(service=other)
    assert (key.min_latitude, key.min_longitude) == (53.40, -2.45)
