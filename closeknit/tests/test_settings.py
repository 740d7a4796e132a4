"""Production settings refuse unsafe configuration, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def manage(*args, **env):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLOSEKNIT_", "DATABASE_URL"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        # A guard against a hang, not a speed check: a migrate from nothing takes a minute on a
        # busy two-core machine running another test process beside it (make test's -n 2).
        timeout=600,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", CLOSEKNIT_ENV="production", DJANGO_ALLOWED_HOSTS="closeknit.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = manage(
        "check",
        CLOSEKNIT_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="closeknit.example",
        DJANGO_DEBUG="true",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", CLOSEKNIT_ENV="production", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the site's host" in result.stderr


def test_unclear_boolean_is_refused_by_name():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG must be true or false, not 'maybe'" in result.stderr


def test_deployment_checks_are_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CLOSEKNIT_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="closeknit.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "url, engine",
    [
        ("postgres://closeknit@db.internal:5432/closeknit", "django.db.backends.postgresql"),
        ("sqlite:////tmp/closeknit.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_chooses_the_database(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage("shell", "-c", code, DATABASE_URL=url)
    assert result.stdout.strip().splitlines()[-1] == engine, result.stderr


@pytest.mark.parametrize(
    "url, max_age, kept",
    [
        # SQLite keeps each process's connection: opening one per request costs 2-3 ms of CPU.
        ("sqlite:////tmp/closeknit.sqlite3", "", "None"),
        ("postgres://closeknit@db.internal:5432/closeknit", "", "0"),
        ("sqlite:////tmp/closeknit.sqlite3", "0", "0"),
        ("postgres://closeknit@db.internal:5432/closeknit", "60", "60"),
    ],
)
def test_how_long_a_database_connection_is_kept(url, max_age, kept):
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = manage("shell", "-c", code, DATABASE_URL=url, DATABASE_CONN_MAX_AGE=max_age)
    assert result.stdout.strip().splitlines()[-1] == kept, result.stderr


@pytest.mark.parametrize("value, disabled", [("", "False"), ("true", "True"), ("false", "False")])
def test_server_side_cursors_can_be_turned_off_for_pgbouncer(value, disabled):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], "
        "settings.DATABASES['replica1']['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://closeknit@db.internal:5432/closeknit",
        DATABASE_REPLICA_URLS="postgres://closeknit@replica.internal:5432/closeknit",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS=value,
    )
    assert result.stdout.strip().splitlines()[-1] == f"{disabled} {disabled}", result.stderr


def test_a_mistyped_server_side_cursors_setting_is_refused_by_name():
    result = manage("check", DATABASE_DISABLE_SERVER_SIDE_CURSORS="sometimes")
    assert result.returncode != 0
    assert "DATABASE_DISABLE_SERVER_SIDE_CURSORS must be true or false" in result.stderr


def test_every_app_of_ours_is_packaged_and_in_the_layers():
    """An app left out of the package list is missing from an installed wheel; one left out of
    import-linter's root packages escapes the layer rules."""
    import tomllib

    from django.conf import settings

    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "__init__.py").exists()]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = project["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = {pattern.rstrip("*") for pattern in found}
    layered = set(project["tool"]["importlinter"]["root_packages"])
    assert len(ours) > 10
    assert [app for app in ours if app not in packaged] == []
    assert [app for app in ours if app not in layered] == []


def test_blas_threads_must_be_a_whole_number():
    result = manage("check", MATCHING_BLAS_THREADS="two")
    assert result.returncode != 0
    assert "MATCHING_BLAS_THREADS must be a whole number, 1 or more, not 'two'" in result.stderr
    assert manage("check", MATCHING_BLAS_THREADS="2").returncode == 0
