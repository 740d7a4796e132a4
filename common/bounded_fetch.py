"""One bounded HTTP GET, for reading a server that may be slow, huge or hostile (a feed's API).

Every fetch is bounded: its time from the first connection to the last byte, redirects included
(a watchdog closes the connection when the time is up, so a server that trickles a byte a second
is cut off too, which a socket timeout alone never does); the bytes of the answer (read in chunks
as they arrive, never a whole body of unknown size); and the number of redirects, which are
followed by hand and only to http(s) addresses. No compressed answer is asked for, and one sent
all the same is refused (no gzip bomb).

No redirect into the private network: when the address the operator gave (``start_url``) is a
public one, every host a fetch reaches, by a redirect or by an address the server handed out,
must resolve only to public addresses; a loopback, private, link-local (169.254.169.254 is the
cloud metadata service), unique-local, multicast or unspecified one is refused. An operator who
points the fetcher at a private address themselves (an intranet feed) may, and then anything
goes. Each host is resolved once and the connection is made to the very addresses checked, so a
second DNS answer cannot slip a private address in between the check and the connection.

Every failure is one :class:`FetchError`, whose ``kind`` says which bound or rule stopped it and
whose message says so in words; callers may reword it in their own terms (their option names).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time as clock
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver: TypeAlias = Callable[[str, int], list[IPAddress]]
AddressKind: TypeAlias = Callable[[IPAddress], str | None]

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)

# FetchError.kind
NOT_AN_ADDRESS = "not an address"  # not http(s), or no host
UNREACHABLE = "unreachable"  # no connection (DNS, refused, reset before an answer)
TOO_SLOW = "too slow"
TOO_BIG = "too big"
NOT_HTTP = "not HTTP"  # what came back is not an HTTP answer
BROKEN_OFF = "broken off"  # the answer began, then the connection failed
COMPRESSED = "compressed"
BAD_REDIRECT = "bad redirect"  # to a scheme other than http(s), or too many
PRIVATE_NETWORK = "private network"

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that stopped. ``url`` is the address being read when it stopped (after any
    redirects), ``detail`` the message without that address, ``reason`` the underlying cause
    (for UNREACHABLE, NOT_HTTP and BROKEN_OFF). ``status`` and ``headers`` are the last answer's,
    when one began to arrive."""

    def __init__(
        self,
        kind: str,
        url: str,
        detail: str,
        *,
        reason: str = "",
        status: int | None = None,
        headers: http.client.HTTPMessage | None = None,
    ) -> None:
        super().__init__(f"{url} {detail}" if kind != NOT_AN_ADDRESS else f"{url}: {detail}")
        self.kind, self.url, self.detail, self.reason = kind, url, detail, reason
        self.status, self.headers = status, headers


@dataclass(frozen=True)
class Fetched:
    """A whole answer: the address it came from (after redirects), its status and its body."""

    url: str
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""


def non_public_kind(address: IPAddress) -> str | None:
    """What kind of non-public address ``address`` is ("loopback", "link-local", "private",
    "unique-local", "multicast", "unspecified", "reserved" or "non-public"), or None when it is a
    public one. An IPv4-mapped or NAT64 IPv6 address is judged as the IPv4 address it carries;
    a 6to4 one is refused when the IPv4 address it carries is not public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return non_public_kind(address.ipv4_mapped)
        if address in _NAT64:
            return non_public_kind(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and (kind := non_public_kind(address.sixtofour)):
            return kind
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (isinstance(address, ipaddress.IPv6Address) and address in _UNIQUE_LOCAL, "unique-local"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
        (not address.is_global, "non-public"),
    )
    return next((name for matches, name in checks if matches), None)


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an address written as the host resolves to itself)."""
    found: list[IPAddress] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


@dataclass(frozen=True)
class Network:
    """How host names become addresses, and which addresses are not public. Tests pass their own
    (a name that resolves to a local server, an address treated as public); nothing else should."""

    resolve: Resolver = resolve_host
    address_kind: AddressKind = non_public_kind


@dataclass(frozen=True)
class _Redirect:
    """A redirect answer: where it came from, where it points, and its head."""

    url: str
    target: str
    status: int
    headers: http.client.HTTPMessage


@dataclass
class _Hop:
    url: str
    parts: urllib.parse.SplitResult
    addresses: list[IPAddress] = field(default_factory=list)


