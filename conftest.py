"""Fixtures shared by every app's tests: people by role, a browser, and the accessibility check."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 success criterion at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (the PostgreSQL pass: the rest ran on SQLite)",
    )


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def uses_database(item: pytest.Item) -> bool:
    """Whether a test touches the database: marked ``django_db``, asking for a database fixture,
    or a Django test case class (the ledgers' property tests are ``hypothesis.extra.django`` ones)."""
    from django.test import TransactionTestCase

    if item.get_closest_marker("django_db") is not None:
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, TransactionTestCase)


def pytest_collection_modifyitems(config, items):
    """With ``--database-tests-only``, leave out tests whose answer cannot depend on the database
    (parsing, fetching, settings, subprocesses on their own SQLite file): `make test` runs them once,
    in the SQLite pass, and only the database's tests again on PostgreSQL."""
    if not config.getoption("database_tests_only"):
        return
    kept = [item for item in items if uses_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing restore it themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits and the like do not leak between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """Make a user with a role: ``make_user(Role.COORDINATOR, teams=[team])``."""

    def make(role: str = Role.RESIDENT, **fields):
        return UserFactory(role=role, **fields)

    return make


@pytest.fixture
def team(db):
    return TeamFactory()


# --- Browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (to arrange data) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser tab (own cookies) pointed at the test server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    """A browser tab the size of a small phone."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server, transactional_db):
    """A browser tab with JavaScript switched off: every page must still work."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Fail when axe-core finds any WCAG 2.2 A or AA violation on the page as it is now."""
    # Evaluated through the browser's devtools channel, which the pages' Content-Security-Policy
    # does not govern (an added <script> tag would be inline script, which it refuses).
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"axe found problems on {page.url}:\n{json.dumps(violations, indent=2)}"


@pytest.fixture
def axe():
    return assert_accessible
