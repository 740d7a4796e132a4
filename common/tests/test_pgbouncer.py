"""Closeknit behind a real PgBouncer in transaction mode (scripts/pgbouncer.sh), with the settings
docs/operations.md ("Scaling out", PgBouncer) gives. Every test here shares one server connection
among all its clients (a pool of one), so state one client left on a connection, another would meet.
PostgreSQL pass only; skips with its reason where PgBouncer cannot start."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import threading
from datetime import date

import psycopg
import pytest
from django.db import connection, connections
from django.db.utils import ProgrammingError, load_backend
from django.urls import reverse
from django_tasks import TaskResultStatus

from accounts.models import Role
from closeknit.tests.test_settings import ROOT, manage
from common.testing import free_port, sign_in
from directory import fulltext
from directory.models import Service
from directory.reminders import send_review_reminders_task
from directory.tests.factories import LocationFactory, ServiceFactory
from people.models import Person
from people.tests.test_casework import new_person
from places.tests.factories import PostcodeFactory

SCRIPT = ROOT / "scripts" / "pgbouncer.sh"
PSQL = shutil.which("psql") or "psql"


@pytest.fixture
def start_pgbouncer(transactional_db):
    """Starts a PgBouncer pooling the test database in transaction mode with ``pool_size`` server
    connections, and returns its port. The tests' data is committed (``transactional_db``), as a
    pool needs."""
    if connection.vendor != "postgresql":
        pytest.skip("PgBouncer pools PostgreSQL: this runs in the PostgreSQL pass")
    directories = []

    def start(pool_size: int = 1) -> int:
        directory, port = tempfile.mkdtemp(prefix="closeknit-pgbouncer-"), free_port()
        directories.append(directory)
        started = subprocess.run(
            [SCRIPT, "start", directory, str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "POOL_SIZE": str(pool_size), **_server()},
        )
        if started.returncode == 3:
            pytest.skip(f"cannot start PgBouncer here: {started.stderr.strip()}")
        assert started.returncode == 0, started.stderr
        return port

    yield start
    for directory in directories:
        subprocess.run([SCRIPT, "stop", directory], capture_output=True, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def pgbouncer(start_pgbouncer) -> int:
    """The port of a PgBouncer whose clients all share one server connection."""
    return start_pgbouncer(pool_size=1)


def _server() -> dict[str, str]:
    """The test server PgBouncer pools, as the test database's settings name it."""
    settings = connection.settings_dict
    return {
        "SERVER_HOST": settings["HOST"] or "127.0.0.1",
        "SERVER_PORT": str(settings["PORT"] or 5432),
        "SERVER_USER": settings["USER"] or "postgres",
        "SERVER_PASSWORD": settings["PASSWORD"] or "",
    }


def _through(port: int, alias: str, **settings):
    """A Django connection to the test database through PgBouncer, with the settings given."""
    return load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
        {**connection.settings_dict, "PORT": port, **settings}, alias
    )


