"""Imports of published geography files.

Each import reads the official layout by header name, streams the file, runs in
one transaction (a bad line anywhere means nothing is written) and can be run
again with the same or a newer file: rows are upserted by their ONS code.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from common.csvimport import Column, ImportFileError, Row, read_rows, refusals_logged

from .models import LSOA, DistrictSummary, LocalAuthority, Neighbourhood, Postcode, Ward
from .selectors import PostcodeError, district_overview, normalise_postcode

logger = logging.getLogger(__name__)

_M = TypeVar("_M", bound=models.Model)

BATCH_SIZE = 2000
_GSS_CODE = re.compile(r"[EWSNLM]\d{8}")
# ONS writes a code of all nines for "no such area" (e.g. E99999999).
_PSEUDO_CODE = re.compile(r"[EWSNLM]99999999")

Progress = Callable[[int], None]


def refresh_district_summary() -> DistrictSummary:
    """Compute the district's figures and store them for the district page, which never computes
    them on a visit. Every geography import calls this inside its transaction, so the stored
    figures always match the rows they were counted from."""
    summary, _ = DistrictSummary.objects.update_or_create(
        pk=1, defaults={"figures": district_overview(), "computed_at": timezone.now()}
    )
    return summary


@dataclass
class ImportReport:
    """What an import did, for the command to print."""

    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


POSTCODE_COLUMNS = [
    Column("postcode", ("pcds", "postcode", "pcd", "pcd2")),
    Column("latitude", ("lat", "latitude")),
    Column("longitude", ("long", "lon", "longitude", "lng")),
    Column("lsoa_code", ("lsoa21", "lsoa21cd", "lsoa11", "lsoa11cd", "lsoa_code", "lsoa")),
    Column("lsoa_name", ("lsoa_name", "lsoa21nm", "lsoa11nm"), required=False),
    Column("ward_code", ("osward", "ward", "ward_code", "wd23cd", "wd24cd", "wd25cd")),
    Column("ward_name", ("ward_name", "wd23nm", "wd24nm", "wd25nm"), required=False),
    Column("la_code", ("oslaua", "laua", "la_code", "lad23cd", "lad24cd", "lad25cd")),
    Column("la_name", ("la_name", "lad23nm", "lad24nm", "lad25nm"), required=False),
    Column("terminated", ("doterm",), required=False),
]


def _area_code(row: Row, key: str) -> str:
    code = row.matching(key, _GSS_CODE, "an ONS area code like E01006112")
    return "" if _PSEUDO_CODE.fullmatch(code or "") else code


def _upsert(model: type[_M], rows: Iterable[_M], unique: str, update: list[str]) -> None:
    rows = list(rows)
    if not rows:
        return
    if update:
        model._default_manager.bulk_create(
            rows, update_conflicts=True, unique_fields=[unique], update_fields=update, batch_size=500
        )
    else:
        model._default_manager.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class _AreaCollector:
    """Collects the local authorities, wards and LSOAs a batch of postcodes points at.

    Names are written only when the file gives them, so importing ONSPD (codes
    only) after a file with names never blanks a name out.
    """

    def __init__(self) -> None:
        self.authorities: dict[str, str] = {}
        self.wards: dict[str, tuple[str, str]] = {}
        self.lsoas: dict[str, tuple[str, str]] = {}

    def clear(self) -> None:
        self.authorities.clear()
        self.wards.clear()
        self.lsoas.clear()

    def add(self, row: Row, la: str, ward: str, lsoa: str) -> None:
        if la:
            self.authorities[la] = row.text("la_name") or self.authorities.get(la, "")
        if ward:
            self.wards[ward] = (row.text("ward_name") or self.wards.get(ward, ("", ""))[0], la)
        if lsoa:
            self.lsoas[lsoa] = (row.text("lsoa_name") or self.lsoas.get(lsoa, ("", ""))[0], la)

    def save(self) -> None:
        named = {c: n for c, n in self.authorities.items() if n}
        _upsert(LocalAuthority, (LocalAuthority(code=c, name=n) for c, n in named.items()), "code", ["name"])
        _upsert(
            LocalAuthority,
            (LocalAuthority(code=c, name=c) for c in self.authorities if c not in named),
            "code",
            [],
        )
        for code_is_named in (True, False):
            wards = [
                Ward(code=c, name=n or c, local_authority_id=la or None)
                for c, (n, la) in self.wards.items()
                if bool(n) == code_is_named
            ]
            _upsert(Ward, wards, "code", ["name", "local_authority"] if code_is_named else [])
            lsoas = [
                LSOA(code=c, name=n, local_authority_id=la or None)
                for c, (n, la) in self.lsoas.items()
                if bool(n) == code_is_named
            ]
            _upsert(LSOA, lsoas, "code", ["name", "local_authority"] if code_is_named else [])
        self.clear()


def _postcode_from_row(row: Row, areas: _AreaCollector) -> Postcode:
    try:
        code = normalise_postcode(row.required_text("postcode"))
    except PostcodeError as error:
        raise row.fail("postcode", str(error)) from None
    latitude = row.number("latitude")
    longitude = row.number("longitude")
    # ONSPD marks postcodes with no grid reference as latitude 99.999999.
    if latitude is not None and latitude > 90:
        latitude = longitude = None
    if latitude is not None and latitude < -90:
        raise row.fail("latitude", f"{row.text('latitude')!r} is not a latitude")
    if longitude is not None and not -180 <= longitude <= 180:
        raise row.fail("longitude", f"{row.text('longitude')!r} is not a longitude")
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise row.fail(missing, "is empty but the other coordinate is given")
    la, ward, lsoa = (_area_code(row, k) for k in ("la_code", "ward_code", "lsoa_code"))
    areas.add(row, la, ward, lsoa)
    return Postcode(
        postcode=code,
        latitude=latitude,
        longitude=longitude,
        lsoa_id=lsoa or None,
        ward_id=ward or None,
        local_authority_id=la or None,
        terminated_on=row.month("terminated"),
    )


@refusals_logged(logger, "postcode")
def import_postcodes(
    path: Path | str, *, local_authority: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import an ONS Postcode Directory / NSPL CSV, or a column subset of one.

    ``local_authority`` (a code such as E08000009) keeps only that area's
    postcodes, for loading a district from the national file.
    """
    started = time.monotonic()
    report = ImportReport()
    before = Postcode.objects.count()
    with transaction.atomic():
        areas = _AreaCollector()
        batch: dict[str, Postcode] = {}
        for row in read_rows(path, POSTCODE_COLUMNS):
            report.read += 1
            if local_authority and row.text("la_code") != local_authority:
                report.skipped += 1
                continue
            postcode = _postcode_from_row(row, areas)
            batch[postcode.postcode] = postcode
            if len(batch) >= BATCH_SIZE:
                _save_postcodes(batch, areas, progress)
        _save_postcodes(batch, areas, progress)
        refresh_district_summary()
    total = Postcode.objects.count()
    report.created = total - before
    report.updated = report.read - report.skipped - report.created
    logger.info(
        "Imported %d postcodes (%d new, %d updated, %d skipped) in %.1f s",
        report.read - report.skipped,
        report.created,
        report.updated,
        report.skipped,
        time.monotonic() - started,
    )
    return report


