"""Checking any Open Referral UK feed against the rules of the official ORUK validator.

The rules are re-implemented in our own words from what the official validator does (it reads
``version`` at ``/``, tests each list endpoint's first, middle and last page, takes ids from the
lists to test the ``{id}`` endpoints, and validates every answer against the profile's compiled
schemas), from the profile's OpenAPI document and from the UK compliance page of HSDS 3.0 (open,
``Access-Control-Allow-Origin: *`` on every answer, paginated lists). ``RULES`` lists them;
docs/api.md explains each one.

Every request is bounded (a timeout, a size cap read as a stream, a cap on the number of requests,
and a stop after three answers in a row fail to arrive), so a hostile or huge feed cannot hang the
check, and a feed at a public address cannot lead it into the private network (``fetching``).
``conformance_checks`` judges single answers. Nothing here writes.
"""

from __future__ import annotations

import math
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

from jsonschema import FormatChecker

from common.bounded_fetch import Network

from .conformance_checks import (
    BAD_QUERIES,
    MAX_REASONS,
    Matcher,
    consistency_problems,
    envelope_problems,
    openapi_problems,
    schema_problems,
    search_queries,
    walk_problems,
)
from .fetching import Answer, CheckStopped, Client

ERROR, WARNING = "error", "warning"
PASS, FAIL, WARN, SKIP = "pass", "fail", "warning", "skipped"
SAMPLE_IDS = 10  # ids taken from each list, as the official validator takes up to ten
WALK_PER_PAGE, WALK_MAX_PAGES, WALK_MAX_ITEMS = 3, 20, 500
FIRST_PAGE_SIZE = 10
MAX_REASON_LENGTH = 400
SEARCH_PAGE_SIZE = 50  # the profile's usual default: a feed may refuse larger pages


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    checks: str
    scope: str


RULES: tuple[Rule, ...] = (
    Rule("R00", "bounds", "The check finished within its budget and the feed kept answering.", "all"),
    Rule("R01", "root", "`/` answers 200 with a JSON object.", "/"),
    Rule(
        "R02",
        "version",
        "`version` at `/` names HSDS-UK 3.0 (without it the validator uses the 1.0 rules).",
        "/",
    ),
    Rule("R03", "root-links", "`profile` and `openapi_url` at `/` are absolute http(s) URIs.", "/"),
    Rule(
        "R04", "openapi", "`openapi_url` answers an OpenAPI document with `openapi`, `info` and `paths`.", "/"
    ),
    Rule(
        "R05",
        "openapi-valid",
        "The OpenAPI document passes openapi-spec-validator, references resolved offline.",
        "/",
    ),
    Rule(
        "R06",
        "openapi-paths",
        "The OpenAPI document describes `/`, `/services`, `/services/{id}` and every endpoint served.",
        "/",
    ),
    Rule(
        "R07",
        "endpoints",
        "Each endpoint answers 200 (an optional one may answer 404, 501 or 503: not provided).",
        "every endpoint",
    ),
    Rule("R08", "json", "Every successful answer is JSON (`application/json`), never HTML.", "every answer"),
    Rule(
        "R09",
        "cors",
        "Every answer, errors included, carries `Access-Control-Allow-Origin: *`.",
        "every answer",
    ),
    Rule(
        "R10",
        "page-envelope",
        "Every list page has total_items, total_pages, page_number, size, first_page, last_page, "
        "empty and contents, of the right types.",
        "lists",
    ),
    Rule(
        "R11",
        "page-consistency",
        "size is the number of contents, page_number the page asked, first_page, last_page and "
        "empty agree with them, and per_page is honoured.",
        "lists",
    ),
    Rule(
        "R12",
        "page-past-end",
        "A page past the last answers 200 with no contents and `empty: true`.",
        "lists",
    ),
    Rule(
        "R13",
        "list-schema",
        "Every item of every list page validates against the profile's compiled schema.",
        "lists",
    ),
    Rule(
        "R14",
        "item-schema",
        "Every `{id}` answer validates against the compiled schema the profile names for it.",
        "{id} endpoints",
    ),
    Rule(
        "R15",
        "item-id",
        "`{id}` endpoints, fetched with ids taken from the list, answer 200 with that same id.",
        "{id} endpoints",
    ),
    Rule(
        "R16",
        "search",
        "Search parameters (taxonomy_term_id, taxonomy_id, organization_id, search, ages, times, day, "
        "modified_after) answer 200, and those that can be checked filter.",
        "/services, /service_at_locations",
    ),
    Rule(
        "R17",
        "bad-requests",
        "Bad parameter values and unknown ids answer 4xx, never 5xx or a hang.",
        "/services, {id} endpoints",
    ),
    Rule(
        "R18",
        "paging-stable",
        "Walking a list with a small per_page gives no duplicates and the same items, in the same "
        "order, as one big page.",
        "lists (up to 500 items)",
    ),
)


