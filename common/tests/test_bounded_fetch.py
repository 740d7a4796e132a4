"""The one bounded fetcher: no redirect from a public address into the private network.

A public starting address cannot be had in a test without the internet, so the tests that need
one serve the feed from 127.0.0.2 and pass a ``Network`` whose address rule treats 127.0.0.2 (and
only it) as public; every other address is judged by the real rule, and every request goes to a
real local server. The rule itself is tested directly with many addresses."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from common.bounded_fetch import (
    PRIVATE_NETWORK,
    TOO_SLOW,
    Fetcher,
    FetchError,
    IPAddress,
    Network,
    non_public_kind,
    resolve_host,
)
from common.testing import TrickledHeaders, local_server

PRETEND_PUBLIC = ipaddress.ip_address("127.0.0.2")

NON_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("169.254.1.1", "link-local"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to judge, not one to listen on
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("100.64.0.1", "non-public"),  # shared (carrier-grade NAT) space
    ("255.255.255.255", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "unique-local"),
    ("fd12:3456:789a::1", "unique-local"),
    ("fd00:ec2::254", "unique-local"),  # the cloud metadata service over IPv6
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:0.0.0.0", "unspecified"),
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of 169.254.169.254
    ("::127.0.0.1", "reserved"),  # the old IPv4-compatible form
    ("2001:db8::1", "private"),  # documentation
]
PUBLIC = ["8.8.8.8", "81.2.69.142", "2a00:1450:4009:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize(("address", "kind"), NON_PUBLIC, ids=[a for a, _ in NON_PUBLIC])
def test_every_non_public_address_is_named_for_what_it_is(address, kind):
    assert non_public_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_public(address):
    assert non_public_kind(ipaddress.ip_address(address)) is None


def test_odd_spellings_of_loopback_resolve_to_loopback():
    for spelling in ("2130706433", "0x7f.1", "127.1"):
        assert [non_public_kind(a) for a in resolve_host(spelling, 80)] == ["loopback"]


def pretend_public(address: IPAddress) -> str | None:
    return None if address == PRETEND_PUBLIC else non_public_kind(address)


class Feed(BaseHTTPRequestHandler):
    """Answers ``{"ok": true}``; a path in ``redirects`` answers 302 to its target instead, and
    /missing answers 404 with a body."""

    redirects: dict[str, str] = {}
    seen: list[tuple[str, str]]

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.seen.append((self.path, self.headers["Host"]))
        target = self.redirects.get(self.path)
        missing = self.path == "/missing"
        self.send_response(302 if target else 404 if missing else 200)
        if target:
            self.send_header("Location", target)
        body = b"" if target else b'{"detail": "not here"}' if missing else b'{"ok": true}'
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(host: str, redirects: dict[str, str] | None = None) -> Iterator[tuple[int, list]]:
    seen: list[tuple[str, str]] = []
    handler = type("Handler", (Feed,), {"redirects": redirects or {}, "seen": seen})
    with local_server(handler, host) as address:
        yield urlsplit(address).port, seen


def fetcher(start: str, network: Network | None = None) -> Fetcher:
    return Fetcher(start, user_agent="test", network=network or Network(address_kind=pretend_public))


def get(client: Fetcher, url: str):
    return client.get(url, timeout=5, max_bytes=10_000)


@pytest.mark.parametrize(
    ("location", "named"),
    [
        ("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address"),
        ("http://localhost:{port}/", "localhost is "),
        ("http://2130706433:{port}/", "2130706433 is 127.0.0.1, a loopback address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "::ffff:127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address (the cloud metadata service's)"),
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a unique-local address (the cloud metadata service's)"),
    ],
)
def test_a_public_feed_may_not_redirect_into_the_private_network(location, named):
    with serve("127.0.0.1") as (private_port, private_seen):
        target = location.format(port=private_port)
        with serve(str(PRETEND_PUBLIC), {"/feed": target}) as (port, _):
            start = f"http://{PRETEND_PUBLIC}:{port}/feed"
            with pytest.raises(FetchError) as refused:
                get(fetcher(start), start)

    assert refused.value.kind == PRIVATE_NETWORK
    assert str(refused.value).startswith(f"{start} redirected to {target}, but ")
    assert named in str(refused.value)
    assert "a feed at a public address may not lead into the private network" in str(refused.value)
    assert refused.value.status == 302
    assert private_seen == []  # never asked


def test_the_rule_holds_at_every_hop():
    with serve("127.0.0.1") as (private_port, private_seen):
        hops = {"/a": "/b", "/b": "/c", "/c": f"http://127.0.0.1:{private_port}/"}
        with serve(str(PRETEND_PUBLIC), hops) as (port, seen):
            start = f"http://{PRETEND_PUBLIC}:{port}/a"
            with pytest.raises(FetchError, match="/c redirected to http://127.0.0.1:"):
                get(fetcher(start), start)

    assert [path for path, _ in seen] == ["/a", "/b", "/c"]
    assert private_seen == []


def test_an_address_a_public_feed_hands_out_is_held_to_the_rule_too():
    with serve("127.0.0.1") as (private_port, private_seen), serve(str(PRETEND_PUBLIC)) as (port, _):
        client = fetcher(f"http://{PRETEND_PUBLIC}:{port}/")
        with pytest.raises(FetchError) as refused:
            get(client, f"http://127.0.0.1:{private_port}/openapi.json")

    assert str(refused.value) == (
        f"http://127.0.0.1:{private_port}/openapi.json was not fetched: 127.0.0.1 is a loopback address, "
        "and a feed at a public address may not lead into the private network"
    )
    assert private_seen == []


def test_an_operator_may_point_at_a_private_address_and_follow_its_redirects():
    with serve("127.0.0.1") as (other_port, other_seen):
        moved = {"/feed": f"http://localhost:{other_port}/moved"}
        with serve("127.0.0.1", moved) as (port, _):
            start = f"http://127.0.0.1:{port}/feed"
            answer = get(fetcher(start, Network()), start)

    assert (answer.status, answer.body) == (200, b'{"ok": true}')
    assert answer.url == f"http://localhost:{other_port}/moved"
    assert [path for path, _ in other_seen] == ["/moved"]


def test_a_public_feed_may_redirect_to_another_public_address():
    with serve(str(PRETEND_PUBLIC), {"/old": "/new"}) as (port, seen):
        start = f"http://{PRETEND_PUBLIC}:{port}/old"
        answer = get(fetcher(start), start)

    assert answer.status == 200 and answer.url.endswith("/new")
    assert [path for path, _ in seen] == ["/old", "/new"]


def test_the_connection_goes_to_the_address_checked_not_to_a_second_lookup():
    """``feed.invalid`` can never resolve through real DNS (RFC 6761): the request arrives only
    because the connection is made to the address the resolver gave and the rule checked."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [PRETEND_PUBLIC] if host == "feed.invalid" else resolve_host(host, port)

    with serve(str(PRETEND_PUBLIC)) as (port, seen):
        start = f"http://feed.invalid:{port}/services"
        answer = get(fetcher(start, Network(resolve=resolve, address_kind=pretend_public)), start)

    assert answer.status == 200
    assert seen == [("/services", f"feed.invalid:{port}")]  # the Host header names the host
    assert asked == ["feed.invalid", "feed.invalid"]  # the operator's address once, then the request


