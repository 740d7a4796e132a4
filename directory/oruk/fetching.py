"""Bounded GET requests, for checking a feed that may be slow, huge or hostile.

Each request is made by the one bounded fetcher (``common.bounded_fetch``): each answer must
arrive within ``timeout`` seconds and ``max_bytes`` (read as a stream, so a feed that trickles or
never ends is cut off), redirects go only to http(s) addresses and never from a feed at a public
address into the private network. On top of that, at most ``max_requests`` are made, and after
three answers in a row that did not arrive whole the feed is taken to have stopped answering.
Every answer, 4xx and 5xx included, is recorded (status, CORS header, content type).
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import Any

from common.bounded_fetch import (
    BROKEN_OFF,
    NOT_HTTP,
    TOO_BIG,
    TOO_SLOW,
    UNREACHABLE,
    Fetcher,
    FetchError,
    Network,
)

USER_AGENT = "Closeknit Open Referral UK conformance check"


class CheckStopped(Exception):
    """The check cannot go on: the request budget is spent or the feed stopped answering."""


@dataclass
class Answer:
    """One request's outcome. ``body`` is the parsed JSON, or None with ``problem`` saying why."""

    url: str
    status: int | None = None
    cors: str | None = None
    content_type: str = ""
    body: Any = None
    problem: str = ""
    cut_off: bool = False  # too slow, too large or broken off: read no further

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.problem

    def where(self) -> str:
        return f"GET {self.url}"


class Client:
    """Bounded GET requests: ``timeout`` seconds each, ``max_bytes`` each, ``max_requests`` in all,
    for the feed at ``feed_url`` (whose address decides whether the private network may be reached:
    see ``common.bounded_fetch``; ``network`` is for tests only)."""

    def __init__(
        self,
        feed_url: str,
        *,
        timeout: float,
        max_requests: int,
        max_bytes: int,
        network: Network | None = None,
    ) -> None:
        self.timeout, self.max_requests, self.max_bytes = timeout, max_requests, max_bytes
        self.answers: list[Answer] = []  # kept without bodies, for the CORS and JSON rules
        self._silent_in_a_row = 0
        self._fetcher = Fetcher(feed_url, user_agent=USER_AGENT, network=network)

    def get(self, url: str) -> Answer:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            return Answer(url, problem="not an http(s) address: not fetched")
        if len(self.answers) >= self.max_requests:
            raise CheckStopped(f"the request budget ({self.max_requests}) is spent: raise --max-requests")
        if self._silent_in_a_row >= 3:
            raise CheckStopped("three requests in a row had no whole answer: the feed stopped answering")
        answer = self._fetch(url)
        silent = answer.status is None or answer.cut_off
        self._silent_in_a_row = self._silent_in_a_row + 1 if silent else 0
        kept = Answer(answer.url, answer.status, answer.cors, answer.content_type, None, answer.problem)
        kept.cut_off = answer.cut_off
        self.answers.append(kept)
        return answer

    def _fetch(self, url: str) -> Answer:
        answer = Answer(url)
        try:
            fetched = self._fetcher.get(url, timeout=self.timeout, max_bytes=self.max_bytes)
        except FetchError as error:
            _describe(answer, error.status, error.headers)
            answer.problem, answer.cut_off = self._problem(error)
            return answer
        _describe(answer, fetched.status, fetched.headers)
        answer.body, answer.problem = _parse_json(fetched.body, answer.content_type)
        return answer

    def _problem(self, error: FetchError) -> tuple[str, bool]:
        """What went wrong, in the check's words, and whether the answer was cut off."""
        if error.kind == TOO_BIG:
            return f"the answer is larger than {self.max_bytes // 1_000_000} MB: stopped reading", True
        if error.kind == TOO_SLOW and error.status is not None:
            return f"the answer took longer than {self.timeout:g} s: stopped reading", True
        if error.kind == TOO_SLOW:
            return f"no answer: nothing came within {self.timeout:g} s", False
        if error.kind == BROKEN_OFF:
            return f"the answer broke off: {error.reason}", True
        if error.kind in (UNREACHABLE, NOT_HTTP):
            return f"no answer: {error.reason}", False
        return error.detail, False


def _describe(answer: Answer, status: int | None, headers: HTTPMessage | None) -> None:
    """Record the status, CORS header and content type of an answer whose head arrived."""
    if status is None or headers is None:
        return
    answer.status = status
    answer.cors = headers.get("Access-Control-Allow-Origin")
    answer.content_type = headers.get_content_type() if headers.get("Content-Type") else ""


def _parse_json(raw: bytes, content_type: str) -> tuple[Any, str]:
    if raw.lstrip()[:1] == b"<":
        return None, f"sent HTML or XML ({content_type or 'no Content-Type'}), not JSON"
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, f"did not send JSON ({content_type or 'no Content-Type'})"
    if content_type != "application/json" and not content_type.endswith("+json"):
        return body, f"sent JSON labelled {content_type or 'with no Content-Type'}, not application/json"
    return body, ""