class Fetcher:
    """Bounded GETs on behalf of one address an operator gave (``start_url``): see the module."""

    def __init__(
        self,
        start_url: str,
        *,
        user_agent: str,
        accept: str = "application/json",
        network: Network | None = None,
    ) -> None:
        self.start_url, self.network = start_url, network or Network()
        self.headers = {"User-Agent": user_agent, "Accept": accept, "Accept-Encoding": "identity"}
        self._private_allowed: bool | None = None

    def get(self, url: str, *, timeout: float, max_bytes: int) -> Fetched:
        """The whole answer at ``url`` (any status), following up to MAX_REDIRECTS redirects, all
        within ``timeout`` seconds and ``max_bytes`` bytes; a FetchError when it cannot be had."""
        deadline = clock.monotonic() + timeout
        came_from: _Redirect | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            hop = self._hop(url, came_from, deadline, timeout)
            answer = self._request(hop, deadline, timeout, max_bytes)
            if isinstance(answer, Fetched):
                return answer
            came_from, url = answer, answer.target
        assert came_from is not None
        raise FetchError(
            BAD_REDIRECT,
            came_from.url,
            f"redirected more than {MAX_REDIRECTS} times",
            status=came_from.status,
            headers=came_from.headers,
        )

    def private_network_allowed(self) -> bool:
        """Whether the operator's own address is in the private network (then so may the rest be)."""
        if self._private_allowed is None:
            parts = _http_parts(self.start_url)
            addresses = self._resolve(self.start_url, parts)
            self._private_allowed = any(self.network.address_kind(a) for a in addresses)
        return self._private_allowed

    def _hop(self, url: str, came_from: _Redirect | None, deadline: float, timeout: float) -> _Hop:
        parts = _http_parts(url)
        if clock.monotonic() >= deadline:
            raise _too_slow(came_from.url if came_from else url, timeout)
        allowed = self.private_network_allowed()
        addresses = self._resolve(url, parts)
        if not allowed:
            for address in addresses:
                kind = self.network.address_kind(address)
                if kind:
                    raise _private(url, came_from, parts, address, kind)
        return _Hop(url, parts, addresses)

    def _resolve(self, url: str, parts: urllib.parse.SplitResult) -> list[IPAddress]:
        host = parts.hostname or ""
        try:
            addresses = self.network.resolve(host, _port(parts))
        except (OSError, UnicodeError, ValueError) as error:
            raise _unreachable(url, error) from None
        if not addresses:
            raise FetchError(UNREACHABLE, url, f"could not be reached: {host} has no address")
        return addresses

    def _request(self, hop: _Hop, deadline: float, timeout: float, max_bytes: int) -> Fetched | _Redirect:
        """The answer at ``hop``, or the address it redirects to (already checked as http(s))."""
        budget = max(0.001, deadline - clock.monotonic())
        connection = _connection(hop, budget)
        # A server can trickle a byte a second forever and no socket timeout fires: the watchdog
        # closes the connection when the time is up, whatever it is waiting for.
        expired = threading.Event()
        watchdog = threading.Timer(budget, _cut, args=(connection, expired))
        watchdog.daemon = True
        watchdog.start()
        response: http.client.HTTPResponse | None = None
        try:
            path = urllib.parse.urlunsplit(("", "", hop.parts.path or "/", hop.parts.query, ""))
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            return self._answer(hop, response, deadline, timeout, max_bytes, expired)
        except (OSError, http.client.HTTPException) as error:
            if expired.is_set() or clock.monotonic() >= deadline:
                raise _too_slow(hop.url, timeout, response) from None
            raise _failed(hop.url, error, response) from None
        finally:
            watchdog.cancel()
            connection.close()

    def _answer(
        self,
        hop: _Hop,
        response: http.client.HTTPResponse,
        deadline: float,
        timeout: float,
        max_bytes: int,
        expired: threading.Event,
    ) -> Fetched | _Redirect:
        location = (response.getheader("Location") or "").strip()
        if response.status in REDIRECTS and location:
            return _redirect_target(hop.url, location, response)
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise FetchError(
                COMPRESSED,
                hop.url,
                f"sent a compressed answer ({_shorter(encoding)}), which was not asked for",
                status=response.status,
                headers=response.headers,
            )
        declared = response.getheader("Content-Length") or ""
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_big(hop.url, max_bytes, response)
        chunks, size = [], 0
        while True:
            chunk = response.read1(CHUNK)  # what has arrived, never waiting for a whole body
            if expired.is_set() or clock.monotonic() >= deadline:
                raise _too_slow(hop.url, timeout, response)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _too_big(hop.url, max_bytes, response)
            chunks.append(chunk)
        return Fetched(hop.url, response.status, response.reason, response.headers, b"".join(chunks))


