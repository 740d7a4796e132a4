"""No feed can break the Open Referral UK import: each hostile feed below, from a file or from a
real local HTTP server, is refused with a message naming the record and the field, and not one row
of any directory table changes."""

from __future__ import annotations

import copy
import gzip
import io
import json
import re
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.testing import local_server
from directory.models import Service
from directory.oruk.checks import check_record
from directory.oruk.importer import import_records

EXAMPLE = Path(__file__).parent / "data" / "oruk_example_service_full.json"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _example() -> dict:
    record = json.loads(EXAMPLE.read_text())
    location = record["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 53.4465, -2.3076  # the example has 100, 101
    return record


def fresh(record: dict) -> dict:
    """A copy of ``record`` in which every id (and every reference to it) is new."""
    text = json.dumps(record)
    renamed = {old: str(uuid.uuid4()) for old in set(_UUID.findall(text))}
    return json.loads(_UUID.sub(lambda m: renamed[m[0]], text))


def row_counts() -> dict[str, int]:
    """Rows in every directory table, the many-to-many ones (Service.terms) included."""
    models = apps.get_app_config("directory").get_models(include_auto_created=True)
    return {model._meta.db_table: model.objects.count() for model in models}


@pytest.fixture
def directory_with_a_listing(tmp_path_factory) -> dict[str, int]:
    """A listing already imported (so a partial write or an overwrite would show), and the counts."""
    path = tmp_path_factory.mktemp("existing") / "existing.json"
    path.write_text(json.dumps([_example()]))
    call_command("import_oruk", str(path))
    counts = row_counts()
    filled = ("directory_service", "directory_service_terms", "directory_schedule", "directory_costoption")
    assert all(counts[table] > 0 for table in filled), counts
    return counts


# --- Hostile records, from a file: the first record is fine, the second is the attack -------------


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A change to a record: set the field at ``path`` ("schedules.0.opens_at") to ``value``."""

    def change(record: dict) -> None:
        *parents, last = path.split(".")
        target: object = record
        for step in parents:
            target = target[int(step)] if isinstance(target, list) else target[step]  # type: ignore[index]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value  # type: ignore[index]

    return change


def _deep(levels: int) -> object:
    value: object = "bottom"
    for _ in range(levels):
        value = [value]
    return value


LOCATION = "service_at_locations.0.location"
RECORD_CASES = [
    ("nul_in_name", _set("name", "Lunch\x00club"), "name: contains a NUL character"),
    ("lone_surrogate", _set("description", "Caf\ud800"), "description: contains a lone surrogate"),
    ("surrogate_in_a_field_name", _set("extra\udfff", 1), "this field's name contains a lone surrogate"),
    (
        "nested_50_deep",
        _set("extra", _deep(50)),
        "extra.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0: is nested more",
    ),
    (
        "schedules_5000",
        lambda r: r.update(schedules=r["schedules"] * 5000),
        "schedules: has 5,000 items: at most 1,000 are read",
    ),
    ("javascript_url", _set("url", "javascript:alert(1)"), "url: ‘javascript:’ addresses are not allowed"),
    ("data_website", _set("organization.website", "data:text/html,<script>"), "organization.website: "),
    ("vbscript_area", _set("service_areas.0.uri", "vbscript:msgbox(1)"), "service_areas.0.uri: ‘vbscript:’"),
    (
        "javascript_schedule_link",
        _set("schedules.0.schedule_link", "javascript:x"),
        "schedules.0.schedule_link",
    ),
    (
        "javascript_term_uri",
        _set("attributes.0.taxonomy_term.term_uri", "JaVaScRiPt:x"),
        "term_uri: ‘javascript:’",
    ),
    (
        "javascript_accessibility_url",
        _set(f"{LOCATION}.accessibility.0.url", "javascript:alert(1)"),
        f"{LOCATION}.accessibility.0.url: ‘javascript:’",
    ),
    (
        "javascript_organization_uri",
        _set("organization.uri", "javascript:1"),
        "organization.uri: ‘javascript:’",
    ),
    ("not_a_uri", _set("url", "http://exa mple.org"), "url: 'http://exa mple.org' is not a 'uri'"),
    ("name_256", _set("name", "x" * 256), "name: is 256 characters long: at most 255 can be stored"),
    ("contact_name_long", _set("contacts.0.name", "y" * 300), "contacts.0.name: is 300 characters long"),
    (
        "postcode_long",
        _set(f"{LOCATION}.addresses.0.postal_code", "M16 0RA M16 0RA"),
        f"{LOCATION}.addresses.0.postal_code: is 15 characters long: at most 10",
    ),
    (
        "country_not_a_code",
        _set(f"{LOCATION}.addresses.0.country", "United Kingdom"),
        f"{LOCATION}.addresses.0.country: is 14 characters long: at most 2 can be stored",
    ),
    (
        "identifier_long",
        _set("organization.organization_identifiers.0.identifier", "9" * 300),
        "organization.organization_identifiers.0.identifier: is 300 characters long",
    ),
    (
        "accessibility_url_long",
        _set(f"{LOCATION}.accessibility.0.url", "https://access.example/" + "z" * 300),
        f"{LOCATION}.accessibility.0.url: is 323 characters long",
    ),
    (
        "taxonomy_name_long",
        _set("attributes.0.taxonomy_term.taxonomy", "t" * 256),
        "attributes.0.taxonomy_term.taxonomy: is 256 characters long: at most 255 can be stored",
    ),
    (
        "term_long_without_code",
        _set("attributes.0.taxonomy_term.term", "c" * 101),
        "attributes.0.taxonomy_term.term: is 101 characters long: at most 100 can be stored",
    ),
    (
        "service_area_long_without_name",
        lambda r: r["service_areas"][0].update(name="", service_area="s" * 256),
        "service_areas.0.service_area: is 256 characters long: at most 255 can be stored",
    ),
    (
        "funding_with_nul",
        _set("funding.0.source", "Lottery\x00"),
        "funding.0.source: contains a NUL character",
    ),
    (
        "language_code_long",
        _set("languages.0.code", "english-uk-x"),
        "languages.0.code: is 12 characters long",
    ),
    ("nan_amount", _set("cost_options.0.amount", float("nan")), "cost_options.0.amount: nan is not a number"),
    (
        "infinite_latitude",
        _set(f"{LOCATION}.latitude", float("inf")),
        f"{LOCATION}.latitude: inf is not a number",
    ),
    ("latitude_91", _set(f"{LOCATION}.latitude", 91), f"{LOCATION}.latitude: 91 is not a latitude"),
    (
        "negative_interval",
        _set("schedules.0.interval", -1),
        "schedules.0.interval: '-1' is not a whole number",
    ),
    (
        "interval_99999",
        _set("schedules.0.interval", 99999),
        "schedules.0.interval: '99999' is not a whole number",
    ),
    ("interval_400_digits", _set("schedules.0.interval", 10**400), "schedules.0.interval: '1000000000"),
    ("age_400_digits", _set("minimum_age", -(10**400)), "minimum_age: '-10000000"),
    ("interval_half", _set("schedules.0.interval", 1.5), "schedules.0.interval: '1.5' is not a whole number"),
    (
        "amount_1e12",
        _set("cost_options.0.amount", 1e12),
        "cost_options.0.amount: 1000000000000.0 is too large",
    ),
    (
        "amount_fractions",
        _set("cost_options.0.amount", 1.005),
        "cost_options.0.amount: 1.005 has more than 2",
    ),
    ("negative_amount", _set("cost_options.0.amount", -3), "cost_options.0.amount: cannot be negative"),
    (
        "date_30_february",
        _set("schedules.0.valid_from", "2026-02-30"),
        "schedules.0.valid_from: '2026-02-30' is not",
    ),
    (
        "date_with_tail",
        _set("assured_date", "2026-01-31; DROP"),
        "assured_date: '2026-01-31; DROP' is not a date",
    ),
    (
        "cost_date",
        _set("cost_options.0.valid_to", "31/12/2026"),
        "cost_options.0.valid_to: '31/12/2026' is not",
    ),
    ("time_25", _set("schedules.0.opens_at", "25:00"), "schedules.0.opens_at: '25:00' is not a time"),
    (
        "time_seconds_75",
        _set("schedules.0.closes_at", "18:00:75"),
        "schedules.0.closes_at: '18:00:75' is not",
    ),
    (
        "last_modified_garbage",
        _set("last_modified", "yesterday"),
        "last_modified: 'yesterday' is not a 'date-time'",
    ),
    ("age_200", _set("minimum_age", 200), "minimum_age: '200' is not an age in whole years (0 to 130)"),
    ("age_40000", _set("maximum_age", 40000), "maximum_age: '40000' is not a whole number from 0 to 32767"),
    ("email_without_domain", _set("email", "someone@"), "email: 'someone@' is not an email address"),
    ("name_a_number", _set("name", 5), "name: 5 is not of type 'string'"),
    ("schedules_an_object", _set("schedules", {"id": 1}), "schedules: {'id': 1} is not of type 'array'"),
    (
        "schedule_a_string",
        _set("schedules.0", "every day"),
        "schedules.0: 'every day' is not of type 'object'",
    ),
    ("organization_a_list", _set("organization", []), "organization: [] is not of type 'object'"),
    ("status_unknown", _set("status", "open"), "status: 'open' is not one of"),
    ("id_not_uuid", _set("id", "../../admin"), "id: '../../admin' is not a 'uuid'"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in RECORD_CASES], ids=[c[0] for c in RECORD_CASES]
)
def test_a_hostile_record_is_refused_by_name_and_field_and_nothing_changes(
    directory_with_a_listing, tmp_path, change, expected
):
    good, bad = fresh(_example()), fresh(_example())
    bad["name"] = "Hostile listing"
    change(bad)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([good, bad]))
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", str(path))
    message = str(refused.value)
    assert "1 of 2 records were rejected. Nothing was imported." in message
    assert f"Record 2 ({bad['id'] if isinstance(bad.get('id'), str) else ''}" in message
    assert expected in message
    assert row_counts() == directory_with_a_listing


def test_a_field_stored_instead_of_another_is_checked_only_when_it_is_stored():
    """``term`` is stored as the code only when there is no ``code``, ``service_area`` as the name
    only when there is no ``name``: beside them, a long one is not refused, as it is not stored."""
    record = fresh(_example())
    record["attributes"][0]["taxonomy_term"].update(code="C1", term="c" * 101)
    record["service_areas"][0].update(name="Trafford", service_area="s" * 256)
    assert check_record(record) == []


# Every field the importer once cut short, as long as its column: (path, length, what is stored).
FULL_LENGTH = [
    ("name", 255, lambda s: s.name),
    ("organization.name", 255, lambda s: s.provider.name),
    (f"{LOCATION}.name", 255, lambda s: s.locations.get().name),
    (f"{LOCATION}.addresses.0.attention", 255, lambda s: s.locations.get().attention),
    (f"{LOCATION}.addresses.0.address_1", 255, lambda s: s.locations.get().address_1),
    (f"{LOCATION}.addresses.0.city", 100, lambda s: s.locations.get().city),
    (f"{LOCATION}.addresses.0.state_province", 100, lambda s: s.locations.get().state_province),
    (f"{LOCATION}.addresses.0.postal_code", 10, lambda s: s.locations.get().postal_code),
    (f"{LOCATION}.external_identifier", 100, lambda s: s.locations.get().external_identifier),
    (f"{LOCATION}.external_identifier_type", 50, lambda s: s.locations.get().external_identifier_type),
    ("attributes.0.taxonomy_term.name", 255, lambda s: s.terms.get().name),
    ("attributes.0.taxonomy_term.term", 100, lambda s: s.terms.get().code),
    ("attributes.0.taxonomy_term.taxonomy", 255, lambda s: s.terms.get().taxonomy.name),
    (
        "organization.organization_identifiers.0.identifier",
        100,
        lambda s: s.provider.organization_identifiers.get().identifier,
    ),
    ("schedules.0.description", 255, lambda s: s.schedules.get().description),
    ("schedules.0.attending_type", 100, lambda s: s.schedules.get().attending_type),
    ("cost_options.0.amount_description", 255, lambda s: s.cost_options.get().amount_description),
    ("contacts.0.title", 255, lambda s: s.contacts.get().title),
    ("service_areas.0.name", 255, lambda s: s.service_areas.get().name),
    ("service_areas.0.extent_type", 20, lambda s: s.service_areas.get().extent_type),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "length", "stored"), FULL_LENGTH, ids=[c[0] for c in FULL_LENGTH])
def test_text_as_long_as_its_column_is_written_whole(path, length, stored):
    record = fresh(_example())
    value = ("Ab" * length)[:length]
    _set(path, value)(record)
    result = import_records([record])
    assert result.committed, result.rejected
    assert stored(Service.objects.get(pk=record["id"])) == value


# --- Hostile files as a whole -----------------------------------------------------------------


def _records(*records: object) -> bytes:
    return json.dumps(list(records)).encode()


FILE_CASES = [
    ("nested_100k", lambda: b"[" * 100_000 + b"]" * 100_000, {}, "feed.json is nested too deeply to read"),
    (
        "invalid_utf8",
        lambda: b'[{"name": "caf\xe9"}]',
        {},
        "feed.json is not UTF-8 text (a bad byte at position 14)",
    ),
    ("not_json", lambda: b"{not json", {}, "feed.json is not valid JSON"),
    ("html", lambda: b"<!doctype html><h1>Oops</h1>", {}, "feed.json sent a web page (HTML), not JSON"),
    (
        "integer_5000_digits",
        lambda: b"[" + b"9" * 5000 + b"]",
        {},
        "feed.json is not valid JSON (Exceeds the limit",
    ),
    ("a_bare_number", lambda: b"42", {}, "feed.json holds neither a service nor a list of services"),
    (
        "too_big",
        lambda: _records(_example()),
        {"max_bytes": 100},
        "feed.json is larger than 100 bytes (--max-bytes)",
    ),
    (
        "too_many_records",
        lambda: _records(fresh(_example()), fresh(_example())),
        {"max_records": 1},
        "feed.json holds more than 1 services (--max-records)",
    ),
    ("record_a_string", lambda: _records("a service"), {}, "Record 1 ((no id)): (record): is a JSON string"),
    (
        "record_null",
        lambda: _records(None),
        {},
        "Record 1 ((no id)): (record): is a JSON null, not an object",
    ),
    (
        "duplicate_ids",
        lambda: _records(_example(), {**fresh(_example()), "id": _example()["id"]}),
        {},
        f"Record 2 ({_example()['id']}, 'Community Counselling'): id: the same id is also record 1",
    ),
    (
        "out_of_time",
        lambda: _records(fresh(_example())),
        {"time_limit": 0},
        "took longer than its time limit of 0",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "options", "expected"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_a_hostile_file_is_refused_and_nothing_changes(
    directory_with_a_listing, tmp_path, body, options, expected
):
    path = tmp_path / "feed.json"
    path.write_bytes(body())
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", str(path), **options)
    assert expected in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert row_counts() == directory_with_a_listing


# --- Hostile servers ---------------------------------------------------------------------------

ONE_ID = "8a3c5b9e-31f4-4c6e-9d0a-2b7f1e5c4d3a"


class HostileFeed(BaseHTTPRequestHandler):
    """A feed that misbehaves in the way ``mode`` says; otherwise one page listing ONE_ID."""

    mode = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        page = int(parse_qs(url.query).get("page", ["1"])[0])
        handler = getattr(self, f"_{self.mode}", None)
        if handler is not None and handler(url.path, page) is not False:
            return
        if url.path.endswith("/services"):
            self.send_json({"contents": [{"id": ONE_ID}], "page_number": 1, "last_page": True})
        else:
            record = fresh(_example())
            record["id"] = ONE_ID
            self.send_json(record)

    def send_json(self, body: object, status: int = 200, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _endless_body(self, path: str, page: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b'{"contents": ["')
        while True:
            self.wfile.write(b"x" * 65536)

    def _slow_trickle(self, path: str, page: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        for byte in json.dumps({"contents": [], "last_page": True}).encode():
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def _slow_headers(self, path: str, page: int) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 1000:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

    def _endless_headers(self, path: str, page: int) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(1000):
            self.wfile.write(b"X-Header-%d: x\r\n" % number)

    def _huge_declared(self, path: str, page: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(10**12))
        self.end_headers()

    def _page_ignored(self, path: str, page: int) -> None:
        self.send_json({"contents": [{"id": ONE_ID}], "page_number": 1, "last_page": False})

    def _page_repeats(self, path: str, page: int) -> None:
        ids = [str(uuid.UUID(int=page % 2 + 1))]  # pages 1 and 3 list the same service
        self.send_json({"contents": [{"id": i} for i in ids], "last_page": False})

    def _pages_never_end(self, path: str, page: int) -> None:
        self.send_json({"contents": [{"id": str(uuid.uuid4())}], "page_number": page, "last_page": False})

    def _slow_pages_never_end(self, path: str, page: int) -> None:
        time.sleep(0.3)
        self._pages_never_end(path, page)

    def _id_mismatch(self, path: str, page: int) -> bool:
        if path.endswith("/services"):
            return False
        self.send_json(fresh(_example()))
        return True

    def _record_is_a_list(self, path: str, page: int) -> bool:
        if path.endswith("/services"):
            return False
        self.send_json([ONE_ID])
        return True

    def _hostile_record(self, path: str, page: int) -> bool:
        if path.endswith("/services"):
            return False
        record = fresh(_example())
        record["id"], record["url"] = ONE_ID, "javascript:alert(document.cookie)"
        self.send_json(record)
        return True

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect_to_file(self, path: str, page: int) -> None:
        self._redirect("file:///etc/passwd")

    def _redirect_to_javascript(self, path: str, page: int) -> None:
        self._redirect("javascript:alert(1)")

    def _redirect_loop(self, path: str, page: int) -> None:
        self._redirect(path + "?page=1")

    def _html_page(self, path: str, page: int) -> None:
        self.send_json(b"<html><body>Sign in to continue</body></html>", content_type="text/html")

    def _html_as_json(self, path: str, page: int) -> None:
        self.send_json(b"  <html><body>Error</body></html>")

    def _server_error(self, path: str, page: int) -> None:
        self.send_json({"error": "boom"}, status=500)

    def _not_found(self, path: str, page: int) -> bool:
        if path.endswith("/services"):
            return False
        self.send_json({"error": "gone"}, status=404)
        return True

    def _invalid_utf8(self, path: str, page: int) -> None:
        self.send_json(b'{"contents": [], "note": "\xff\xfe"}')

    def _gzip_bomb(self, path: str, page: int) -> None:
        data = gzip.compress(b" " * 10_000_000)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_a_page(self, path: str, page: int) -> None:
        self.send_json({"services": []})

    def _page_item_without_id(self, path: str, page: int) -> None:
        self.send_json({"contents": [{"name": "No id"}], "last_page": True})

    def _too_many_records(self, path: str, page: int) -> None:
        self.send_json({"contents": [{"id": str(uuid.uuid4())} for _ in range(5)], "last_page": True})

    def log_message(self, *args: object) -> None:
        pass


LIMITS = {"timeout": 1, "max_bytes": 64 * 1024, "max_pages": 3, "time_limit": 5}
HTTP_CASES = [
    ("endless_body", {}, "sent more than 65,536 bytes (--max-bytes)"),
    ("slow_trickle", {}, "took longer than 1 seconds to answer (--timeout)"),
    ("slow_headers", {}, "took longer than 1 seconds to answer (--timeout)"),
    ("endless_headers", {}, "did not answer in HTTP (got more than 100 headers)"),
    ("huge_declared", {}, "sent more than 65,536 bytes (--max-bytes)"),
    ("page_ignored", {}, "answered page 2 with page 1: it ignores the page parameter"),
    ("page_repeats", {}, "page 3 lists service 00000000-0000-0000-0000-000000000002 again (first on page 1)"),
    ("pages_never_end", {}, "has more than 3 pages (--max-pages)"),
    (
        "slow_pages_never_end",
        {"max_pages": 1000, "time_limit": 1},
        "took longer than its time limit of 1 seconds",
    ),
    ("id_mismatch", {}, f"Record 1 ({ONE_ID}): id: "),
    ("record_is_a_list", {}, f"Record 1 ({ONE_ID}): id: "),
    ("hostile_record", {}, f"Record 1 ({ONE_ID}, 'Community Counselling'): url: ‘javascript:’ addresses"),
    (
        "redirect_to_file",
        {},
        "redirected to 'file:///etc/passwd': only http:// and https:// addresses are followed",
    ),
    ("redirect_to_javascript", {}, "redirected to 'javascript:alert(1)': only http:// and https://"),
    ("redirect_loop", {}, "redirected more than 5 times"),
    ("html_page", {}, "sent a web page (HTML), not JSON"),
    ("html_as_json", {}, "sent a web page (HTML), not JSON"),
    ("server_error", {}, "answered 500 Internal Server Error"),
    ("not_found", {}, "answered 404 Not Found"),
    ("invalid_utf8", {}, "is not UTF-8 text (a bad byte at position 26)"),
    ("gzip_bomb", {}, "sent a compressed answer (gzip), which was not asked for"),
    ("not_a_page", {}, "page 1 is not an Open Referral UK page (no 'contents' list)"),
    ("page_item_without_id", {}, "page 1, item 1: id: is missing"),
    ("too_many_records", {"max_records": 4}, "lists more than 4 services (--max-records)"),
    (
        "max_feed_bytes",
        {"max_feed_bytes": 1000},
        "the feed sent more than 1,000 bytes in all (--max-feed-bytes)",
    ),
]


@pytest.fixture
def hostile_server():
    with ExitStack() as servers:

        def serve(mode: str) -> str:
            handler = type("Handler", (HostileFeed,), {"mode": mode})
            return f"{servers.enter_context(local_server(handler))}/oruk/"

        yield serve


@pytest.mark.django_db
@pytest.mark.parametrize(("options", "expected"), [c[1:] for c in HTTP_CASES], ids=[c[0] for c in HTTP_CASES])
def test_a_hostile_server_is_refused_in_time_and_nothing_changes(
    directory_with_a_listing, hostile_server, request, options, expected
):
    mode = request.node.callspec.id
    url = hostile_server("" if mode == "max_feed_bytes" else mode)
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", url, **{**LIMITS, **options})
    assert time.monotonic() - started < 6
    assert expected in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert row_counts() == directory_with_a_listing


# --- Progress, the summary, and a refusal while writing ------------------------------------------


@pytest.mark.django_db
def test_a_feed_imports_with_progress_lines_and_a_summary(hostile_server, capsys):
    call_command("import_oruk", hostile_server(""), **LIMITS)
    out, err = capsys.readouterr()
    assert "pages fetched: 1" in err
    assert "records fetched: 1 of 1" in err
    assert "records checked: 1 of 1" in err
    assert "records written: 1 of 1" in err
    assert re.search(
        r"Imported 1 services for the district's own records \(no owner\): "
        r"read 1, 1 new, 0 updated, 0 rejected, in \d+\.\d s\.",
        out,
    )
    assert Service.objects.filter(pk=ONE_ID).exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_a_terminal_gets_progress_bars(hostile_server):
    terminal, out = _Terminal(), io.StringIO()
    call_command("import_oruk", hostile_server(""), stderr=terminal, stdout=out, **LIMITS)
    shown = terminal.getvalue()
    for bar in ("pages fetched: ", "records fetched: 100%", "records checked: 100%", "records written: 100%"):
        assert bar in shown
    assert "Imported 1 services" in out.getvalue()


@pytest.mark.django_db
def test_no_progress_shows_only_the_summary(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([_example()]))
    err, out = io.StringIO(), io.StringIO()
    call_command("import_oruk", str(path), no_progress=True, stderr=err, stdout=out)
    assert "records" not in err.getvalue()
    assert "Imported 1 services for the district's own records (no owner): read 1, 1 new" in out.getvalue()


@pytest.mark.django_db
def test_a_refusal_while_writing_rolls_the_whole_import_back(directory_with_a_listing):
    class OutOfTime(Exception):
        pass

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "written" and done == 2:
            raise OutOfTime

    records = [fresh(_example()), fresh(_example()), copy.deepcopy(_example())]
    with pytest.raises(OutOfTime):
        import_records(records, progress=progress)
    assert row_counts() == directory_with_a_listing


# --- Any JSON at all, anywhere in a record ----------------------------------------------------

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _places(value: object, path: tuple = ()) -> list[tuple]:
    """Every place in a record a value can be put: each field and item, and a new field anywhere."""
    found = []
    if isinstance(value, dict):
        found.append((*path, "extra"))
        for key, inner in value.items():
            found += [(*path, key), *_places(inner, (*path, key))]
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += [(*path, index), *_places(inner, (*path, index))]
    return found


PLACES = _places(_example())


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), value=ANY_JSON)
def test_any_value_anywhere_is_either_refused_by_field_or_written_whole(place, value):
    record = fresh(_example())
    target = record
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    problems = check_record(record)
    assert all(isinstance(p, str) and ": " in p for p in problems)
    before = row_counts()
    result = import_records([record], dry_run=False)
    if result.rejected:
        assert row_counts() == before
    else:
        assert Service.objects.filter(pk=record["id"]).exists()
