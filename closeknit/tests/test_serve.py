"""`manage.py serve` runs the web server, the task worker and the schedule together, for real."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from common.testing import free_port

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def get_health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=15) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """A migrated SQLite file database of its own, shared by this module's tests."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('serve') / 'serve.sqlite3'}",
        "WEB_CONCURRENCY": "2",
        "DJANGO_SETTINGS_MODULE": "closeknit.settings",
    }
    env.pop("CLOSEKNIT_ENV", None)
    subprocess.run([sys.executable, MANAGE, "migrate", "--no-input", "-v0"], env=env, check=True, timeout=300)
    return env


def start(env, port, *extra):
    return subprocess.Popen(
        [sys.executable, MANAGE, "serve", "--bind", f"127.0.0.1:{port}", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the test can clean up everything if an assertion fails
    )


def wait_for_health(server, port) -> tuple[int, dict]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read()
        try:
            return get_health(port)
        except (ConnectionError, TimeoutError, urllib.error.URLError):
            # Refused while gunicorn binds; a timeout while a worker boots Django on a busy machine.
            time.sleep(0.3)
    pytest.fail("/health/ never answered")


def test_serve_answers_health_and_sigterm_stops_every_process_it_started(site_env):
    port = free_port()
    server = start(site_env, port)
    try:
        status, report = wait_for_health(server, port)
        assert status == 200 and report["database"] == "ok" and report["tasks"] == "ok"
        deadline = time.monotonic() + 30
        while True:  # until both web workers have booted
            children = descendants(server.pid)
            lines = [command_line(pid) for pid in children]
            if sum("gunicorn" in line for line in lines) == 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert sum("gunicorn" in line for line in lines) == 3  # the master and WEB_CONCURRENCY=2
        assert any("db_worker" in line for line in lines)
        assert any("run_schedule" in line for line in lines)

        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
        assert server.returncode == 0, output
        assert "stopped on SIGTERM" in output
        assert not [pid for pid in children if alive(pid)]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_stops_everything_and_fails_when_one_process_dies(site_env):
    port = free_port()
    server = start(site_env, port)
    try:
        wait_for_health(server, port)
        children = descendants(server.pid)
        worker = next(pid for pid in children if "db_worker" in command_line(pid))
        os.kill(worker, signal.SIGKILL)
        output, _ = server.communicate(timeout=60)
        assert server.returncode != 0
        assert "tasks stopped" in output
        assert not [pid for pid in children if alive(pid)]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
