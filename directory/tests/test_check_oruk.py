"""`check_oruk URL`: the conformance check, run against our own API and against broken feeds."""

import json
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from common.testing import TrickledHeaders, local_server
from directory.oruk.conformance import FAIL, PASS, RULES, check_feed
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory


def run_check(url, *args):
    """The command's printed report and its error (None when every required rule passes)."""
    out = StringIO()
    try:
        call_command("check_oruk", url, *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


# Our own API


@pytest.fixture
def our_feed(transactional_db, live_server):
    """A few listings (shared venues, two categories, sessions) behind our own /oruk/ API."""
    garden, walks = TaxonomyTermFactory(name="Gardening"), TaxonomyTermFactory(name="Walking")
    hall, park = LocationFactory(name="St Hilda's Hall"), LocationFactory(name="Longford Park")
    for n in range(5):
        service = ServiceFactory(name=f"Garden club {n}", at=[hall, park], categories=[garden])
        ScheduleFactory(service=service, byday="MO")
    ServiceFactory(name="Tuesday walk", at=[park], categories=[walks], minimum_age=18)
    ServiceFactory(name="Tuesday walk", at=[park], categories=[walks, garden])
    return f"{live_server.url}/oruk"


def test_our_api_passes_every_rule(our_feed):
    report = check_feed(our_feed)

    not_passed = {r.rule.id: r.reasons for r in report.results if r.outcome != PASS}
    assert not_passed == {}, json.dumps(not_passed, indent=2)


def test_the_command_prints_each_rule_and_a_summary(our_feed):
    printed, _ = run_check(our_feed)

    for rule in RULES:
        assert f"{rule.id} {rule.name}:" in printed
    assert "Rules: " in printed and "Requests made: " in printed


def test_json_report_names_every_rule(our_feed):
    printed, _ = run_check(our_feed, "--json")

    report = json.loads(printed)
    assert [rule["id"] for rule in report["rules"]] == [rule.id for rule in RULES]
    assert report["base_url"] == our_feed and report["requests"] > 0


# A deliberately broken feed, served by a local HTTP server


TERMS = [str(uuid.UUID(int=500)), str(uuid.UUID(int=501))]


def good_service(number):
    """Services 0 and 2 have the first term, service 1 the second."""
    service_id = str(uuid.UUID(int=number + 1))
    term = TERMS[number % 2]
    return {
        "id": service_id,
        "name": f"Garden club {number}",
        "status": "active",
        "organization_id": str(uuid.UUID(int=999)),
        "attributes": [
            {"id": str(uuid.UUID(int=number + 100)), "link_id": service_id, "taxonomy_term_id": term}
        ],
    }


OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "A small feed", "version": "3.0"},
    "paths": {
        path: {"get": {"responses": {"200": {"description": "ok"}}}}
        for path in ("/", "/services", "/services/{id}")
    },
}