def test_a_host_that_turns_private_between_two_lookups_is_refused():
    """DNS rebinding: public when the operator's address is judged, loopback when fetched."""
    answers = iter([[PRETEND_PUBLIC], [ipaddress.ip_address("127.0.0.1")]])

    def rebinding(host: str, port: int) -> list[IPAddress]:
        return next(answers)

    with serve("127.0.0.1") as (port, seen):
        start = f"http://rebind.invalid:{port}/"
        with pytest.raises(FetchError, match="rebind.invalid is 127.0.0.1, a loopback address"):
            get(fetcher(start, Network(resolve=rebinding, address_kind=pretend_public)), start)

    assert seen == []


def test_a_host_with_one_private_address_among_public_ones_is_refused():
    def mixed(host: str, port: int) -> list[IPAddress]:
        if host == "mixed.invalid":
            return [PRETEND_PUBLIC, ipaddress.ip_address("169.254.169.254")]
        return [PRETEND_PUBLIC]

    with serve(str(PRETEND_PUBLIC), {"/": "http://mixed.invalid/"}) as (port, _):
        start = f"http://{PRETEND_PUBLIC}:{port}/"
        with pytest.raises(FetchError, match="mixed.invalid is 169.254.169.254, a link-local address"):
            get(fetcher(start, Network(resolve=mixed, address_kind=pretend_public)), start)