def _save_postcodes(batch: dict[str, Postcode], areas: _AreaCollector, progress: Progress | None) -> None:
    areas.save()
    _upsert(
        Postcode,
        batch.values(),
        "postcode",
        ["latitude", "longitude", "lsoa", "ward", "local_authority", "terminated_on"],
    )
    if progress:
        progress(len(batch))
    batch.clear()


IMD_COLUMNS = [
    Column("lsoa_code", ("LSOA code (2011)", "lsoa11cd", "LSOA code")),
    Column("lsoa_name", ("LSOA name (2011)", "lsoa11nm", "LSOA name"), required=False),
    Column("la_code", ("Local Authority District code (2019)", "lad19cd"), required=False),
    Column("la_name", ("Local Authority District name (2019)", "lad19nm"), required=False),
    Column("rank", ("Index of Multiple Deprivation (IMD) Rank",), prefix=True),
    Column("decile", ("Index of Multiple Deprivation (IMD) Decile",), prefix=True),
]


@refusals_logged(logger, "IMD 2019")
def import_imd(path: Path | str, *, progress: Progress | None = None) -> ImportReport:
    """Import IMD 2019 rank and decile per LSOA from IoD2019 File 1 or File 7 (CSV)."""
    started = time.monotonic()
    report = ImportReport()
    before = LSOA.objects.count()
    with transaction.atomic():
        authorities: dict[str, str] = {}
        batch: list[LSOA] = []
        for row in read_rows(path, IMD_COLUMNS):
            report.read += 1
            code = row.matching("lsoa_code", _GSS_CODE, "an LSOA code like E01006112")
            if not code:
                raise row.fail("lsoa_code", "is empty but a value is needed")
            rank = row.whole_number("rank", minimum=1)
            decile = row.whole_number("decile", minimum=1, maximum=10)
            if rank is None or decile is None:
                raise row.fail("rank" if rank is None else "decile", "is empty but a value is needed")
            la = _area_code(row, "la_code")
            if la:
                authorities[la] = row.text("la_name") or la
            batch.append(
                LSOA(
                    code=code,
                    name=row.text("lsoa_name"),
                    local_authority_id=la or None,
                    imd_rank=rank,
                    imd_decile=decile,
                )
            )
            if len(batch) >= BATCH_SIZE:
                _save_lsoas(batch, authorities, progress)
        _save_lsoas(batch, authorities, progress)
        refresh_district_summary()
        report.created = LSOA.objects.count() - before
        report.updated = report.read - report.created
        missing = list(
            LSOA.objects.filter(imd_decile__isnull=True, postcodes__isnull=False)
            .distinct()
            .values_list("code", flat=True)
        )
    logger.info(
        "Imported IMD 2019 for %d LSOAs (%d new, %d updated; %d with postcodes lack figures) in %.1f s",
        report.read,
        report.created,
        report.updated,
        len(missing),
        time.monotonic() - started,
    )
    if missing:
        report.notes.append(
            f"{len(missing)} LSOA(s) with postcodes have no IMD 2019 figures "
            f"(most likely LSOAs created in 2021): {', '.join(missing)}"
        )
    return report


