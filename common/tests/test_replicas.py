"""Read replicas (common.replicas): which reads may go to a replica, and, on PostgreSQL, a real
streaming hot standby (scripts/postgres-replica.sh) proving where each read and write went."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import OrganisationFactory
from closeknit.tests.test_settings import manage
from common import replicas
from common.testing import free_port, sign_in
from directory.models import Service
from directory.tests.factories import ServiceFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres-replica.sh"
router = replicas.ReplicaRouter()


def answered(view, request):
    """Run ``view`` under the middleware, as a request would be."""
    return replicas.ReplicaMiddleware(view)(request)


def read_database(model=Service):
    return router.db_for_read(model)


@pytest.fixture
def one_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]


# The router's rules: no database is needed to ask it.


def test_without_replicas_every_read_goes_to_the_primary(settings, rf):
    settings.DATABASE_REPLICAS = []
    seen = []

    @replicas.stale_reads_ok
    def view(request):
        seen.append(read_database())
        return _ok()

    answered(view, rf.get("/"))
    assert seen == ["default"]


def test_a_view_that_may_read_stale_rows_reads_a_replica(one_replica, rf):
    seen = []

    def view(request):
        seen.append(read_database())
        return _ok()

    answered(replicas.stale_reads_ok(view), rf.get("/"))
    answered(view, rf.get("/"))  # not marked: the primary
    assert seen == ["replica1", "default"]


def test_outside_a_request_everything_reads_the_primary(one_replica):
    # Management commands and tasks.
    assert read_database() == "default"


def test_a_form_sent_to_a_stale_view_reads_the_primary(one_replica, rf):
    seen = []

    @replicas.stale_reads_ok
    def view(request):
        seen.append(read_database())
        return _ok()

    answered(view, rf.post("/", {"name": "x"}))
    assert seen == ["default"]


def test_after_a_write_the_same_request_reads_the_primary_and_the_browser_is_pinned(one_replica, rf):
    seen = []

    @replicas.stale_reads_ok
    def view(request):
        seen.append(read_database())
        assert router.db_for_write(Service) == "default"
        seen.append(read_database())
        return _ok()

    response = answered(view, rf.get("/"))
    assert seen == ["replica1", "default"]
    cookie = response.cookies[replicas.COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]

    seen.clear()
    pinned = rf.get("/")
    pinned.COOKIES[replicas.COOKIE] = "1"
    answered(lambda request: (seen.append(read_database()), _ok())[1], pinned)
    answered(replicas.stale_reads_ok(lambda request: (seen.append(read_database()), _ok())[1]), pinned)
    assert seen == ["default", "default"]


def test_a_request_that_only_reads_sets_no_cookie(one_replica, rf):
    response = answered(replicas.stale_reads_ok(lambda request: (read_database(), _ok())[1]), rf.get("/"))
    assert replicas.COOKIE not in response.cookies


def test_who_someone_is_always_comes_from_the_primary(one_replica, rf):
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    seen = []

    @replicas.stale_reads_ok
    def view(request):
        seen.extend(read_database(model) for model in (User, Session, TOTPDevice, Service))
        return _ok()

    answered(view, rf.get("/"))
    assert seen == ["default", "default", "default", "replica1"]


def test_inside_a_transaction_on_the_primary_reads_stay_there(one_replica, rf, transactional_db):
    seen = []

    @replicas.stale_reads_ok
    def view(request):
        seen.append(read_database())
        with transaction.atomic():
            seen.append(read_database())
        return _ok()

    answered(view, rf.get("/"))
    assert seen == ["replica1", "default"]


def test_replicas_need_a_postgresql_primary():
    result = manage("check", DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/closeknit")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs DATABASE_URL to name a PostgreSQL primary" in result.stderr


def test_a_pin_that_is_not_a_number_of_seconds_is_refused_by_name():
    result = manage("check", DATABASE_REPLICA_PIN_SECONDS="ten")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_PIN_SECONDS must be a whole number, at least 0, not 'ten'" in result.stderr


def test_a_replica_must_be_postgresql_too():
    result = manage(
        "check",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/closeknit",
        DATABASE_REPLICA_URLS="sqlite:///elsewhere.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS: replica 1 is not a PostgreSQL URL" in result.stderr


def _ok():
    return HttpResponse()


# A real streaming replica of the test server.


@pytest.fixture
def streaming_replica(transactional_db, settings):
    """A hot standby of the test server, known to Django as ``replica1`` and used by the router."""
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are PostgreSQL's: this runs in the PostgreSQL pass")
    directory, port = tempfile.mkdtemp(prefix="closeknit-replica-"), free_port()
    started = subprocess.run(
        [SCRIPT, "start", directory, str(port)], capture_output=True, text=True, timeout=300
    )
    if started.returncode == 3:
        shutil.rmtree(directory, ignore_errors=True)
        pytest.skip(f"cannot start a streaming replica here: {started.stderr.strip()}")
    assert started.returncode == 0, started.stderr
    # Made here rather than in settings: a connection Django's test case did not know of is one it
    # allows, and it must never flush a standby.
    replica = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
        {**connection.settings_dict, "PORT": port}, "replica1"
    )
    connections["replica1"] = replica
    settings.DATABASE_REPLICAS = ["replica1"]
    try:
        yield replica
    finally:
        replica.close()
        del connections["replica1"]
        subprocess.run([SCRIPT, "stop", directory], capture_output=True, timeout=120)
        shutil.rmtree(directory, ignore_errors=True)


def _on_replica(replica, sql, params=()):
    with replica.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _wait_for(replica, listing, last_checked):
    """Until the replica has replayed the primary's change (streaming takes milliseconds)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = _on_replica(replica, "SELECT last_checked FROM directory_service WHERE id = %s", [listing.pk])
        if row and row[0] == last_checked:
            return
        time.sleep(0.05)
    pytest.fail("the replica did not catch up within a minute")


