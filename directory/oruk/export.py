"""Export the published directory as Open Referral UK JSON, and as HSDS tables in CSV.

The JSON is a list of fully nested services (each valid against ``service.json``),
which ``import_oruk`` reads back. The CSV form is the HSDS tabular layout: one file
per table (services, organizations, locations, addresses, ...), linked by ids,
zipped together.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from directory import selectors

from . import serialise

# table name: (columns, how to find its rows in a full service record)
TABLES = {
    "services": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
        "last_modified",
    ],
    "organizations": [
        "id",
        "name",
        "description",
        "email",
        "website",
        "logo",
        "uri",
        "parent_organization_id",
    ],
    "organization_identifiers": [
        "id",
        "organization_id",
        "identifier_scheme",
        "identifier_type",
        "identifier",
    ],
    "locations": [
        "id",
        "location_type",
        "name",
        "description",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ],
    "addresses": [
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "accessibility": ["id", "location_id", "description", "details", "url"],
    "service_at_locations": ["id", "service_id", "location_id"],
    "schedules": [
        "id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    ],
    "cost_options": ["id", "service_id", "option", "amount", "amount_description", "valid_from", "valid_to"],
    "languages": ["id", "service_id", "name", "code"],
    "contacts": ["id", "service_id", "name", "title", "email"],
    "service_areas": ["id", "service_id", "name", "service_area", "extent", "extent_type", "uri"],
    "funding": ["id", "organization_id", "service_id", "source"],
    "attributes": ["id", "link_id", "link_type", "taxonomy_term_id"],
    "taxonomy_terms": [
        "id",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "term_uri",
        "code",
    ],
}


def published_services() -> Iterable[dict]:
    """Every published listing as a fully nested Open Referral UK service."""
    listings = selectors.with_full_details(selectors.public_listings()).order_by("name", "pk")
    for listing in listings.iterator(chunk_size=500):
        yield serialise.service_full(listing)


def _rows(service: dict) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["services"].append(service)
    rows["organizations"].append(service["organization"])
    rows["organization_identifiers"] += service["organization"].get("organization_identifiers", [])
    for sal in service.get("service_at_locations", []):
        rows["service_at_locations"].append(sal)
        location = sal["location"]
        rows["locations"].append(location)
        rows["addresses"] += location.get("addresses", [])
        rows["accessibility"] += location.get("accessibility", [])
    for table in (
        "schedules",
        "cost_options",
        "languages",
        "contacts",
        "service_areas",
        "funding",
        "attributes",
    ):
        rows[table] += service.get(table, [])
    rows["taxonomy_terms"] += [a["taxonomy_term"] for a in service.get("attributes", [])]
    return rows


def write_tables_zip(services: Iterable[dict], target) -> dict[str, int]:
    """Write the HSDS tables as CSV files into a zip at ``target`` (path or binary file).
    Returns the number of rows in each table. Shared rows (organisations, locations,
    terms) are written once."""
    buffers = {name: io.StringIO() for name in TABLES}
    writers = {
        name: csv.DictWriter(buffers[name], fieldnames=columns, extrasaction="ignore")
        for name, columns in TABLES.items()
    }
    for writer in writers.values():
        writer.writeheader()
    seen: dict[str, set[str]] = {name: set() for name in TABLES}
    for service in services:
        for table, rows in _rows(service).items():
            for row in rows:
                if row["id"] in seen[table]:
                    continue
                seen[table].add(row["id"])
                writers[table].writerow(row)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, buffer in buffers.items():
            archive.writestr(f"{name}.csv", buffer.getvalue())
    return {name: len(ids) for name, ids in seen.items()}
