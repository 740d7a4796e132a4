"""Neither the import nor the check can be led from a feed at a public address into the private
network, by a redirect or by an address the feed hands out (its ``openapi_url``).

The feed is served from 127.0.0.2 and the tests pass a ``Network`` whose address rule treats that
one address as public (see common/tests/test_bounded_fetch.py); the private side is a real local
server on 127.0.0.1 that must never be asked anything."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest

from common.bounded_fetch import IPAddress, Network, non_public_kind
from common.testing import local_server
from directory.oruk.conformance import FAIL, check_feed
from directory.oruk.feeds import FeedError, records_from_url

PRETEND_PUBLIC = "127.0.0.2"
RULE = "a feed at a public address may not lead into the private network"


def pretend_public(address: IPAddress) -> str | None:
    return None if address == ipaddress.ip_address(PRETEND_PUBLIC) else non_public_kind(address)


NETWORK = Network(address_kind=pretend_public)


class Server(BaseHTTPRequestHandler):
    """Answers each path in ``answers``: a string is a redirect, anything else JSON."""

    answers: dict[str, object] = {}
    seen: list[str]

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.seen.append(self.path)
        answer = self.answers.get(self.path, {"detail": "not found"})
        data = b"" if isinstance(answer, str) else json.dumps(answer).encode()
        self.send_response(302 if isinstance(answer, str) else 200)
        if isinstance(answer, str):
            self.send_header("Location", answer)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(host: str, answers: dict[str, object]) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    with local_server(type("Handler", (Server,), {"answers": answers, "seen": seen}), host) as address:
        yield address, seen


@pytest.fixture
def private_server() -> Iterator[tuple[str, list[str]]]:
    with serve("127.0.0.1", {"/services?page=1&per_page=100": {"contents": [], "last_page": True}}) as found:
        yield found


def test_the_import_refuses_a_redirect_from_a_public_feed_into_the_private_network(private_server):
    private, private_seen = private_server
    redirect = {"/oruk/services?page=1&per_page=100": f"{private}/services"}
    with serve(PRETEND_PUBLIC, redirect) as (feed, _), pytest.raises(FeedError) as refused:
        records_from_url(f"{feed}/oruk/", timeout=5, network=NETWORK)

    assert str(refused.value.message) == (
        f"{feed}/oruk/services?page=1&per_page=100 redirected to {private}/services, but 127.0.0.1 is a "
        f"loopback address: {RULE}"
    )
    assert private_seen == []


def test_the_import_of_a_private_feed_follows_its_redirects_within_the_private_network(private_server):
    private, private_seen = private_server
    moved = {"/oruk/services?page=1&per_page=100": f"{private}/services?page=1&per_page=100"}
    with serve("127.0.0.1", moved) as (feed, _):
        records = records_from_url(f"{feed}/oruk/", timeout=5)

    assert records == []
    assert private_seen == ["/services?page=1&per_page=100"]


def test_the_check_never_reads_an_openapi_url_in_the_private_network(private_server):
    private, private_seen = private_server
    root = {"version": "HSDS-UK-3.0", "profile": "https://example.org/", "openapi_url": f"{private}/openapi"}
    with serve(PRETEND_PUBLIC, {"/": root}) as (feed, _):
        report = check_feed(feed, timeout=5, max_requests=30, network=NETWORK)

    rules = {result.rule.id: result for result in report.results}
    assert rules["R04"].outcome == FAIL
    assert rules["R04"].reasons == [
        f"GET {private}/openapi: was not fetched: 127.0.0.1 is a loopback address, and {RULE}"
    ]
    assert private_seen == []


def test_the_check_records_a_redirect_to_the_metadata_service_as_a_refusal():
    with serve(PRETEND_PUBLIC, {"/": "http://169.254.169.254/latest/meta-data/"}) as (feed, _):
        report = check_feed(feed, timeout=5, max_requests=30, network=NETWORK)

    rules = {result.rule.id: result for result in report.results}
    assert rules["R01"].outcome == FAIL
    assert rules["R01"].reasons[0] == (
        f"GET {feed}/: redirected to http://169.254.169.254/latest/meta-data/, but 169.254.169.254 is a "
        f"link-local address (the cloud metadata service's): {RULE}"
    )
