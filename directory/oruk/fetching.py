"""Bounded GET requests, for checking a feed that may be slow, huge or hostile.

Each answer must arrive within ``timeout`` seconds and ``max_bytes`` (read as a stream, so a feed
that trickles or never ends is cut off), at most ``max_requests`` are made, and after three answers
in a row that did not arrive whole the feed is taken to have stopped answering. Only http(s).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

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


class _Stop(Exception):
    pass


class Client:
    """Bounded GET requests: ``timeout`` seconds each, ``max_bytes`` each, ``max_requests`` in all."""

    def __init__(self, *, timeout: float, max_requests: int, max_bytes: int):
        self.timeout, self.max_requests, self.max_bytes = timeout, max_requests, max_bytes
        self.answers: list[Answer] = []  # kept without bodies, for the CORS and JSON rules
        self._silent_in_a_row = 0
        self._opener = urllib.request.build_opener(_HttpOnlyRedirects())

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
        # Only http(s): ``get`` refuses every other scheme before this is reached.
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        answer = Answer(url)
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = self._read(response, answer, response.status, deadline)
        except urllib.error.HTTPError as error:
            with error:
                raw = self._read(error.fp, answer, error.code, deadline) if error.fp else b""
        except _Stop:
            answer.cut_off = True
            return answer
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            answer.problem = f"no answer: {getattr(error, 'reason', error)}"
            return answer
        answer.body, answer.problem = _parse_json(raw, answer.content_type)
        return answer

    def _read(self, stream: Any, answer: Answer, status: int, deadline: float) -> bytes:
        answer.status = status
        answer.cors = stream.headers.get("Access-Control-Allow-Origin")
        answer.content_type = stream.headers.get_content_type() if stream.headers.get("Content-Type") else ""
        read = getattr(stream, "read1", stream.read)
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := read(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    answer.problem = (
                        f"the answer is larger than {self.max_bytes // 1_000_000} MB: stopped reading"
                    )
                    raise _Stop
                if time.monotonic() > deadline:
                    answer.problem = f"the answer took longer than {self.timeout:g} s: stopped reading"
                    raise _Stop
                chunks.append(chunk)
        except (TimeoutError, OSError) as error:
            answer.problem = f"the answer broke off: {error}"
            raise _Stop from None
        return b"".join(chunks)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


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