@pytest.fixture
def default_through_pgbouncer(pgbouncer):
    """The default connection (every page, service and selector) goes through PgBouncer, with
    server-side cursors off as docs/operations.md says."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(PORT=pgbouncer, DISABLE_SERVER_SIDE_CURSORS=True)
    try:
        yield pgbouncer
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _queries_through(port: int) -> int:
    """How many queries PgBouncer has passed to the test database (its admin console, which speaks
    only the simple query protocol: psql's)."""
    stats = subprocess.run(
        [
            PSQL,
            "-X",
            "--csv",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            _server()["SERVER_USER"],
            "-d",
            "pgbouncer",
        ]
        + ["-c", "SHOW STATS"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(stats.stdout)))
    return sum(
        int(row["total_query_count"]) for row in rows if row["database"] == connection.settings_dict["NAME"]
    )


def test_searching_signing_in_and_recording_a_person_work_through_pgbouncer(
    default_through_pgbouncer, client, make_user
):
    from accounts.tests.factories import TeamFactory

    port = default_through_pgbouncer
    PostcodeFactory(postcode="M33 7ZZ", latitude=53.42, longitude=-2.31)
    PostcodeFactory(postcode="M32 0TH")
    hall = LocationFactory(name="Sale Moor Hall", city="Sale", latitude=53.421, longitude=-2.311)
    lunch = ServiceFactory(name="Lunch club", description="A hot meal", at=[hall])
    ServiceFactory(name="Choir", description="Sing", at=[hall])
    fulltext.index_services(Service.objects.all())
    team = TeamFactory()
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    before = _queries_through(port)

    # The public: a search by words and place (the search's own SQL), a listing, the feed.
    found = client.get(reverse("directory:search"), {"q": "lunch", "postcode": "M33 7ZZ", "miles": "3"})
    assert found.status_code == 200 and "Lunch club" in found.text and "Choir" not in found.text
    assert client.get(reverse("directory:listing", args=[lunch.pk])).status_code == 200
    assert client.get(reverse("oruk:services")).json()["total_items"] == 2

    # A coordinator: signed in with a second factor (the session is written and read back), then a
    # new person recorded with their consent in one transaction.
    sign_in(client, coordinator)
    assert client.get(reverse("people:caseload")).status_code == 200
    response = client.post(reverse("people:add_person"), new_person(team, coordinator))
    person = Person.objects.get(full_name="Cyril Ashworth")
    assert response.status_code == 302 and response["Location"] == reverse("people:person", args=[person.pk])
    assert person.consents.count() == 1
    assert "Cyril Ashworth" in client.get(response["Location"]).text
    # All of that went through PgBouncer, not around it.
    assert _queries_through(port) - before > 20


def _interleaved(reader, other) -> list:
    """``reader`` reads 30 listings in chunks of 5; after the first chunk ``other`` begins a
    transaction, which takes the server connection the reader began on (PgBouncer hands out the one
    used last), so any statement the reader still sends runs on the pool's other server connection."""
    seen = []
    rows = Service.objects.using(reader.alias).order_by("name").iterator(chunk_size=5)
    with other.cursor() as held:
        try:
            for number, listing in enumerate(rows):
                seen.append(listing.name)
                if number == 4:
                    held.execute("BEGIN")
                    held.execute("SELECT 1")
        finally:
            held.execute("ROLLBACK")
    return seen


@pytest.fixture
def two_clients(start_pgbouncer):
    """Two Django connections through one PgBouncer, with the settings given."""
    made = []

    def through(pool_size: int, **settings):
        port = start_pgbouncer(pool_size=pool_size)
        for alias in (f"bouncer{len(made)}", f"bouncer{len(made) + 1}"):
            made.append(alias)
            connections[alias] = _through(port, alias, **settings)
        return connections[made[-2]], connections[made[-1]]

    yield through
    for alias in made:
        connections[alias].close()
        del connections[alias]


def test_reading_in_chunks_needs_server_side_cursors_off_and_works_with_them_off(two_clients):
    ServiceFactory.create_batch(30)
    names = list(Service.objects.order_by("name").values_list("name", flat=True))

    # With them on (Django's default), the cursor declared on one server connection is not there
    # when the next chunk is fetched on the other: the failure docs/operations.md warns of.
    with pytest.raises(psycopg.errors.InvalidCursorName, match="does not exist"):
        _interleaved(*two_clients(pool_size=2, DISABLE_SERVER_SIDE_CURSORS=False))

    assert _interleaved(*two_clients(pool_size=2, DISABLE_SERVER_SIDE_CURSORS=True)) == names


def _same_query_by_turns(first, second) -> None:
    """The same query, from two clients by turns, more times than psycopg waits before preparing it."""
    for _ in range(8):
        for client in (first, second):
            assert Service.objects.using(client.alias).filter(name__startswith="L").count() == 1


def test_no_prepared_statements_are_left_on_a_shared_server_connection(two_clients):
    ServiceFactory(name="Lunch club")
    # Django's default: psycopg prepares nothing on the server (Django sets its prepare_threshold to
    # None), so one client's statements are never in another's way.
    _same_query_by_turns(*two_clients(pool_size=1))
    # Were it to prepare a query run five times, under a name the other client's psycopg picks too,
    # on the one server connection they share, the second would fail: why that default matters.
    with pytest.raises(ProgrammingError, match='prepared statement "_pg3_0" already exists'):
        _same_query_by_turns(
            *two_clients(pool_size=1, OPTIONS={"server_side_binding": True, "prepare_threshold": 5})
        )


def test_the_task_worker_runs_tasks_through_pgbouncer(pgbouncer):
    result = send_review_reminders_task.enqueue(date(2026, 12, 4).isoformat(), "")
    settings = connection.settings_dict
    worker = manage(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        DATABASE_URL=f"postgres://{settings['USER']}:{settings['PASSWORD']}@127.0.0.1:{pgbouncer}/{settings['NAME']}",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="true",
    )
    assert worker.returncode == 0, worker.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_many_clients_at_once_share_the_one_server_connection(default_through_pgbouncer):
    """Eight threads, each its own Django connection, each writing and reading back its own row
    through the same server connection: each sees only its own."""
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for turn in range(5):
                listing = ServiceFactory(name=f"Club {number}-{turn}")
                assert Service.objects.get(pk=listing.pk).name == f"Club {number}-{turn}"
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert Service.objects.count() == 40
