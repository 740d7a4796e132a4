"""Benchmark: the public pages under load, served as in production.

Loads the demo district (seed_demo) into a scratch database (SQLite, or DATABASE_URL when set),
collects the static files into a scratch folder, and starts gunicorn with 4 workers on a free
loopback port with production settings (CLOSEKNIT_ENV=production, DEBUG off, whitenoise for the
static files) and a bench-only URLconf that adds a bare Django view (bench/_pages_urls.py).
Then, for each page in turn, 8 clients each send one request, wait for the whole answer and send
the next (a closed loop: nothing queues in the generator) for a warm-up and then a measured
window, and the requests a second, p50 and p95 latency and errors (any answer but 200) are
reported beside the same run's floor: a static file (whitenoise) and the bare view (Django's
middleware and nothing else).

The generator runs on the same machine as the server; its own CPU time is measured and reported
(as a share of the machine's cores) beside the server's.

Run with `make bench`. BENCH_SECONDS (default 10), BENCH_WARMUP (2), BENCH_CLIENTS (8) and
BENCH_WORKERS (4) change the run; BENCH_ONLY=home,search runs some pages only; BENCH_STATIC=<folder>
keeps the collected static files there between runs. With REDIS_URL set the server keeps the
directory's reads in that Redis (as production does); BENCH_KEPT=off keeps nothing (every request a
cache miss).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from _setup import ROOT, django_with_scratch_database, machine

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
ONLY = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
# The targets for every public page, at 8 concurrent clients on 2 cores.
TARGET_RPS = 150
TARGET_P95_MS = 100
HOME_WITHIN_BARE = 2  # home's requests a second at least half the bare view's

django_with_scratch_database()

from django.core.management import call_command  # noqa: E402

from directory.models import ListingStatus, Location, Service  # noqa: E402

BENCH = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    path: str
    times: list[float] = field(default_factory=list)  # seconds, requests finished in the window
    errors: dict[int, int] = field(default_factory=dict)  # status (0: no answer) -> count
    seconds: float = 0.0
    client_cpu: float = 0.0  # CPU seconds the generator used in the window
    server_cpu: float = 0.0  # CPU seconds gunicorn's workers used in the window
    size: int = 0

    @property
    def rps(self) -> float:
        return len(self.times) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(static_root: Path) -> dict[str, str]:
    """Production settings (docs/operations.md) for the scratch database and static folder."""
    return {
        **os.environ,
        "CLOSEKNIT_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "_pages_settings",
        "BENCH_STATIC_ROOT": str(static_root),
        # The project first: bench/directory.py and bench/places.py would hide the apps of those names.
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
        "LOG_LEVEL": "WARNING",
    }


def worker_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by the gunicorn master's worker processes."""
    total = 0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in [str(master), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


HEADERS = {
    "Host": "127.0.0.1",
    # As behind the HTTPS proxy production stands behind (SECURE_PROXY_SSL_HEADER): otherwise
    # every page is a redirect to https.
    "X-Forwarded-Proto": "https",
    "Accept-Encoding": "gzip",
    "User-Agent": "closeknit-bench",
}


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers=HEADERS)
    response = conn.getresponse()
    return response.status, response.read()