@dataclass(frozen=True)
class Endpoint:
    path: str
    list_schema: str
    item_schema: str
    required: bool

    @property
    def level(self) -> str:
        return ERROR if self.required else WARNING


# The profile's OpenAPI names these compiled schemas (it names compiled/service.json for
# /service_at_locations/{id}); /organizations is HSDS 3.0's, checked with the profile's compiled
# organisation schemas.
SERVICES = Endpoint("/services", "service_list.json", "service.json", True)
ENDPOINTS: tuple[Endpoint, ...] = (
    SERVICES,
    Endpoint("/service_at_locations", "service_at_location_list.json", "service.json", False),
    Endpoint("/organizations", "organization_list.json", "organization.json", False),
    Endpoint("/taxonomies", "taxonomy.json", "taxonomy.json", False),
    Endpoint("/taxonomy_terms", "taxonomy_term.json", "taxonomy_term.json", False),
)
NOT_PROVIDED = {404, 501, 503}


@dataclass
class RuleResult:
    rule: Rule
    outcome: str
    reasons: list[str]

    def as_dict(self) -> dict:
        return {
            "id": self.rule.id,
            "name": self.rule.name,
            "checks": self.rule.checks,
            "outcome": self.outcome,
            "reasons": self.reasons,
        }


@dataclass
class Report:
    base_url: str
    results: list[RuleResult]
    requests: int

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.results if result.outcome == FAIL]

    @property
    def passed(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        return {
            outcome: sum(r.outcome == outcome for r in self.results) for outcome in (PASS, FAIL, WARN, SKIP)
        }

    def as_dict(self) -> dict:
        return {
            "base_url": self.base_url,
            "passed": self.passed,
            "requests": self.requests,
            "counts": self.counts(),
            "rules": [result.as_dict() for result in self.results],
        }


@dataclass
class _Findings:
    problems: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    applied: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)

    def ran(self, rule_id: str) -> None:
        self.applied.add(rule_id)

    def add(self, rule_id: str, level: str, reason: str) -> None:
        self.applied.add(rule_id)
        if len(reason) > MAX_REASON_LENGTH:  # a schema message quotes the value, which may be huge
            reason = reason[: MAX_REASON_LENGTH - 1] + "…"
        self.problems.setdefault(rule_id, []).append((level, reason))

    def skip(self, rule_id: str, reason: str) -> None:
        self.skipped.setdefault(rule_id, reason)

    def result(self, rule: Rule) -> RuleResult:
        found = self.problems.get(rule.id, [])
        reasons = [reason for _, reason in found[:MAX_REASONS]]
        if len(found) > MAX_REASONS:
            reasons.append(f"... and {len(found) - MAX_REASONS} more")
        if any(level == ERROR for level, _ in found):
            return RuleResult(rule, FAIL, reasons)
        if found:
            return RuleResult(rule, WARN, reasons)
        if rule.id in self.applied:
            return RuleResult(rule, PASS, [])
        return RuleResult(rule, SKIP, [self.skipped.get(rule.id, "nothing to check it on")])