class SmallFeed(BaseHTTPRequestHandler):
    """A tiny, correct Open Referral UK feed with three services; ``faults`` breaks it on purpose."""

    faults: set[str] = set()
    services = [good_service(n) for n in range(3)]

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        base = f"http://{self.headers['Host']}"
        if "slow" in self.faults:
            return self.trickle()
        if "huge" in self.faults:
            return self.endless()
        if url.path == "/":
            return self.answer(
                {
                    "version": "" if "no-version" in self.faults else "HSDS-UK-3.0",
                    "profile": "https://exa mple.org/"
                    if "bad-profile" in self.faults
                    else "https://example.org/",
                    "openapi_url": f"{base}/openapi.json",
                }
            )
        if url.path == "/openapi.json":
            return self.answer(OPENAPI)
        if url.path == "/services":
            return self.services_page(query)
        if url.path.startswith("/services/"):
            return self.one_service(url.path.removeprefix("/services/"))
        return self.answer({"detail": "not found"}, 404)

    def services_page(self, query):
        if "html" in self.faults:
            return self.answer("<html><body>Services</body></html>", 200, "text/html")
        bad = {"page": "abc", "per_page": "-1", "day": "XX", "start_time": "25:99", "minimum_age": "old"}
        if (
            any(query.get(name) == value for name, value in bad.items())
            or query.get("page") == "0"
            or (query.get("taxonomy_term_id") == "not-a-uuid" or query.get("modified_after") == "yesterday")
        ):
            return self.answer({"detail": "bad parameter"}, 500 if "500" in self.faults else 400)
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 50))
        found = self.services
        if "unstable-paging" in self.faults and per_page < len(found):
            found = found[page % 2 :] + found[: page % 2]  # each small page sorted differently
        if "past-end-404" in self.faults and page > max(1, -(-len(found) // per_page)):
            return self.answer({"detail": "no such page"}, 404)
        if "taxonomy_term_id" in query and "ignores-filter" not in self.faults:
            found = [s for s in found if s["attributes"][0]["taxonomy_term_id"] == query["taxonomy_term_id"]]
        items = found[(page - 1) * per_page : page * per_page]
        if "invalid-record" in self.faults:
            items = [dict(item, status="maybe") for item in items]
        if "deep" in self.faults:
            items = [dict(item, status=json.loads("[" * 900 + "]" * 900)) for item in items]
        pages = max(1, -(-len(found) // per_page))
        body = {
            "total_items": len(found),
            "total_pages": pages,
            "page_number": page,
            "size": len(items),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": not items,
            "contents": items,
        }
        if "bad-envelope" in self.faults:
            del body["total_pages"]
            body["size"] = 99
        return self.answer(body)

    def one_service(self, wanted):
        found = next((s for s in self.services if s["id"] == wanted), None)
        if found is None:
            return self.answer({"detail": "no such service"}, 404)
        if "id-mismatch" in self.faults:
            found = dict(found, id=str(uuid.uuid4()))
        return self.answer(found)

    def answer(self, body, status=200, content_type="application/json"):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if "no-cors" not in self.faults:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def trickle(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(b'{"padding": "')
            for _ in range(10_000):
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass


@contextmanager
def small_feed(*faults, services=3):
    handler = type(
        "Feed", (SmallFeed,), {"faults": set(faults), "services": [good_service(n) for n in range(services)]}
    )
    with local_server(handler) as address:
        yield address


def outcomes(url, **bounds):
    report = check_feed(url, **bounds)
    return report, {r.rule.id: r for r in report.results}


def test_a_small_correct_feed_passes_its_required_rules():
    with small_feed() as url:
        report, rules = outcomes(url)
        printed, error = run_check(url)

    assert report.passed, [(r.rule.id, r.reasons) for r in report.failed]
    assert rules["R07"].outcome == PASS and rules["R15"].outcome == PASS
    assert error is None and "The feed meets every required rule." in printed


def test_missing_cors_header_fails_with_the_url():
    with small_feed("no-cors") as url:
        _, rules = outcomes(url)
        _, error = run_check(url)

    assert rules["R09"].outcome == FAIL
    assert (
        rules["R09"].reasons[0].startswith(f"GET {url}/ (200): no Access-Control-Allow-Origin header (and ")
    )
    assert any("(404)" in reason for reason in rules["R09"].reasons)  # error answers too
    assert "R09 cors" in error


def test_bad_envelope_fails_naming_the_field():
    with small_feed("bad-envelope") as url:
        _, rules = outcomes(url)

    assert rules["R10"].outcome == FAIL
    assert any(r.endswith("?page=1&per_page=10: total_pages: missing") for r in rules["R10"].reasons)


def test_schema_invalid_record_fails_with_its_json_path():
    with small_feed("invalid-record") as url:
        _, rules = outcomes(url)

    assert rules["R13"].outcome == FAIL
    assert any("contents[0].status: 'maybe' is not one of" in reason for reason in rules["R13"].reasons)


def test_a_deeply_nested_record_is_reported_briefly():
    with small_feed("deep") as url:
        _, rules = outcomes(url)

    assert rules["R13"].outcome == FAIL
    assert (
        rules["R13"].reasons[0].startswith(f"GET {url}/services?page=1&per_page=10: contents[0].status: [[[")
    )
    assert all(len(reason) <= 400 for reason in rules["R13"].reasons)


def test_id_mismatch_fails():
    with small_feed("id-mismatch") as url:
        _, rules = outcomes(url)

    assert rules["R15"].outcome == FAIL
    first = good_service(0)["id"]
    assert any(
        f"/services/{first}: id:" in r and f"not the '{first}' asked for" in r for r in rules["R15"].reasons
    )


def test_a_search_parameter_that_does_not_filter_fails():
    with small_feed("ignores-filter") as url:
        _, rules = outcomes(url)

    assert rules["R16"].outcome == FAIL
    other = good_service(1)["id"]
    assert rules["R16"].reasons == [
        f"GET {url}/services?per_page=50&taxonomy_term_id={TERMS[0]}: contents: service {other} is there, "
        "though it does not match"
    ]


def test_missing_version_fails():
    with small_feed("no-version") as url:
        _, rules = outcomes(url)

    assert rules["R02"].outcome == FAIL
    assert rules["R02"].reasons == [
        "`/` version: missing, so the official validator would use the HSDS-UK 1.0 rules"
    ]


def test_a_profile_that_is_not_a_uri_fails():
    with small_feed("bad-profile") as url:
        _, rules = outcomes(url)

    assert rules["R03"].outcome == FAIL
    assert rules["R03"].reasons == ["`/` profile: 'https://exa mple.org/' is not an absolute http(s) URI"]


def test_a_page_past_the_end_that_answers_404_fails():
    with small_feed("past-end-404") as url:
        _, rules = outcomes(url)

    assert rules["R12"].outcome == FAIL
    assert rules["R12"].reasons == [f"GET {url}/services?page=2&per_page=10: answered 404, not an empty page"]


def test_unstable_paging_fails():
    with small_feed("unstable-paging", services=7) as url:
        _, rules = outcomes(url)

    assert rules["R18"].outcome == FAIL
    assert rules["R18"].reasons == [
        f"{url}/services: id {good_service(3)['id']} comes twice when walking with per_page=3",
        f"{url}/services: walking with per_page=3 gave 6 different items, but total_items is 7",
        f"{url}/services: walking with per_page=3 differs from one page of 7"
        f" (missing: {good_service(6)['id']})",
    ]


def test_server_error_on_a_bad_parameter_fails():
    with small_feed("500") as url:
        _, rules = outcomes(url)
        _, error = run_check(url)

    assert rules["R17"].outcome == FAIL
    assert f"GET {url}/services?page=abc: answered 500" in rules["R17"].reasons
    assert "R17 bad-requests" in error


def test_html_instead_of_json_fails():
    with small_feed("html") as url:
        _, rules = outcomes(url)

    assert rules["R07"].outcome == FAIL
    assert rules["R08"].outcome == FAIL
    assert any("sent HTML or XML (text/html), not JSON" in reason for reason in rules["R08"].reasons)


def test_endless_slow_answer_is_cut_off_within_the_timeout():
    with small_feed("slow") as url:
        started = time.monotonic()
        printed, error = run_check(url, "--timeout", "1")
        took = time.monotonic() - started

    assert took < 8
    assert "the answer took longer than 1 s: stopped reading" in printed
    assert "R01 root" in error


def test_huge_answer_is_cut_off_at_the_size_cap():
    with small_feed("huge") as url:
        _, rules = outcomes(url, max_bytes=2_000_000)

    assert rules["R01"].outcome == FAIL
    assert rules["R01"].reasons == [f"GET {url}/: the answer is larger than 2 MB: stopped reading"]


def test_request_budget_is_kept():
    with small_feed() as url:
        report, rules = outcomes(url, max_requests=5)

    assert report.requests == 5
    assert rules["R00"].reasons == ["the request budget (5) is spent: raise --max-requests"]


def test_openapi_url_pointing_at_a_local_file_is_never_read(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(OPENAPI))

    class FileLink(SmallFeed):
        def do_GET(self):
            if self.path == "/":
                return self.answer(
                    {
                        "version": "HSDS-UK-3.0",
                        "profile": "https://example.org/",
                        "openapi_url": secret.as_uri(),
                    }
                )
            return super().do_GET()

    with local_server(FileLink) as address:
        _, rules = outcomes(address)

    assert rules["R03"].outcome == FAIL
    assert rules["R04"].outcome == "skipped"


class AnyJson(SmallFeed):
    """Answers the same made-up JSON at every address."""

    body: object = None

    def do_GET(self):
        self.answer(self.body)


scalars = st.none() | st.booleans() | st.integers(-5, 10**12) | st.text(max_size=8)
records = st.fixed_dictionaries(
    {"id": scalars | st.uuids().map(str)},
    optional={"name": scalars, "status": scalars, "attributes": scalars},
)
pages = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(("total_items", "total_pages", "page_number", "size", "first_page"), scalars),
        **dict.fromkeys(("last_page", "empty", "version", "openapi_url", "id", "name"), scalars),
        "contents": st.lists(records | scalars, max_size=3),
    },
)


@pytest.fixture(scope="module")
def any_json_feed():
    with local_server(AnyJson) as address:
        yield address


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=pages | st.lists(scalars, max_size=3) | scalars)
def test_whatever_json_a_feed_sends_the_check_reports_and_never_crashes(any_json_feed, body):
    AnyJson.body = body

    report = check_feed(any_json_feed, timeout=2, max_requests=80)

    assert [r.rule.id for r in report.results] == [rule.id for rule in RULES]
    assert not report.passed
    assert all(len(reason) <= 400 for r in report.results for reason in r.reasons)


# Addresses that are no feed at all


def test_an_address_that_is_not_http_is_refused_clearly():
    with pytest.raises(CommandError, match="must start with http:// or https://"):
        call_command("check_oruk", "file:///etc/passwd", stdout=StringIO())


def test_unreachable_feed_exits_non_zero_without_a_traceback():
    with small_feed() as url:
        pass  # the server is closed again: nothing listens on its port now

    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "manage.py", "check_oruk", url, "--timeout", "2"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert "R01 root" in finished.stderr and "R00 bounds" in finished.stderr
    assert "no answer" in finished.stdout and "nothing more can be checked" in finished.stdout
    assert time.monotonic() - started < 30


def test_a_feed_that_trickles_its_headers_is_cut_off_at_each_timeout():
    """A socket timeout never fires while bytes keep coming: the fetcher's watchdog must."""
    with local_server(TrickledHeaders) as url:
        started = time.monotonic()
        _, rules = outcomes(url, timeout=1)

    assert time.monotonic() - started < 5  # three requests, each cut at its one second
    assert rules["R01"].reasons == [f"GET {url}/: the answer took longer than 1 s: stopped reading"]
    assert rules["R00"].reasons == ["three requests in a row had no whole answer: the feed stopped answering"]
