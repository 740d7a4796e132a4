"""When Redis goes away the site goes on (common.cache): a real Redis server of the test's own,
stopped and started again. Skipped, with the reason, where no redis-server can be started
(`make test` installs Debian's: scripts/ensure-redis.sh)."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis as redis_client
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from closeknit.tests.test_settings import manage
from common import cache as cache_backend
from common.testing import free_port, sign_in
from directory.models import Service
from directory.tests.factories import ServiceFactory


class Redis:
    """A redis-server of the test's own on a free port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.skip("no redis-server on this machine (make test installs it: scripts/ensure-redis.sh)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start within 30 seconds")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture(autouse=True)
def _no_pause_left_over():
    """Each test starts with every Redis to be asked (the pauses are per process)."""
    cache_backend._quiet_until.clear()
    yield
    cache_backend._quiet_until.clear()


@pytest.fixture
def redis(settings):
    """Django's cache on a Redis of the test's own, started; pauses of 1 second after a failure, and
    a generous socket timeout (a busy test machine is not a Redis gone quiet)."""
    server = Redis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": server.url,
            "PAUSE_SECONDS": 1,
            "SOCKET_TIMEOUT_MS": 5000,
        }
    }
    yield server
    server.stop()


def test_with_redis_gone_the_process_keeps_its_own_cache_and_says_so_once(redis, caplog):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        started = time.monotonic()
        assert cache.get("greeting", "missing") == "missing"  # Redis's copy is out of reach
        cache.set("greeting", "here")  # kept in this process's memory meanwhile
        assert cache.get_many(["greeting"]) == {"greeting": "here"}
        assert cache.add("count", 0) is True
        assert cache.incr("count") == 1  # limits still count, per process
        with pytest.raises(ValueError):
            cache.incr("never-set")  # as Django says of a key that is not there
        assert cache.get_or_set("token", lambda: "made once") == "made once"
        assert cache.get_or_set("token", lambda: "made again") == "made once"
        assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()

    # Back again: after the pause it is asked afresh, and keeps things there again.
    redis.start()
    time.sleep(1.1)
    assert cache.get("greeting") is None  # a restarted Redis holds nothing
    cache.set("greeting", "back")
    assert redis_client.Redis.from_url(redis.url).dbsize() == 1


def test_a_public_form_is_still_limited_with_redis_gone(redis):
    from common import limits

    redis.stop()
    for _ in range(3):
        assert not limits.used_up("reset:someone@example.org", per_hour=3)
        limits.count_one("reset:someone@example.org")
    assert limits.used_up("reset:someone@example.org", per_hour=3)


def test_an_error_from_redis_that_is_not_about_reaching_it_is_raised(redis):
    import redis as redis_library

    redis_client.Redis.from_url(redis.url).rpush(":1:a-list", "x")  # not a cache value: WRONGTYPE
    with pytest.raises(redis_library.exceptions.ResponseError):
        cache.incr("a-list")


def test_a_redis_that_answers_nothing_costs_one_short_wait(settings):
    """A socket that accepts and never answers (a Redis gone quiet, not refusing): the first call
    gives up after the socket timeout, the rest of the pause asks nothing."""
    quiet = socket.socket()
    quiet.bind(("127.0.0.1", 0))
    quiet.listen(8)
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "common.cache.ForgivingRedisCache",
                "LOCATION": f"redis://127.0.0.1:{quiet.getsockname()[1]}/0",
                "SOCKET_TIMEOUT_MS": 200,
            }
        }
        started = time.monotonic()
        assert cache.get("anything", "missing") == "missing"
        first = time.monotonic() - started
        for _ in range(20):
            assert cache.get("anything", "missing") == "missing"
        assert 0.15 < first < 5 and time.monotonic() - started < first + 1
    finally:
        quiet.close()


def test_with_redis_gone_the_public_search_works_and_an_editor_saves_a_listing(redis, client, make_user):
    organisation = OrganisationFactory(name="Stretford Neighbours")
    listing = ServiceFactory(name="Stretford lunch club", provider__owner=organisation, owner=organisation)
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=organisation)
    page = reverse("directory:listing", args=[listing.pk])
    assert "Stretford lunch club" in client.get(page).text
    assert redis_client.Redis.from_url(redis.url).dbsize() > 0  # kept in Redis

    redis.stop()
    found = client.get(reverse("directory:search"), {"q": "lunch"})
    assert found.status_code == 200 and "Stretford lunch club" in found.text
    assert client.get(page).status_code == 200
    editor_client = client.__class__()
    sign_in(editor_client, editor)
    response = editor_client.post(reverse("directory:listing_checked", args=[listing.pk]))
    assert response.status_code == 302
    assert Service.objects.get(pk=listing.pk).last_checked == timezone.localdate()

    # Redis back (empty, as after a restart): pages are kept again from the database as it is now.
    redis.start()
    time.sleep(1.1)
    assert f"Last checked {timezone.localdate().strftime('%-d %B %Y')}" in client.get(page).text
    assert redis_client.Redis.from_url(redis.url).dbsize() > 0


def test_a_redis_timeout_that_is_not_a_number_is_refused_by_name():
    result = manage("check", REDIS_URL="redis://127.0.0.1:6379/0", REDIS_TIMEOUT_MS="soon")
    assert result.returncode != 0
    assert "REDIS_TIMEOUT_MS must be a whole number, at least 1, not 'soon'" in result.stderr
