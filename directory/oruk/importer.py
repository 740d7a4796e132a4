"""Import Open Referral UK services from a feed or a file: all or nothing.

Each service record is checked against the official compiled schema and then
against Closeknit's own rules (times, days, dates, coordinates). If any record
is rejected nothing is written, and the report names each rejected record with
every problem found in it. Records are upserted by their UUIDs, so importing a
feed again updates what it imported before. An import runs for one source and
changes only that source's records (``ownership``).
"""

from __future__ import annotations

import json
import logging
import time as clock
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from accounts.models import Organisation
from directory import fulltext
from directory.models import (
    Contact,
    CostOption,
    Language,
    ListingStatus,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.schedule_words import describe_schedule
from places.selectors import PostcodeError, find_postcode

from .checks import _date, _Problems, _time, check_record
from .feeds import FeedError, records_from_file, records_from_url
from .ownership import link_terms_named_by_id, may_update_provider, may_update_venue, ownership_problems

__all__ = ["FeedError", "ImportResult", "Rejected", "import_records", "records_from_file", "records_from_url"]

logger = logging.getLogger(__name__)

# Told of each record checked and written: progress(stage, done, total).
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Rejected:
    position: int
    record_id: str
    name: str
    problems: list[str]


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def committed(self) -> bool:
        return not self.rejected


# --- Writing ----------------------------------------------------------------------------------


def _upsert(model, record_id: str, values: dict) -> tuple[object, bool]:
    return model.objects.update_or_create(pk=uuid.UUID(record_id), defaults=values)


def _cost_kind(record) -> str:
    amounts = [c.get("amount") for c in record.get("cost_options") or []]
    if any(a for a in amounts if a):
        text = " ".join(str(c.get("option", "")) for c in record.get("cost_options") or []).lower()
        return Service.Cost.PAY_WHAT_YOU_CAN if "what you can" in text else Service.Cost.PAID
    return Service.Cost.FREE


def _location(record: dict, location_id: str) -> Location:
    address = (record.get("addresses") or [{}])[0]
    postcode = None
    if address.get("postal_code"):
        try:
            postcode = find_postcode(address["postal_code"], allow_terminated=True)
        except PostcodeError:
            postcode = None
    latitude, longitude = record.get("latitude"), record.get("longitude")
    if (latitude is None or longitude is None) and postcode is not None:
        latitude, longitude = postcode.latitude, postcode.longitude
    accessibility = record.get("accessibility") or []
    location, _ = _upsert(
        Location,
        location_id,
        {
            "location_type": record.get("location_type")
            if record.get("location_type") in Location.Type.values
            else Location.Type.PHYSICAL,
            "name": record.get("name", "")[:255],
            "description": record.get("description", ""),
            "address_1": address.get("address_1", "")[:255],
            "city": address.get("city", "")[:100],
            "postal_code": (postcode.postcode if postcode else address.get("postal_code", ""))[:10],
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "accessibility": "\n".join(
                a.get("description", "") for a in accessibility if a.get("description")
            ),
            "wheelchair_accessible": any("wheelchair" in json.dumps(a).lower() for a in accessibility),
            "external_identifier": record.get("external_identifier", "")[:100],
            "external_identifier_type": record.get("external_identifier_type", "")[:50],
        },
    )
    return location


def _term(record: dict) -> TaxonomyTerm:
    already_here = TaxonomyTerm.objects.filter(pk=uuid.UUID(record["id"])).first()
    if already_here is not None:
        return already_here  # shared vocabulary: linked, never changed by a feed (see ownership)
    taxonomy = None
    if record.get("taxonomy_id"):
        taxonomy, _ = Taxonomy.objects.get_or_create(
            pk=uuid.UUID(record["taxonomy_id"]),
            defaults={"name": record.get("taxonomy") or "Imported taxonomy", "description": "Imported."},
        )
    term_id = uuid.UUID(record["id"])
    slug = f"{slugify(record['name'])[:100]}-{term_id.hex[:8]}"
    term, _ = TaxonomyTerm.objects.update_or_create(
        pk=term_id,
        defaults={
            "name": record["name"][:255],
            "description": record.get("description", ""),
            "taxonomy": taxonomy,
            "code": (record.get("code") or record.get("term") or "")[:100],
            "term_uri": record.get("term_uri", ""),
            "slug": slug,
        },
    )
    return term


def _note_and_notes(schedule: Schedule, item: dict) -> tuple[str, str]:
    """The schedule's free-text note and its other notes. A description that is just the rule in
    words (as our own export writes it, the editor's note then in ``notes``) is no note: the note
    comes back from ``notes`` when it fits, so an export reads back as it was."""
    description, notes = item.get("description", ""), item.get("notes", "")
    if description and description == describe_schedule(schedule):
        return (notes, "") if len(notes) <= 255 else ("", notes)
    return description[:255], notes


def _save_service(record: dict, owner: Organisation | None, status: str) -> tuple[Service, bool]:
    organization = record.get("organization")
    organization_id = uuid.UUID(organization["id"] if organization else record["organization_id"])
    if organization and may_update_provider(organization_id, owner):
        provider, _ = _upsert(
            Provider,
            organization["id"],
            {
                "name": organization["name"][:255],
                "description": organization.get("description", ""),
                "email": organization.get("email", ""),
                "website": organization.get("website", ""),
                "logo": organization.get("logo", ""),
                "uri": organization.get("uri", ""),
                **({"owner": owner} if owner else {}),
            },
        )
    else:
        # Named by its id alone, or kept by another source: linked as it is (see ownership).
        provider = Provider.objects.get(pk=organization_id)
    modified = parse_datetime(record["last_modified"]) if record.get("last_modified") else None
    service, created = _upsert(
        Service,
        record["id"],
        {
            "provider": provider,
            "name": record["name"][:255],
            "description": record.get("description", ""),
            "url": record.get("url", ""),
            "email": record.get("email", ""),
            "status": record["status"],
            "accreditations": record.get("accreditations", ""),
            "alert": record.get("alert", ""),
            "minimum_age": record.get("minimum_age"),
            "maximum_age": record.get("maximum_age"),
            "last_checked": date.fromisoformat(record["assured_date"][:10])
            if record.get("assured_date")
            else timezone.localdate(),
            "checked_by_email": record.get("assurer_email", ""),
            "cost": _cost_kind(record),
            "last_modified": modified or timezone.now(),
            "listing_status": status,
            **({"owner": owner} if owner else {}),
        },
    )
    # Child records are replaced by the feed's: what the feed no longer lists goes.
    service.schedules.all().delete()
    service.cost_options.all().delete()
    service.languages.all().delete()
    service.contacts.all().delete()
    service.service_areas.all().delete()
    service.service_at_locations.all().delete()
    for sal in record.get("service_at_locations") or []:
        location = (
            _location(sal["location"], sal["location"]["id"])
            if sal.get("location") and may_update_venue(sal["location"]["id"], owner)
            # A venue another source's listings meet at is linked as it is (see ownership).
            else Location.objects.get(
                pk=uuid.UUID((sal.get("location") or {}).get("id") or sal["location_id"])
            )
        )
        ServiceAtLocation.objects.create(pk=uuid.UUID(sal["id"]), service=service, location=location)
    for item in record.get("schedules") or []:
        found = _Problems()
        schedule = Schedule(
            pk=uuid.UUID(item["id"]),
            service=service,
            freq=item.get("freq") or "WEEKLY",
            interval=int(item.get("interval") or 1),
            byday=item.get("byday", ""),
            bymonthday=item.get("bymonthday", ""),
            dtstart=_date(item.get("dtstart"), "", found),
            valid_from=_date(item.get("valid_from"), "", found),
            valid_to=_date(item.get("valid_to"), "", found),
            opens_at=_time(item.get("opens_at"), "", found),
            closes_at=_time(item.get("closes_at"), "", found),
            attending_type=item.get("attending_type", "")[:100],
        )
        schedule.description, schedule.notes = _note_and_notes(schedule, item)
        schedule.save(force_insert=True)
    for item in record.get("cost_options") or []:
        try:
            amount = Decimal(str(item["amount"])) if item.get("amount") is not None else None
        except InvalidOperation:
            amount = None
        found = _Problems()
        CostOption.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            option=item.get("option", "")[:255],
            amount=amount,
            amount_description=item.get("amount_description", "")[:255],
            valid_from=_date(item.get("valid_from"), "", found),
            valid_to=_date(item.get("valid_to"), "", found),
        )
    for item in record.get("languages") or []:
        Language.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=(item.get("name") or item.get("code") or "Unnamed language")[:100],
            code=(item.get("code") or "")[:10],
        )
    for item in record.get("contacts") or []:
        Contact.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=item.get("name", "")[:255],
            title=item.get("title", "")[:255],
            email=item.get("email", ""),
        )
    for item in record.get("service_areas") or []:
        ServiceArea.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=(item.get("name") or item.get("service_area") or "Area")[:255],
            uri=item.get("uri", ""),
        )
    service.terms.set(
        [
            _term(a["taxonomy_term"])
            for a in record.get("attributes") or []
            if isinstance(a.get("taxonomy_term"), dict)
        ]
    )
    return service, created