def _http_parts(url: str) -> urllib.parse.SplitResult:
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as error:
        raise FetchError(NOT_AN_ADDRESS, url, f"is not a usable address ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(NOT_AN_ADDRESS, url, "an address must start with http:// or https://")
    return parts


def _port(parts: urllib.parse.SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def _connect(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """A connection to the first of ``addresses`` that answers: the checked ones, never a fresh
    DNS answer."""
    last: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as error:
            last = error
    raise last


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses already checked (the Host header still names the host)."""

    def __init__(self, hop: _Hop, timeout: float) -> None:
        super().__init__(hop.parts.hostname or "", _port(hop.parts), timeout=timeout)
        self.addresses = hop.addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to addresses already checked; the certificate is checked against the
    host's name as usual."""

    def __init__(self, hop: _Hop, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(hop.parts.hostname or "", _port(hop.parts), timeout=timeout, context=self.tls)
        self.addresses = hop.addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def _connection(hop: _Hop, timeout: float) -> http.client.HTTPConnection:
    if hop.parts.scheme == "https":
        return _PinnedHTTPSConnection(hop, timeout)
    return _PinnedHTTPConnection(hop, timeout)


def _cut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _shorter(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:80]}…"


def _redirect_target(url: str, location: str, response: http.client.HTTPResponse) -> _Redirect:
    try:
        target = urllib.parse.urljoin(url, location)
        scheme = urllib.parse.urlsplit(target).scheme
        if scheme in ("http", "https"):
            _http_parts(target)
    except (ValueError, FetchError):
        problem = "which is not a usable address"
        target = location
    else:
        problem = "only http:// and https:// addresses are followed"
        if scheme in ("http", "https"):
            return _Redirect(url, target, response.status, response.headers)
    raise FetchError(
        BAD_REDIRECT,
        url,
        f"redirected to {_shorter(target)!r}: {problem}",
        status=response.status,
        headers=response.headers,
    )


def _private(
    url: str, came_from: _Redirect | None, parts: urllib.parse.SplitResult, address: IPAddress, kind: str
) -> FetchError:
    host = parts.hostname or ""
    what = f"a {kind} address" + (" (the cloud metadata service's)" if address in _METADATA else "")
    where = f"{host} is {what}" if _spells(host, address) else f"{host} is {address}, {what}"
    rule = "a feed at a public address may not lead into the private network"
    if came_from:
        return FetchError(
            PRIVATE_NETWORK,
            came_from.url,
            f"redirected to {_shorter(url)}, but {where}: {rule}",
            status=came_from.status,
            headers=came_from.headers,
        )
    return FetchError(PRIVATE_NETWORK, url, f"was not fetched: {where}, and {rule}")


def _spells(host: str, address: IPAddress) -> bool:
    """Whether ``host`` is ``address`` written out (in any of its standard spellings)."""
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


def _unreachable(url: str, error: BaseException) -> FetchError:
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = f"its certificate was not accepted ({error.verify_message})"
    else:
        reason = str(getattr(error, "reason", "") or error) or type(error).__name__
    return FetchError(UNREACHABLE, url, f"could not be reached: {reason}", reason=reason)


def _failed(url: str, error: BaseException, response: http.client.HTTPResponse | None) -> FetchError:
    if isinstance(error, http.client.HTTPException) and response is None:
        what = _shorter(str(error)) or type(error).__name__
        return FetchError(NOT_HTTP, url, f"did not answer in HTTP ({what})", reason=what)
    if response is None:
        return _unreachable(url, error)
    reason = _shorter(str(error)) or type(error).__name__
    return FetchError(
        BROKEN_OFF,
        url,
        f"broke off its answer ({reason})",
        reason=reason,
        status=response.status,
        headers=response.headers,
    )


def _too_slow(url: str, timeout: float, response: http.client.HTTPResponse | None = None) -> FetchError:
    return FetchError(
        TOO_SLOW,
        url,
        f"took longer than {timeout:g} seconds to answer",
        status=response.status if response else None,
        headers=response.headers if response else None,
    )


def _too_big(url: str, max_bytes: int, response: http.client.HTTPResponse) -> FetchError:
    return FetchError(
        TOO_BIG,
        url,
        f"sent more than {max_bytes:,} bytes",
        status=response.status,
        headers=response.headers,
    )