def check_feed(
    base_url: str,
    *,
    timeout: float = 10,
    max_requests: int = 300,
    max_bytes: int = 20_000_000,
    network: Network | None = None,
) -> Report:
    """Check the feed at ``base_url`` (its ``/`` endpoint) against every rule in ``RULES``.
    ``network`` is for tests only (see ``common.bounded_fetch.Network``)."""
    base = base_url.rstrip("/")
    client = Client(base, timeout=timeout, max_requests=max_requests, max_bytes=max_bytes, network=network)
    findings = _Findings()
    checker = _Checker(base, client, findings)
    findings.ran("R00")
    try:
        checker.run()
    except CheckStopped as stop:
        findings.add("R00", ERROR, str(stop))
    checker.check_answers()
    return Report(base, [findings.result(rule) for rule in RULES], len(client.answers))


def _why(answer: Answer) -> str:
    if answer.problem:
        return answer.problem
    return f"answered {answer.status}" if answer.status != 200 else "not a JSON object"


def _id_url(path: str, item_id: str) -> str:
    return f"{path}/{urllib.parse.quote(item_id, safe='')}"


def _ids(contents: list) -> list[str]:
    return [
        str(item["id"])
        for item in contents
        if isinstance(item, dict) and isinstance(item.get("id"), str | int)
    ]


def _is_uri(value: Any) -> bool:
    return (
        isinstance(value, str)
        and urllib.parse.urlsplit(value).scheme in ("http", "https")
        and FormatChecker().conforms(value, "uri")
    )


