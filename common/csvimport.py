"""Read published CSV files by header name, with errors that say where.

Official files (ONS Postcode Directory, IoD2019, Open Referral exports) change
column order between releases and differ between products, so importers name
the columns they want by their possible headers and never by position. Every
problem is an ``ImportFileError`` naming the file, line and column, which the
management commands print as one line.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


class ImportFileError(Exception):
    """A problem in an input file, located to the line and column."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, column: str | None = None):
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path.name]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.problem}"


@contextmanager
def refusals_logged(logger: logging.Logger, what: str) -> Iterator[None]:
    """Log a WARNING when the import inside (or the function decorated) refuses its file.

    Only the line and the column are logged: the problem's text quotes the row's value, which may
    be about a person, so it goes to the operator's screen and never to the log."""
    try:
        yield
    except ImportFileError as error:
        logger.warning(
            "Refused the %s import at line %s, column %s: nothing was imported",
            what,
            error.line if error.line is not None else "-",
            error.column or "-",
        )
        raise


def _header_key(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lstrip("\ufeff")).casefold()


@dataclass(frozen=True)
class Column:
    """A column an importer wants, known by any of several published header names.

    ``prefix`` matches headers that start with a name, for publishers that add
    a qualifier ("IMD Rank (where 1 is most deprived)").
    """

    key: str
    headers: tuple[str, ...]
    required: bool = True
    prefix: bool = False

    def find(self, headers: list[str]) -> str | None:
        keyed = {_header_key(h): h for h in headers}
        for name in self.headers:
            if _header_key(name) in keyed:
                return keyed[_header_key(name)]
        if self.prefix:
            for name in self.headers:
                for key, original in keyed.items():
                    if key.startswith(_header_key(name)):
                        return original
        return None


@dataclass
class Row:
    """One data row; values are read by column key and parsed with located errors."""

    path: Path
    line: int
    values: dict[str, str]
    headers: dict[str, str] = field(repr=False)

    def _error(self, key: str, problem: str) -> ImportFileError:
        return ImportFileError(self.path, problem, line=self.line, column=self.headers.get(key, key))

    def text(self, key: str) -> str:
        return (self.values.get(key) or "").strip()

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise self._error(key, "is empty but a value is needed")
        return value

    def number(self, key: str, *, minimum: float | None = None, maximum: float | None = None) -> float | None:
        value = self.text(key).replace(",", "")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self._error(key, f"{self.text(key)!r} is not a number") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._error(key, f"{self.text(key)!r} is outside {minimum} to {maximum}")
        return number

    def whole_number(self, key: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self.text(key).replace(",", "")
        if not value:
            return None
        if not re.fullmatch(r"-?\d+", value):
            raise self._error(key, f"{self.text(key)!r} is not a whole number")
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._error(key, f"{self.text(key)!r} is outside {minimum} to {maximum}")
        return number

    def month(self, key: str) -> date | None:
        """A month written YYYYMM (as ONS writes introduction and termination dates)."""
        value = self.text(key)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})(\d{2})", value)
        if not match or not 1 <= int(match[2]) <= 12:
            raise self._error(key, f"{value!r} is not a month written as YYYYMM")
        return date(int(match[1]), int(match[2]), 1)

    def matching(self, key: str, pattern: re.Pattern[str], description: str) -> str:
        value = self.text(key)
        if value and not pattern.fullmatch(value):
            raise self._error(key, f"{value!r} is not {description}")
        return value

    def fail(self, key: str, problem: str) -> ImportFileError:
        """An error about this row's value in ``key``, for checks the importer makes itself."""
        return self._error(key, problem)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by read_rows


def read_rows(path: Path | str, columns: list[Column]) -> Iterator[Row]:
    """Yield each data row of a CSV (optionally gzipped), columns found by header name.

    Raises ``ImportFileError`` for a missing file or required column, a
    malformed line, or text that is not UTF-8.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, "no such file")
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            try:
                headers = next(reader)
            except StopIteration:
                raise ImportFileError(path, "the file is empty; a header row is needed") from None
            found: dict[str, str] = {}
            for column in columns:
                header = column.find(headers)
                if header is not None:
                    found[column.key] = header
                elif column.required:
                    names = " or ".join(repr(h) for h in column.headers)
                    raise ImportFileError(path, f"no column headed {names}", line=1)
            positions = {key: headers.index(header) for key, header in found.items()}
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(headers):
                    raise ImportFileError(
                        path,
                        f"has {len(record)} fields but the header has {len(headers)}",
                        line=reader.line_num,
                    )
                yield Row(
                    path=path,
                    line=reader.line_num,
                    values={key: record[index] for key, index in positions.items()},
                    headers=found,
                )
        except csv.Error as error:
            raise ImportFileError(path, f"is not valid CSV ({error})", line=reader.line_num) from None
        except UnicodeDecodeError:
            raise ImportFileError(
                path, "is not UTF-8 text; save the file as UTF-8 CSV", line=reader.line_num + 1
            ) from None
        except (OSError, EOFError) as error:
            raise ImportFileError(path, f"could not be read ({error})") from None