def _save_lsoas(batch: list[LSOA], authorities: dict[str, str], progress: Progress | None) -> None:
    _upsert(
        LocalAuthority, (LocalAuthority(code=c, name=n) for c, n in authorities.items()), "code", ["name"]
    )
    _upsert(LSOA, batch, "code", ["name", "local_authority", "imd_rank", "imd_decile"])
    if progress:
        progress(len(batch))
    batch.clear()
    authorities.clear()


@refusals_logged(logger, "neighbourhood")
def import_neighbourhoods(
    path: Path | str, *, name_column: str = "neighbourhood", area_column: str = "area_code"
) -> ImportReport:
    """Define neighbourhoods from a CSV that names, per row, a neighbourhood and an area.

    An area code starting E05 is a ward, E01 an LSOA. Each neighbourhood's
    areas are replaced by those in the file, so running it again is safe. The
    areas must already exist (import postcodes first).
    """
    started = time.monotonic()
    columns = [Column("name", (name_column,)), Column("area", (area_column,))]
    report = ImportReport()
    members: dict[str, tuple[set[str], set[str]]] = {}
    known_wards = set(Ward.objects.values_list("code", flat=True))
    known_lsoas = set(LSOA.objects.values_list("code", flat=True))
    for row in read_rows(path, columns):
        report.read += 1
        name = row.required_text("name")
        code = row.required_text("area")
        wards, lsoas = members.setdefault(name, (set(), set()))
        if code.startswith("E05") and code in known_wards:
            wards.add(code)
        elif code.startswith("E01") and code in known_lsoas:
            lsoas.add(code)
        else:
            raise row.fail("area", f"{code!r} is not a ward or LSOA we know; import postcodes first")
    slugs: dict[str, str] = {}
    for name in members:
        slug = slugify(name)
        if not slug:
            raise ImportFileError(path, f"neighbourhood name {name!r} has no letters or digits")
        clash = slugs.get(slug) or Neighbourhood.objects.filter(slug=slug).exclude(name=name).first()
        if clash:
            raise ImportFileError(
                path,
                f"neighbourhood names {name!r} and {str(clash)!r} "
                "are too alike to tell apart in a web address",
            )
        slugs[slug] = name
    with transaction.atomic():
        for name, (wards, lsoas) in members.items():
            neighbourhood, created = Neighbourhood.objects.get_or_create(
                name=name, defaults={"slug": slugify(name)}
            )
            report.created += created
            report.updated += not created
            # By primary key (the ONS code); the stubs allow only int keys here.
            neighbourhood.wards.set(wards)  # type: ignore[arg-type]
            neighbourhood.lsoas.set(lsoas)  # type: ignore[arg-type]
        refresh_district_summary()
    logger.info(
        "Imported %d neighbourhoods from %d rows (%d new, %d updated) in %.1f s",
        len(members),
        report.read,
        report.created,
        report.updated,
        time.monotonic() - started,
    )
    return report