class _Checker:
    def __init__(self, base: str, client: Client, findings: _Findings):
        self.base, self.client, self.findings = base, client, findings
        self.served: dict[str, bool] = {}  # endpoint path -> answered 200
        self.services: list[dict] = []  # full services fetched from /services/{id}
        self.openapi: dict | None = None

    def url(self, path: str, **query: Any) -> str:
        return f"{self.base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")

    def run(self) -> None:
        root = self.check_root()
        if root.status is None:
            raise CheckStopped(f"{root.where()}: {root.problem}; nothing more can be checked")
        if root.ok and isinstance(root.body, dict):
            self.check_openapi(root.body.get("openapi_url"))
        for endpoint in ENDPOINTS:
            self.check_endpoint(endpoint)
        self.check_search()
        self.check_bad_requests()
        self.check_openapi_paths()

    # `/` and the OpenAPI document

    def check_root(self) -> Answer:
        root = self.client.get(self.base + "/")
        if not root.ok or not isinstance(root.body, dict):
            reason = root.problem or (
                f"answered {root.status}" if root.status != 200 else "not a JSON object"
            )
            self.findings.add("R01", ERROR, f"{root.where()}: {reason}")
            self.findings.skip("R02", "`/` did not answer a JSON object")
            self.findings.skip("R03", "`/` did not answer a JSON object")
            return root
        self.findings.ran("R01")
        self.check_version(root.body.get("version"))
        self.findings.ran("R03")
        for name in ("profile", "openapi_url"):
            if not _is_uri(root.body.get(name)):
                self.findings.add(
                    "R03", ERROR, f"`/` {name}: {root.body.get(name)!r} is not an absolute http(s) URI"
                )
        return root

    def check_version(self, version: Any) -> None:
        self.findings.ran("R02")
        if not isinstance(version, str) or not version.strip():
            self.findings.add(
                "R02",
                ERROR,
                "`/` version: missing, so the official validator would use the HSDS-UK 1.0 rules",
            )
            return
        number = re.sub(r"(?i)hsds-uk-|v", "", version).strip()
        if number not in ("3.0", "3"):
            self.findings.add("R02", ERROR, f"`/` version: {version!r} is not HSDS-UK 3.0")

    def check_openapi(self, openapi_url: Any) -> None:
        if not _is_uri(openapi_url):
            self.findings.skip("R04", "`/` has no usable openapi_url")
            self.findings.skip("R05", "`/` has no usable openapi_url")
            return
        answer = self.client.get(openapi_url)
        document = answer.body
        if not answer.ok or not isinstance(document, dict):
            self.findings.add("R04", ERROR, f"{answer.where()}: {_why(answer)}")
            return
        self.findings.ran("R04")
        for name in ("info", "paths"):
            if not isinstance(document.get(name), dict):
                self.findings.add("R04", ERROR, f"{answer.where()}: {name}: missing or not an object")
        if not isinstance(document.get("openapi") or document.get("swagger"), str):
            self.findings.add("R04", ERROR, f"{answer.where()}: openapi: missing (no OpenAPI version)")
            return
        self.openapi = document
        self.findings.ran("R05")
        for problem in openapi_problems(document, openapi_url, self._same_site_schema):
            self.findings.add("R05", WARNING, f"{answer.where()}: {problem}")

    def _same_site_schema(self, uri: str) -> Any:
        """A schema the OpenAPI document refers to, fetched only from the feed's own site."""
        base, wanted = urllib.parse.urlsplit(self.base), urllib.parse.urlsplit(uri)
        if (wanted.scheme, wanted.netloc) != (base.scheme, base.netloc):
            raise LookupError(f"{uri}: not fetched (only the profile's schemas and the feed's own site are)")
        answer = self.client.get(urllib.parse.urldefrag(uri).url)
        if not answer.ok:
            raise LookupError(f"{answer.where()}: {_why(answer)}")
        return answer.body

    def check_openapi_paths(self) -> None:
        if self.openapi is None or not isinstance(self.openapi.get("paths"), dict):
            self.findings.skip("R06", "no OpenAPI document to read")
            return
        self.findings.ran("R06")
        described = {
            re.sub(r"\{[^}]*\}", "{id}", str(path)).rstrip("/") or "/" for path in self.openapi["paths"]
        }
        wanted = [("/", ERROR), ("/services", ERROR), ("/services/{id}", ERROR)]
        for endpoint in ENDPOINTS[1:]:
            if self.served.get(endpoint.path):
                wanted += [(endpoint.path, WARNING), (f"{endpoint.path}/{{id}}", WARNING)]
        for path, level in wanted:
            if path not in described:
                self.findings.add("R06", level, f"paths: {path} is not described")

    # List endpoints

    def check_endpoint(self, endpoint: Endpoint) -> None:
        first = self.get_page(endpoint, page=1, per_page=FIRST_PAGE_SIZE)
        self.findings.ran("R07")
        if first.status in NOT_PROVIDED and not endpoint.required:
            self.served[endpoint.path] = False
            return
        if not first.ok:
            reason = first.problem or f"answered {first.status}"
            self.findings.add("R07", endpoint.level, f"{first.where()}: {reason}")
            return
        self.served[endpoint.path] = True
        if not self.check_page(endpoint, first, page=1, per_page=FIRST_PAGE_SIZE):
            return
        total_pages = first.body["total_pages"]
        if total_pages > 2:
            self.check_page(
                endpoint,
                self.get_page(endpoint, page=total_pages // 2 + 1, per_page=FIRST_PAGE_SIZE),
                page=total_pages // 2 + 1,
                per_page=FIRST_PAGE_SIZE,
            )
        if total_pages > 1:
            self.check_page(
                endpoint,
                self.get_page(endpoint, page=total_pages, per_page=FIRST_PAGE_SIZE),
                page=total_pages,
                per_page=FIRST_PAGE_SIZE,
            )
        self.check_past_end(endpoint, max(total_pages, 1) + 1)
        self.check_items(endpoint, _ids(first.body["contents"])[:SAMPLE_IDS])
        self.check_walk(endpoint, first.body["total_items"])

    def get_page(self, endpoint: Endpoint, **query: Any) -> Answer:
        return self.client.get(self.url(endpoint.path, **query))

    def check_page(
        self, endpoint: Endpoint, answer: Answer, *, page: int, per_page: int, rule: str = "R11"
    ) -> bool:
        """Envelope (R10), consistency (``rule``) and items (R13) of one page; False if no envelope."""
        if not answer.ok:
            self.findings.add("R07", endpoint.level, f"{answer.where()}: {_why(answer)}")
            return False
        self.findings.ran("R10")
        missing = envelope_problems(answer.body)
        for problem in missing:
            self.findings.add("R10", endpoint.level, f"{answer.where()}: {problem}")
        if missing:
            return False
        self.findings.ran(rule)
        for problem in consistency_problems(answer.body, page=page, per_page=per_page):
            self.findings.add(rule, endpoint.level, f"{answer.where()}: {problem}")
        self.findings.ran("R13")
        for index, item in enumerate(answer.body["contents"]):
            for problem in schema_problems(item, endpoint.list_schema):
                self.findings.add("R13", endpoint.level, f"{answer.where()}: contents[{index}].{problem}")
        return True

    def check_past_end(self, endpoint: Endpoint, page: int) -> None:
        answer = self.get_page(endpoint, page=page, per_page=FIRST_PAGE_SIZE)
        self.findings.ran("R12")
        if answer.status != 200:
            self.findings.add(
                "R12", endpoint.level, f"{answer.where()}: answered {answer.status}, not an empty page"
            )
            return
        if (
            self.check_page(endpoint, answer, page=page, per_page=FIRST_PAGE_SIZE, rule="R12")
            and answer.body["contents"]
        ):
            self.findings.add(
                "R12", endpoint.level, f"{answer.where()}: contents: not empty past the last page"
            )

    def check_items(self, endpoint: Endpoint, ids: list[str]) -> None:
        for item_id in ids:
            answer = self.client.get(self.url(_id_url(endpoint.path, item_id)))
            self.findings.ran("R15")
            if not answer.ok or not isinstance(answer.body, dict):
                self.findings.add(
                    "R15", endpoint.level, f"{answer.where()}: {_why(answer)} for an id taken from the list"
                )
                continue
            if str(answer.body.get("id")) != item_id:
                self.findings.add(
                    "R15",
                    endpoint.level,
                    f"{answer.where()}: id: {answer.body.get('id')!r}, not the {item_id!r} asked for",
                )
            self.findings.ran("R14")
            for problem in schema_problems(answer.body, endpoint.item_schema):
                self.findings.add("R14", endpoint.level, f"{answer.where()}: {problem}")
            if endpoint is SERVICES:
                self.services.append(answer.body)

    def check_walk(self, endpoint: Endpoint, total: int) -> None:
        if total == 0 or total > WALK_MAX_ITEMS:
            self.findings.skip("R18", "no list had between 1 and 500 items")
            return
        per_page = max(WALK_PER_PAGE, math.ceil(total / WALK_MAX_PAGES))
        walked: list[str] = []
        for page in range(1, math.ceil(total / per_page) + 1):
            answer = self.get_page(endpoint, page=page, per_page=per_page)
            if not self.check_page(endpoint, answer, page=page, per_page=per_page):
                return
            walked += _ids(answer.body["contents"])
        # One page of them all; a feed may refuse so large a per_page (4xx): then the walk is
        # checked on its own (no duplicates, total_items items).
        big = self.get_page(endpoint, page=1, per_page=total)
        whole: list[str] = []
        if big.status is None or big.status < 400 or big.status >= 500:
            if not self.check_page(endpoint, big, page=1, per_page=total):
                return
            whole = _ids(big.body["contents"])
        self.findings.ran("R18")
        for problem in walk_problems(walked, whole, total, per_page):
            self.findings.add("R18", endpoint.level, f"{self.base}{endpoint.path}: {problem}")

    # Search and bad requests

    def check_search(self) -> None:
        for path in ("/services", "/service_at_locations"):
            if not self.served.get(path) or not self.services:
                self.findings.skip("R16", "no service to search for")
                continue
            level = ERROR if path == "/services" else WARNING
            for query, matches in search_queries(self.services[0]):
                self.check_one_search(path, query, matches, level)

    def check_one_search(self, path: str, query: dict[str, str], matches: Matcher | None, level: str) -> None:
        """The search answers a page; when ``matches`` can tell, the services found are the right ones:
        the one the value came from is among them, and no other fetched service that does not match."""
        answer = self.client.get(self.url(path, per_page=SEARCH_PAGE_SIZE, **query))
        self.findings.ran("R16")
        if (
            not answer.ok
            or not isinstance(answer.body, dict)
            or not isinstance(answer.body.get("contents"), list)
        ):
            self.findings.add("R16", level, f"{answer.where()}: {_why(answer)}")
            return
        if matches is None:
            return
        key = "id" if path == "/services" else "service_id"
        found = {item.get(key) for item in answer.body["contents"] if isinstance(item, dict)}
        complete = answer.body.get("last_page") is True
        for service in self.services:
            service_id = service.get("id")
            verdict = matches(service)
            if verdict is True and complete and service_id not in found:
                self.findings.add(
                    "R16",
                    level,
                    f"{answer.where()}: contents: service {service_id} is missing, though it matches",
                )
            if verdict is False and service_id in found:
                self.findings.add(
                    "R16",
                    level,
                    f"{answer.where()}: contents: service {service_id} is there, though it does not match",
                )

    def check_bad_requests(self) -> None:
        paths = [f"/services/{uuid.uuid4()}", "/services/not-an-id"]
        paths += [
            f"{endpoint.path}/{uuid.uuid4()}" for endpoint in ENDPOINTS[1:] if self.served.get(endpoint.path)
        ]
        for path in paths:
            answer = self.client.get(self.url(path))
            self.findings.ran("R17")
            if answer.status is None or answer.status >= 500 or answer.status < 400:
                self.findings.add(
                    "R17", ERROR, f"{answer.where()}: {_why(answer)} for an id that does not exist"
                )
        for query in BAD_QUERIES:
            answer = self.client.get(self.url("/services", **query))
            if answer.status is None or answer.status >= 500:
                self.findings.add("R17", ERROR, f"{answer.where()}: {_why(answer)}")
            elif answer.status < 400:
                self.findings.add(
                    "R17",
                    WARNING,
                    f"{answer.where()}: answered {answer.status}, accepting a bad value without a word",
                )

    # Rules over every answer

    def check_answers(self) -> None:
        """R08 and R09 over every answer; R09 names the first answer lacking the header for each
        status code, so that error answers show even when hundreds of pages lack it too."""
        answered = [answer for answer in self.client.answers if answer.status is not None]
        lacking = [answer for answer in answered if answer.cors != "*"]
        if answered:
            self.findings.ran("R09")
        first_by_status = {answer.status: answer for answer in reversed(lacking)}
        for status, answer in sorted(first_by_status.items()):
            found = "no Access-Control-Allow-Origin header" if answer.cors is None else f"{answer.cors!r}"
            others = sum(other.status == status for other in lacking) - 1
            more = f" (and {others} more {status} answers)" if others else ""
            self.findings.add("R09", ERROR, f"{answer.where()} ({status}): {found}{more}")
        for answer in answered:
            self.findings.ran("R08")
            if not answer.problem or answer.cut_off:
                continue
            if answer.status is not None and answer.status < 300:
                self.findings.add("R08", ERROR, f"{answer.where()}: {answer.problem}")
            else:
                self.findings.add(
                    "R08", WARNING, f"{answer.where()} ({answer.status}): the error {answer.problem}"
                )
