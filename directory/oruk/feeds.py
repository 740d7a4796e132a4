"""Reading an Open Referral UK feed: from its API address, page by page, or from a JSON file.

Nothing here writes: ``importer.import_records`` checks and writes what these functions return.
A feed is a stranger's server, so every read is bounded (``FeedLimits``): the whole import's wall
clock, each request's time (also against a server that trickles bytes, which a socket timeout alone
never stops), the bytes of each answer (read in chunks, never a whole body of unknown size), the
bytes of the whole feed, the pages and the records. Redirects go only to http(s) addresses; no
compressed answers are asked for, and one sent all the same is refused (no gzip bomb).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import socket
import threading
import time as clock
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import Refusal

USER_AGENT = "Closeknit Open Referral UK importer"
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
MEGABYTE = 1024 * 1024

# Told of each page and each record read: progress(stage, done, total), total 0 when unknown.
Progress = Callable[[str, int, int], None]


class FeedError(Refusal):
    """The feed as a whole cannot be read: a refusal of the whole import, naming no field (a
    record's own problems are listed in the ``ImportResult`` instead)."""


@dataclass(frozen=True)
class FeedLimits:
    """How much of a feed Closeknit will read before it gives up (the import's options)."""

    time_limit: float = 15 * 60  # seconds, the whole import
    timeout: float = 30  # seconds, one request, from connecting to the last byte
    max_bytes: int = 50 * MEGABYTE  # one answer, or one file
    max_feed_bytes: int = 500 * MEGABYTE  # every answer of one feed together
    max_pages: int = 1000
    max_records: int = 20_000


@dataclass
class Deadline:
    """The whole import's wall clock: started when made, over after ``seconds``."""

    seconds: float
    started: float = field(default_factory=clock.monotonic)

    def remaining(self) -> float:
        return self.seconds - (clock.monotonic() - self.started)

    def check(self) -> None:
        """Refuse the import once its time is up."""
        if self.remaining() <= 0:
            raise FeedError(
                f"the import took longer than its time limit of {self.seconds:g} seconds (--time-limit)"
            )


def _quiet(stage: str, done: int, total: int) -> None:
    return None


class _Reader:
    """Reads one feed's addresses within its limits."""

    def __init__(self, limits: FeedLimits, deadline: Deadline) -> None:
        self.limits, self.deadline, self.bytes_read = limits, deadline, 0

    def json(self, url: str) -> Any:
        body, content_type = self._get(url)
        return parse_json(body, url, content_type)

    def _get(self, url: str) -> tuple[bytes, str]:
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._request(url)
            if isinstance(answer, str):
                url = answer  # a redirect, already checked
                continue
            return answer
        raise FeedError(f"{url} redirected more than {MAX_REDIRECTS} times")

    def _request(self, url: str) -> tuple[bytes, str] | str:
        """The body and content type of ``url``, or the address it redirects to."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FeedError(f"{url}: a feed address must start with http:// or https://")
        self.deadline.check()
        budget = max(0.001, min(self.limits.timeout, self.deadline.remaining()))
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname, parts.port, timeout=budget)
        # A server can trickle a byte a second forever and no socket timeout fires: the watchdog
        # closes the connection when the request's time is up, whatever it is waiting for.
        expired = threading.Event()
        watchdog = threading.Timer(budget, _cut, args=(connection, expired))
        watchdog.daemon = True
        started = clock.monotonic()
        watchdog.start()
        try:
            path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                return _redirect_target(url, response.getheader("Location") or "")
            if response.status != 200:
                raise FeedError(f"{url} answered {response.status} {response.reason}")
            encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity":
                raise FeedError(f"{url} sent a compressed answer ({encoding}), which was not asked for")
            body = self._body(url, response, started, budget, expired)
            return body, response.getheader("Content-Type") or ""
        except (OSError, http.client.HTTPException) as error:
            if expired.is_set() or clock.monotonic() - started >= budget:
                raise self._too_slow(url, budget) from None
            if isinstance(error, http.client.HTTPException):
                what = _shorter(str(error)) or type(error).__name__
                raise FeedError(f"{url} did not answer in HTTP ({what})") from None
            raise FeedError(
                f"could not reach {url}: {getattr(error, 'reason', error) or type(error).__name__}"
            ) from None
        finally:
            watchdog.cancel()
            connection.close()

    def _body(
        self,
        url: str,
        response: http.client.HTTPResponse,
        started: float,
        budget: float,
        expired: threading.Event,
    ) -> bytes:
        cap = min(self.limits.max_bytes, self.limits.max_feed_bytes - self.bytes_read)
        declared = response.getheader("Content-Length") or ""
        if declared.isdigit() and int(declared) > cap:
            raise self._too_big(url, cap)
        chunks, size = [], 0
        while True:
            chunk = response.read1(CHUNK)  # what has arrived, never waiting for a whole body
            if clock.monotonic() - started >= budget or expired.is_set():
                raise self._too_slow(url, budget)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise self._too_big(url, cap)
            chunks.append(chunk)
        self.bytes_read += size
        return b"".join(chunks)

    def _too_big(self, url: str, cap: int) -> FeedError:
        if cap < self.limits.max_bytes:
            return FeedError(
                f"the feed sent more than {self.limits.max_feed_bytes:,} bytes in all (--max-feed-bytes); "
                f"stopped at {url}"
            )
        return FeedError(f"{url} sent more than {self.limits.max_bytes:,} bytes (--max-bytes)")

    def _too_slow(self, url: str, budget: float) -> FeedError:
        self.deadline.check()
        return FeedError(f"{url} took longer than {budget:g} seconds to answer (--timeout)")


def _cut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _shorter(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:80]}…"


def _redirect_target(url: str, location: str) -> str:
    target = urllib.parse.urljoin(url, location.strip())
    if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        raise FeedError(
            f"{url} redirected to {_shorter(target)!r}: only http:// and https:// addresses are followed"
        )
    return target


def parse_json(body: bytes, source: str, content_type: str = "") -> Any:
    """The JSON in ``body`` (UTF-8), or a FeedError that says what else it is."""
    if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
        raise FeedError(f"{source} sent a web page (HTML), not JSON: is the address right?")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedError(f"{source} is not UTF-8 text (a bad byte at position {error.start})") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise FeedError(f"{source} is nested too deeply to read") from None
    except ValueError as error:
        raise FeedError(f"{source} is not valid JSON ({error})") from None


def records_from_url(
    url: str,
    *,
    timeout: float | None = None,
    limits: FeedLimits | None = None,
    deadline: Deadline | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """Every service in a feed: its /services pages, then each service in full."""
    limits = limits or FeedLimits()
    if timeout is not None:
        limits = dataclasses.replace(limits, timeout=timeout)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FeedError("a feed address must start with http:// or https://")
    reader = _Reader(limits, deadline or Deadline(limits.time_limit))
    tell = progress or _quiet
    base = url.split("?", 1)[0].rstrip("/")
    if not base.endswith("/services"):
        base = f"{base}/services"
    ids = _listed_ids(reader, base, tell)
    records = []
    for position, service_id in enumerate(ids, start=1):
        record = reader.json(f"{base}/{urllib.parse.quote(service_id, safe='')}")
        found = record.get("id") if isinstance(record, dict) else None
        if found != service_id:
            what = f"a record whose id is {str(found)[:80]!r}" if isinstance(record, dict) else "no service"
            raise FeedError(f"Record {position} ({service_id}): id: {base}/{service_id} answered with {what}")
        records.append(record)
        tell("fetched", position, len(ids))
    return records


def _listed_ids(reader: _Reader, base: str, tell: Progress) -> list[str]:
    """The ids the feed's /services pages list, refusing a feed whose pages never end or repeat."""
    limits = reader.limits
    ids: list[str] = []
    first_seen: dict[str, int] = {}
    for page in range(1, limits.max_pages + 1):
        body = reader.json(f"{base}?page={page}&per_page=100")
        if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
            raise FeedError(f"{base} page {page} is not an Open Referral UK page (no 'contents' list)")
        number = body.get("page_number")
        if number is not None and str(number) != str(page):
            raise FeedError(
                f"{base} answered page {page} with page {str(number)[:20]}: it ignores the page parameter"
            )
        for index, item in enumerate(body["contents"], start=1):
            service_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(service_id, str) or not service_id:
                raise FeedError(f"{base} page {page}, item {index}: id: is missing")
            if service_id in first_seen:
                raise FeedError(
                    f"{base} page {page} lists service {service_id[:80]} again (first on page "
                    f"{first_seen[service_id]}): the feed repeats its pages or ignores the page parameter"
                )
            first_seen[service_id] = page
            ids.append(service_id)
            if len(ids) > limits.max_records:
                raise FeedError(f"{base} lists more than {limits.max_records:,} services (--max-records)")
        tell("pages", page, body["total_pages"] if isinstance(body.get("total_pages"), int) else 0)
        if body.get("last_page", True) or not body["contents"]:
            return ids
    raise FeedError(f"{base} has more than {limits.max_pages:,} pages (--max-pages)")


def records_from_file(path: Path | str, *, limits: FeedLimits | None = None) -> list[Any]:
    """Services from a JSON file: a list of services, a page envelope, or one service."""
    limits = limits or FeedLimits()
    path = Path(path)
    if not path.is_file():
        raise FeedError(f"{path.name}: no such file")
    if path.stat().st_size > limits.max_bytes:
        raise FeedError(f"{path.name} is larger than {limits.max_bytes:,} bytes (--max-bytes)")
    body = parse_json(path.read_bytes(), path.name)
    if isinstance(body, dict) and isinstance(body.get("contents"), list):
        records = body["contents"]
    elif isinstance(body, list):
        records = body
    elif isinstance(body, dict):
        records = [body]
    else:
        raise FeedError(f"{path.name} holds neither a service nor a list of services")
    if len(records) > limits.max_records:
        raise FeedError(f"{path.name} holds more than {limits.max_records:,} services (--max-records)")
    return records