def import_records(
    records: list,
    *,
    owner: Organisation | None = None,
    status: str = ListingStatus.PUBLISHED,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every record; if all pass (and not ``dry_run``), upsert them all in one transaction.
    ``progress(stage, done, total)`` is told of each record checked (stage "checked") and written
    ("written"), for a progress bar."""
    started = clock.monotonic()
    tell = progress or _quiet
    result = ImportResult(read=len(records))
    seen: dict[str, int] = {}
    for position, record in enumerate(records, start=1):
        found = check_record(record)
        tell("checked", position, len(records))
        record_id = str(record.get("id", "")) if isinstance(record, dict) else ""
        if record_id in seen and not found:
            found = [f"id: the same id is also record {seen[record_id]}"]
        seen.setdefault(record_id, position)
        if found:
            name = str(record.get("name", "")) if isinstance(record, dict) else ""
            result.rejected.append(Rejected(position, record_id or "(no id)", name, found))
    if not result.rejected:
        problems = _cross_record_problems(records)
        conflicts, result.warnings = ownership_problems(records, owner)
        for position, found in conflicts.items():
            problems.setdefault(position, []).extend(found)
        for position, found in problems.items():
            record = records[position - 1]
            result.rejected.append(Rejected(position, str(record["id"]), str(record.get("name", "")), found))
        result.rejected.sort(key=lambda r: r.position)
    if result.rejected:
        # Positions only: a record's name or problems may quote a person (a named contact).
        logger.warning(
            "Refused the Open Referral UK import: %d of %d records have problems (records %s%s)",
            len(result.rejected),
            result.read,
            ", ".join(str(r.position) for r in result.rejected[:20]),
            ", ..." if len(result.rejected) > 20 else "",
        )
        return result
    if dry_run:
        logger.info(
            "Checked %d Open Referral UK records (dry run) in %.1f s",
            result.read,
            clock.monotonic() - started,
        )
        return result
    with transaction.atomic():
        saved = []
        # Records that give their organisation in full go first, so that one naming it by
        # organization_id alone finds it wherever it comes in the feed.
        for record in sorted(records, key=lambda r: not r.get("organization")):
            service, created = _save_service(record, owner, status)
            tell("written", len(saved) + 1, len(records))
            result.created += created
            result.updated += not created
            saved.append(service)
        link_terms_named_by_id(records)
        fulltext.index_services(saved)
        result.warnings += _possible_duplicates(saved)
    logger.info(
        "Imported %d Open Referral UK services (%d new, %d updated, %d possible duplicates) in %.1f s",
        result.read,
        result.created,
        result.updated,
        len(result.warnings),
        clock.monotonic() - started,
    )
    return result


CHILD_TABLES = {
    "schedules": Schedule,
    "cost_options": CostOption,
    "languages": Language,
    "contacts": Contact,
    "service_areas": ServiceArea,
    "service_at_locations": ServiceAtLocation,
}


def _cross_record_problems(records: list[dict]) -> dict[int, list[str]]:
    """Problems only the whole feed shows: child records (schedules, contacts…) whose id another
    service in the feed or another listing already here also uses, and locations named only by an
    id that is neither in the feed nor here. Returns problems by record position."""
    clashes: dict[int, list[str]] = {}
    used: dict[tuple[str, str], int] = {}
    batch = {uuid.UUID(r["id"]) for r in records}
    described = {
        sal["location"]["id"]
        for r in records
        for sal in r.get("service_at_locations") or []
        if sal.get("location")
    }
    for position, record in enumerate(records, start=1):
        for index, sal in enumerate(record.get("service_at_locations") or []):
            location_id = sal.get("location_id")
            if (
                not sal.get("location")
                and location_id not in described
                and not Location.objects.filter(pk=uuid.UUID(location_id)).exists()
            ):
                clashes.setdefault(position, []).append(
                    f"service_at_locations.{index}.location_id: no location {location_id} is in the feed "
                    "or already here"
                )
        for table, model in CHILD_TABLES.items():
            items = record.get(table) or []
            for index, item in enumerate(items):
                first = used.setdefault((table, item["id"]), position)
                if first != position:
                    clashes.setdefault(position, []).append(
                        f"{table}.{index}.id: {item['id']} is also used in record {first}"
                    )
            ids = [uuid.UUID(item["id"]) for item in items]
            for row in model.objects.filter(pk__in=ids).exclude(service_id__in=batch):
                index = ids.index(row.pk)
                clashes.setdefault(position, []).append(
                    f"{table}.{index}.id: {row.pk} already belongs to another listing ({row.service_id})"
                )
    return clashes


def _possible_duplicates(saved: list[Service]) -> list[str]:
    """Listings just imported that look like another listing already here (same name and postcode)."""
    warnings = []
    ids = [s.pk for s in saved]
    for service in Service.objects.filter(pk__in=ids).prefetch_related("locations"):
        postcodes = {loc.postal_code for loc in service.locations.all() if loc.postal_code}
        twins = (
            Service.objects.filter(name__iexact=service.name, locations__postal_code__in=postcodes)
            .exclude(pk__in=ids)
            .distinct()
        )
        for twin in twins[:3]:
            warnings.append(
                f"“{service.name}” ({service.pk}) may be the same as listing {twin.pk} "
                "already here: same name and postcode."
            )
    return warnings