def test_stale_reads_go_to_the_replica_writes_to_the_primary_and_a_writer_reads_its_own_change(
    streaming_replica, client, make_user
):
    replica = streaming_replica
    assert _on_replica(replica, "SELECT pg_is_in_recovery()") == (True,)
    long_ago = timezone.localdate() - timedelta(days=400)
    organisation = OrganisationFactory(name="Stretford Neighbours")
    listing = ServiceFactory(name="Stretford lunch club", provider__owner=organisation, owner=organisation)
    Service.objects.filter(pk=listing.pk).update(last_checked=long_ago)
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=organisation)
    _wait_for(replica, listing, long_ago)
    page = reverse("directory:listing", args=[listing.pk])
    feed = reverse("oruk:service", args=[listing.pk])

    # A member of the public: the listing page and the feed are read from the replica.
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
        assert client.get(page).status_code == 200
        assert client.get(feed).status_code == 200
    assert any("directory_service" in q["sql"] for q in on_replica.captured_queries)
    assert not any("directory_service" in q["sql"] for q in on_primary.captured_queries)

    # The replica stops replaying, so it is behind; the editor marks the listing as still right.
    _on_replica(replica, "SELECT pg_wal_replay_pause()")
    try:
        editor_client = client.__class__()
        sign_in(editor_client, editor)
        response = editor_client.post(reverse("directory:listing_checked", args=[listing.pk]))
        assert response.status_code == 302 and replicas.COOKIE in response.cookies
        listing.refresh_from_db()
        assert listing.last_checked == timezone.localdate()  # written to the primary

        today = timezone.localdate().strftime("%-d %B %Y")
        # The editor's next page reads the primary and shows the change…
        assert f"Last checked {today}" in editor_client.get(page).text
        # …while the public, reading the replica that is behind, still sees the old date (once the
        # page the editor's visit kept in the cache is gone: the cache is for another test).
        cache.clear()
        assert f"Not checked since {long_ago.strftime('%-d %B %Y')}" in client.get(page).text
        # Without the cookie the editor would read the replica too: it is the cookie that pins.
        del editor_client.cookies[replicas.COOKIE]
        cache.clear()
        assert "Not checked since" in editor_client.get(page).text
    finally:
        _on_replica(replica, "SELECT pg_wal_replay_resume()")
    _wait_for(replica, listing, timezone.localdate())
    cache.clear()
    assert f"Last checked {today}" in client.get(page).text