def load(port: int, master: int, result: Result) -> None:
    """CLIENTS threads in a closed loop for WARMUP + SECONDS; only requests that finish inside the
    measured window are counted."""
    start = time.perf_counter()
    window = (start + WARMUP, start + WARMUP + SECONDS)
    per_client: list[list[tuple[float, float, int]]] = [[] for _ in range(CLIENTS)]

    def client(done: list[tuple[float, float, int]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            began = time.perf_counter()
            if began >= window[1]:
                break
            try:
                status, _ = fetch(conn, result.path)
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            ended = time.perf_counter()
            done.append((ended, ended - began, status))
        conn.close()

    threads = [threading.Thread(target=client, args=(done,)) for done in per_client]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    cpu_before, server_before = time.process_time(), worker_cpu(master)
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    cpu_after, server_after = time.process_time(), worker_cpu(master)
    for thread in threads:
        thread.join()
    result.seconds = SECONDS
    result.client_cpu = cpu_after - cpu_before
    result.server_cpu = server_after - server_before
    for done in per_client:
        for ended, took, status in done:
            if window[0] <= ended <= window[1]:
                if status == 200:
                    result.times.append(took)
                else:
                    result.errors[status] = result.errors.get(status, 0) + 1


def targets() -> list[Result]:
    listing = Service.objects.filter(status="active", listing_status=ListingStatus.PUBLISHED).order_by("name")
    listing = listing.first() or Service.objects.order_by("name").first()
    # A venue's real postcode in the demo district, as a resident types it.
    postcode = (
        Location.objects.exclude(postal_code="")
        .order_by("postal_code")
        .values_list("postal_code", flat=True)[0]
    )
    return [
        Result("static file (CSS, whitenoise)", ""),  # filled in once collected
        Result("bare Django view (floor)", "/bench/bare/"),
        Result("home", "/"),
        Result(
            "directory search: words + postcode",
            f"/directory/?q=walking&postcode={postcode.replace(' ', '+')}",
        ),
        Result("listing page", f"/directory/listings/{listing.pk}/"),
        Result("ORUK /oruk/services", "/oruk/services"),
    ]


def main() -> int:
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"demo district loaded in {time.perf_counter() - started:.0f} s", flush=True)
    pages = targets()
    names = ["static", "bare", "home", "search", "listing", "oruk"]
    if ONLY:
        pages = [page for name, page in zip(names, pages, strict=True) if name in ONLY]

    # BENCH_STATIC names a folder to keep the collected files in between runs (collecting and
    # compressing them takes minutes on a busy machine); by default a scratch folder.
    kept = os.environ.get("BENCH_STATIC")
    static_root = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="closeknit-bench-static-"))
    env = server_environment(static_root)
    manage = [sys.executable, str(ROOT / "manage.py")]
    # The production settings must pass their own checks; then the static files, as `make serve` does.
    subprocess.run(  # noqa: S603 - our own commands, no shell
        [*manage, "check", "--deploy", "--fail-level", "ERROR"], env=env, check=True, capture_output=True
    )
    if not (kept and (static_root / "staticfiles.json").exists()):
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)  # noqa: S603
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for page in pages:
        if page.path == "":
            page.path = "/static/" + manifest["closeknit/css/closeknit.css"]

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [
            sys.executable,
            "-m",
            "gunicorn",
            "closeknit.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--error-logfile",
            "-",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/bench/bare/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        for page in pages:
            status, body = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=30), page.path)
            if status != 200:
                raise SystemExit(f"{page.name}: {page.path} answered {status}, not 200")
            page.size = len(body)
            load(port, server.pid, page)
            print(f"  {page.name}: {page.rps:.0f} a second", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        if not kept:
            shutil.rmtree(static_root, ignore_errors=True)

    cores = os.cpu_count() or 1
    print()
    keeping = (
        "nothing kept"
        if os.environ.get("BENCH_KEPT") == "off"
        else "kept in " + ("Redis" if os.environ.get("REDIS_URL") else "each worker's memory")
    )
    print(
        f"{machine()}; gunicorn {WORKERS} sync workers; {CLIENTS} clients; {keeping}; "
        f"{WARMUP:g} s warm-up, {SECONDS:g} s measured per page; load {os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        "| page | requests a second | p50 ms | p95 ms | errors | bytes | server CPU | CPU ms a request "
        "| generator CPU | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    bare = next((p for p in pages if p.path == "/bench/bare/"), None)
    for page in pages:
        errors = sum(page.errors.values())
        if page.path.startswith(("/static/", "/bench/")):
            verdict = "(floor)"
        else:
            met = page.rps >= TARGET_RPS and page.percentile(0.95) <= TARGET_P95_MS and not errors
            if page.path == "/" and bare is not None:
                met = met and page.rps * HOME_WITHIN_BARE >= bare.rps
            verdict = "met" if met else "**not met**"
        print(
            f"| {page.name} | {page.rps:.0f} | {page.percentile(0.5):.1f} | {page.percentile(0.95):.1f} | "
            f"{errors}{' ' + str(page.errors) if errors else ''} | {page.size:,} | "
            f"{page.server_cpu / page.seconds / cores:.0%} | "
            f"{page.server_cpu * 1000 / max(1, len(page.times) + errors):.1f} | "
            f"{page.client_cpu / page.seconds / cores:.0%} | "
            f"{verdict} |"
        )
    print()
    print(
        f"Targets: every public page >= {TARGET_RPS} requests a second with p95 <= {TARGET_P95_MS} ms; "
        f"home within {HOME_WITHIN_BARE}x of the bare view. CPU shares are of all {cores} cores; "
        f"{TARGET_RPS} requests a second leave each request at most "
        f"{cores * 1000 / TARGET_RPS:.1f} ms of CPU, less what the generator takes."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
