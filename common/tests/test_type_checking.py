"""`make lint` runs mypy: a module of a checked package with an untyped def or a wrong type fails it.

Each case checks one small module of its own, written to a temporary ``common`` package, with the
project's mypy configuration (the django-stubs plugin included) and a fresh cache: about a second."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TYPED = """
def double(n: int) -> int:
    return n * 2
"""
UNTYPED = """
def double(n):
    return n * 2
"""
WRONG_TYPE = """
def double(n: int) -> int:
    return str(n * 2)
"""


def run_mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "common"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe.py").write_text(source)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "common/probe.py",
        ],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_typed_module_passes(tmp_path):
    result = run_mypy(tmp_path, TYPED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (UNTYPED, "common/probe.py:2: error: Function is missing a type annotation  [no-untyped-def]"),
        (WRONG_TYPE, "common/probe.py:3: error: Incompatible return value type"),
    ],
    ids=["untyped-def", "wrong-type"],
)
def test_an_untyped_def_or_a_wrong_type_fails(tmp_path, source, error):
    result = run_mypy(tmp_path, source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert error in result.stdout


def test_make_lint_runs_mypy():
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert lint is not None
    assert "\t$(BIN)/mypy\n" in lint[1]
