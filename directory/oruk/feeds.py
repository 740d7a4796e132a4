"""Reading an Open Referral UK feed: from its API address, page by page, or from a JSON file.

Nothing here writes: ``importer.import_records`` checks and writes what these functions return.
A feed is a stranger's server, so every read is bounded (``FeedLimits``): the whole import's wall
clock, each request's time (also against a server that trickles bytes, which a socket timeout alone
never stops), the bytes of each answer (read in chunks, never a whole body of unknown size), the
bytes of the whole feed, the pages and the records. Each request is made by the one bounded
fetcher (``common.bounded_fetch``): redirects go only to http(s) addresses, and never into the
private network from a feed at a public address; no compressed answers are asked for, and one
sent all the same is refused (no gzip bomb).
"""

from __future__ import annotations

import dataclasses
import json
import time as clock
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.bounded_fetch import TOO_BIG, TOO_SLOW, UNREACHABLE, Fetcher, FetchError, Network
from common.errors import Refusal

USER_AGENT = "Closeknit Open Referral UK importer"
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
    """Reads one feed's addresses within its limits, with the one bounded fetcher."""

    def __init__(
        self, start_url: str, limits: FeedLimits, deadline: Deadline, network: Network | None
    ) -> None:
        self.limits, self.deadline, self.bytes_read = limits, deadline, 0
        self.fetcher = Fetcher(start_url, user_agent=USER_AGENT, network=network)

    def json(self, url: str) -> Any:
        self.deadline.check()
        budget = max(0.001, min(self.limits.timeout, self.deadline.remaining()))
        cap = min(self.limits.max_bytes, self.limits.max_feed_bytes - self.bytes_read)
        try:
            answer = self.fetcher.get(url, timeout=budget, max_bytes=max(cap, 0))
        except FetchError as error:
            raise self._refusal(error, budget, cap) from None
        if answer.status != 200:
            raise FeedError(f"{answer.url} answered {answer.status} {answer.reason}")
        self.bytes_read += len(answer.body)
        return parse_json(answer.body, answer.url, answer.header("Content-Type"))

    def _refusal(self, error: FetchError, budget: float, cap: int) -> FeedError:
        """The fetcher's refusal in the import's words: the option to change, where there is one."""
        if error.kind == TOO_SLOW:
            self.deadline.check()
            return FeedError(f"{error.url} took longer than {budget:g} seconds to answer (--timeout)")
        if error.kind == TOO_BIG and cap < self.limits.max_bytes:
            return FeedError(
                f"the feed sent more than {self.limits.max_feed_bytes:,} bytes in all (--max-feed-bytes); "
                f"stopped at {error.url}"
            )
        if error.kind == TOO_BIG:
            return FeedError(f"{error.url} sent more than {self.limits.max_bytes:,} bytes (--max-bytes)")
        if error.kind == UNREACHABLE:
            return FeedError(f"could not reach {error.url}: {error.reason}")
        return FeedError(str(error))


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
    network: Network | None = None,
) -> list[Any]:
    """Every service in a feed: its /services pages, then each service in full. ``network`` is
    for tests only (see ``common.bounded_fetch.Network``)."""
    limits = limits or FeedLimits()
    if timeout is not None:
        limits = dataclasses.replace(limits, timeout=timeout)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FeedError("a feed address must start with http:// or https://")
    reader = _Reader(url, limits, deadline or Deadline(limits.time_limit), network)
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
