"""Reading an Open Referral UK feed: from its API address, page by page, or from a JSON file.

Nothing here writes: ``importer.import_records`` checks and writes what these functions return.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common.errors import Refusal

USER_AGENT = "Closeknit Open Referral UK importer"
MAX_PAGES = 10_000


class FeedError(Refusal):
    """The feed as a whole cannot be read: a refusal of the whole import, naming no field (a
    record's own problems are listed in the ``ImportResult`` instead)."""


def _fetch_json(url: str, timeout: float):
    # Only http(s): records_from_url refuses other schemes before any request is made.
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            body = response.read()
    except urllib.error.HTTPError as error:
        raise FeedError(f"{url} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FeedError(f"could not reach {url}: {getattr(error, 'reason', error)}") from None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedError(f"{url} did not send JSON") from None


def records_from_url(url: str, *, timeout: float = 30) -> list[dict]:
    """Every service in a feed: its /services pages, then each service in full."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https"):
        raise FeedError("a feed address must start with http:// or https://")
    base = url.rstrip("/")
    if not base.endswith("/services"):
        base = f"{base}/services"
    ids, page = [], 1
    while page <= MAX_PAGES:
        body = _fetch_json(f"{base}?page={page}&per_page=100", timeout)
        if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
            raise FeedError(f"{base} page {page} is not an Open Referral UK page (no 'contents' list)")
        ids += [item.get("id") for item in body["contents"] if isinstance(item, dict)]
        if body.get("last_page", True) or not body["contents"]:
            break
        page += 1
    return [_fetch_json(f"{base}/{urllib.parse.quote(str(service_id))}", timeout) for service_id in ids]


def records_from_file(path: Path | str) -> list:
    """Services from a JSON file: a list of services, a page envelope, or one service."""
    path = Path(path)
    if not path.is_file():
        raise FeedError(f"{path.name}: no such file")
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError(f"{path.name} is not UTF-8 text") from None
    except ValueError as error:
        raise FeedError(f"{path.name} is not valid JSON ({error})") from None
    if isinstance(body, dict) and isinstance(body.get("contents"), list):
        return body["contents"]
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        return [body]
    raise FeedError(f"{path.name} holds neither a service nor a list of services")
