"""`make lint` fails on an upward import and on a naive datetime, with the project's own rules.

The import check runs the project's import-linter contract over the real packages, with ``common``
replaced by a copy holding one probe module; the datetime check runs ruff with the project's
configuration on a probe file. Each takes a few seconds."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = [
    "closeknit", "outcomes", "neighbourhoods", "matching", "volunteering", "lending", "transport", "timebank",
    "people", "directory", "places", "accounts",
]  # fmt: skip


def lint_imports_with(tmp_path: Path, probe: str) -> subprocess.CompletedProcess[str]:
    """The project's contract, over the real apps and a ``common`` that also holds ``probe``."""
    for name in PACKAGES:
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "common", tmp_path / "common", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "common" / "probe.py").write_text(probe)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "probe",
    ["from accounts.models import User\n", "def later():\n    import closeknit.navigation\n"],
    ids=["at the top", "inside a function"],
)
def test_an_upward_import_breaks_the_contract(tmp_path, probe):
    result = lint_imports_with(tmp_path, probe)
    assert result.returncode != 0, result.stdout
    assert "common.probe" in result.stdout and "BROKEN" in result.stdout


def test_the_shared_helpers_as_they_are_keep_the_contract(tmp_path):
    result = lint_imports_with(tmp_path, "from common.dates import sensible_date\n")
    assert result.returncode == 0, result.stdout + result.stderr


def ruff_on(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    return subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(probe)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("from datetime import datetime\n\nSTARTED = datetime.now()\n", "DTZ005"),
        ("import datetime\n\nSTARTED = datetime.datetime.utcnow()\n", "TID251"),
    ],
)
def test_a_naive_datetime_fails_ruff(tmp_path, source, rule):
    result = ruff_on(tmp_path, source)
    assert result.returncode != 0
    assert rule in result.stdout


def test_an_aware_datetime_passes_ruff(tmp_path):
    source = "from datetime import UTC, datetime\n\nSTARTED = datetime.now(tz=UTC)\n"
    result = ruff_on(tmp_path, source)
    assert result.returncode == 0, result.stdout
