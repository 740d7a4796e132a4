"""Shared set-up for benchmarks: a throwaway database and timing helpers."""

from __future__ import annotations

import atexit
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_scratch_database() -> Path:
    """Configure Django on a new SQLite file (or DATABASE_URL when set) and migrate it."""
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="closeknit-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # a scratch database can be gigabytes
    scratch = folder / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeknit.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return scratch


def percentiles(run: Callable[[], object], repeats: int) -> dict[str, float]:
    """Milliseconds at p50 and p95 over ``repeats`` calls, after a warm-up."""
    for _ in range(min(20, repeats)):
        run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def machine() -> str:
    from django.db import connection

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {connection.vendor}"
    )