def test_an_unknown_host_is_unreachable_with_a_clear_message():
    start = "http://no-such-host.invalid/"
    with pytest.raises(FetchError) as refused:
        get(fetcher(start, Network()), start)
    assert refused.value.kind == "unreachable"
    assert str(refused.value).startswith("http://no-such-host.invalid/ could not be reached: ")


def test_a_server_that_trickles_its_headers_is_cut_off_at_the_timeout():
    with local_server(TrickledHeaders) as address:
        url = f"{address}/"
        started = time.monotonic()
        with pytest.raises(FetchError) as refused:
            Fetcher(url, user_agent="test").get(url, timeout=1, max_bytes=10_000)

    assert time.monotonic() - started < 2
    assert refused.value.kind == TOO_SLOW
    assert str(refused.value) == f"{url} took longer than 1 seconds to answer"


def test_an_error_answer_comes_back_whole_with_its_status():
    with serve("127.0.0.1") as (port, _):
        url = f"http://127.0.0.1:{port}/missing"
        answer = Fetcher(url, user_agent="test").get(url, timeout=5, max_bytes=10_000)

    assert (answer.status, answer.reason, answer.body) == (404, "Not Found", b'{"detail": "not here"}')
    assert answer.header("Content-Type") == "application/json"


@pytest.fixture
def tls_feed(tmp_path) -> Iterator[tuple[int, Path]]:
    """An HTTPS feed on 127.0.0.2 whose certificate (made here, signed by no one) names
    feed.invalid; yields its port and the certificate."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=feed.invalid"]
        + ["-addext", "subjectAltName=DNS:feed.invalid"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    handler = type("Handler", (Feed,), {"redirects": {}, "seen": []})
    with local_server(handler, str(PRETEND_PUBLIC), tls=context) as address:
        yield urlsplit(address).port, cert


def only_feed_invalid(host: str, port: int) -> list[IPAddress]:
    if host != "feed.invalid":
        raise OSError(f"{host} is not known here")
    return [PRETEND_PUBLIC]


def test_https_reaches_the_checked_address_and_checks_the_certificate_against_the_host(tls_feed, monkeypatch):
    port, cert = tls_feed
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust this one certificate, for this test
    start = f"https://feed.invalid:{port}/"
    client = fetcher(start, Network(resolve=only_feed_invalid, address_kind=pretend_public))

    assert get(client, start).body == b'{"ok": true}'


def test_https_with_a_certificate_no_one_signed_is_refused(tls_feed):
    port, _ = tls_feed
    start = f"https://feed.invalid:{port}/"
    client = fetcher(start, Network(resolve=only_feed_invalid, address_kind=pretend_public))

    with pytest.raises(FetchError) as refused:
        get(client, start)
    assert refused.value.kind == "unreachable"
    assert str(refused.value) == (
        f"{start} could not be reached: its certificate was not accepted (self-signed certificate)"
    )
