"""With a shared cache (REDIS_URL), a change made in one process is forgotten in every other: the
generation lives in Redis, not in a process's memory. Against the real Redis at
CLOSEKNIT_TEST_REDIS_URL (default redis://127.0.0.1:6379/5); skipped, with the reason, when it does
not answer."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from common.kept import Kept

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CLOSEKNIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
BACKEND = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def redis(settings):
    """Django's cache on the real Redis; the test's keys are removed after it."""
    import redis as redis_client

    connection = redis_client.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        connection.ping()
    except redis_client.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": REDIS_URL}}
    name = f"test-kept:{uuid.uuid4()}"
    yield name
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


def in_another_process(name: str, code: str) -> str:
    """Run ``code`` (with ``kept = Kept(name)``) in a new Python process set up as a web process with
    REDIS_URL; its printed output."""
    script = f"import django; django.setup()\nfrom common.kept import Kept\nkept = Kept({name!r})\n" + code
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLOSEKNIT_"))}
    environment.update(REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="closeknit.settings")
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_change_in_another_process_is_forgotten_here_at_once(redis):
    kept = Kept(redis)
    assert kept.kept("answer", (1,), lambda: "before") == "before"
    # The other process reads what this one kept, then a change there forgets it.
    seen = in_another_process(redis, "print(kept.kept('answer', (1,), lambda: 'other')); kept.forget()")
    assert seen == "before"
    assert kept.kept("answer", (1,), lambda: "after") == "after"


def test_what_one_process_keeps_another_reads(redis):
    kept = Kept(redis)
    in_another_process(redis, "kept.forget(); kept.kept('answer', (2,), lambda: 'from the other')")
    assert kept.kept("answer", (2,), lambda: "worked out here") == "from the other"
