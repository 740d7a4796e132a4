"""Import Open Referral UK services from a feed or a file: all or nothing.

Each service record is checked against the official compiled schema and then
against Closeknit's own rules (times, days, dates, coordinates). If any record
is rejected nothing is written, and the report names each rejected record with
every problem found in it. Records are upserted by their UUIDs, so importing a
feed again updates what it imported before. An import runs for one source and
changes only that source's records (``ownership``).
"""

from __future__ import annotations

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
    Accessibility,
    Contact,
    CostOption,
    Funding,
    Language,
    ListingStatus,
    Location,
    OrganizationIdentifier,
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
from .serialise import WHEELCHAIR_ACCESSIBLE, derived_id

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


def _says_wheelchair_accessible(entry: dict) -> bool:
    """Only the exact words our own export writes: "no wheelchair access" is not a yes."""
    return any(
        str(entry.get(key) or "").strip().rstrip(".").casefold() == WHEELCHAIR_ACCESSIBLE.casefold()
        for key in ("description", "details")
    )


def _access_text(entry: dict) -> str:
    # The profile's older ``accessibility`` field says the same as ``description``.
    return str(entry.get("description") or entry.get("accessibility") or "")


def _sharing_venues_with(saved: list[Service]) -> list[Service]:
    """Listings the feed did not send that meet at a venue it did (and may have moved): their
    search facts and place words come from that venue too, so they are indexed again with it."""
    sent = {service.pk for service in saved}
    others: set = set()
    for start in range(0, len(saved), 500):
        chunk = [service.pk for service in saved[start : start + 500]]
        venues = ServiceAtLocation.objects.filter(service_id__in=chunk).values("location_id")
        others |= set(
            ServiceAtLocation.objects.filter(location_id__in=venues).values_list("service_id", flat=True)
        )
    unsent = list(others - sent)
    return [
        listing
        for start in range(0, len(unsent), 500)
        for listing in Service.objects.filter(pk__in=unsent[start : start + 500])
    ]


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
            "name": record.get("name", ""),
            "description": record.get("description", ""),
            "attention": address.get("attention", ""),
            "address_1": address.get("address_1", ""),
            "address_2": address.get("address_2", ""),
            "city": address.get("city", ""),
            "region": address.get("region", ""),
            "state_province": address.get("state_province", ""),
            "postal_code": postcode.postcode if postcode else address.get("postal_code", ""),
            "country": address.get("country") or "GB",
            "address_type": address.get("address_type")
            if address.get("address_type") in Location.Type.values
            else Location.Type.PHYSICAL,
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "accessibility": "\n".join(text for text in map(_access_text, accessibility) if text),
            "wheelchair_accessible": any(_says_wheelchair_accessible(a) for a in accessibility),
            "external_identifier": record.get("external_identifier", ""),
            "external_identifier_type": record.get("external_identifier_type", ""),
        },
    )
    # Kept as written, each with its id: the venue's text above is only what its page shows.
    location.accessibility_entries.all().delete()
    for entry in accessibility:
        Accessibility.objects.create(
            pk=uuid.UUID(entry["id"]),
            location=location,
            description=_access_text(entry),
            details=entry.get("details", ""),
            url=entry.get("url", ""),
        )
    return location


def _taxonomy(record: dict) -> Taxonomy | None:
    """The term's taxonomy, by its id; or, named without an id, the taxonomy of that name (made,
    with an id derived from the name, when there is none)."""
    name = record.get("taxonomy") or ""
    if record.get("taxonomy_id"):
        taxonomy, _ = Taxonomy.objects.get_or_create(
            pk=uuid.UUID(record["taxonomy_id"]),
            defaults={"name": name or "Imported taxonomy", "description": "Imported."},
        )
        return taxonomy
    if not name:
        return None
    taxonomy = Taxonomy.objects.filter(name=name).order_by("pk").first()
    if taxonomy is None:
        taxonomy = Taxonomy.objects.create(
            pk=uuid.UUID(derived_id("taxonomy", name)), name=name, description=name
        )
    return taxonomy


def _term(record: dict) -> TaxonomyTerm:
    """The term, written without its parent: ``_link_term_parents`` links parents once every term
    in the feed is here. A term already here is shared vocabulary: linked, never changed by a feed
    (``ownership`` refuses a feed that describes it differently)."""
    term_id = uuid.UUID(record["id"])
    already_here = TaxonomyTerm.objects.filter(pk=term_id).first()
    if already_here is not None:
        return already_here
    taxonomy = _taxonomy(record)
    slug = f"{slugify(record['name'])[:100]}-{term_id.hex[:8]}"
    term, _ = TaxonomyTerm.objects.update_or_create(
        pk=term_id,
        defaults={
            "name": record["name"],
            "description": record.get("description", ""),
            "taxonomy": taxonomy,
            "code": record.get("code") or record.get("term") or "",
            "term_uri": record.get("term_uri", ""),
            "slug": slug,
        },
    )
    return term


def _link_term_parents(records: list[dict]) -> list[str]:
    """Link each term in the feed to its parent, now that every term in the feed is written.
    A parent that is neither in the feed nor here cannot be linked: each is reported."""
    parents: dict[uuid.UUID, str | None] = {}
    for record in records:
        for attribute in record.get("attributes") or []:
            term = attribute.get("taxonomy_term")
            if isinstance(term, dict):
                parents[uuid.UUID(term["id"])] = term.get("parent_id")
    known = set(
        TaxonomyTerm.objects.filter(pk__in=[uuid.UUID(p) for p in parents.values() if p]).values_list(
            "pk", flat=True
        )
    )
    warnings = []
    for term_id, parent_id in parents.items():
        parent = uuid.UUID(parent_id) if parent_id else None
        if parent is not None and parent not in known:
            warnings.append(
                f"Taxonomy term {term_id}: its parent_id {parent_id} is neither in the feed nor here, "
                "so it has no parent here. Import the parent term, then this feed again."
            )
            parent = None
        TaxonomyTerm.objects.filter(pk=term_id).update(parent_id=parent)
    return warnings


def _organisation_details(provider: Provider, organization: dict) -> None:
    """The organisation's parent (an id: it may be in another directory) and its identifiers,
    replaced by the feed's."""
    parent = organization.get("parent_organization_id")
    provider.parent_organization_id = uuid.UUID(parent) if parent else None
    provider.save(update_fields=["parent_organization_id"])
    provider.organization_identifiers.all().delete()
    for item in organization.get("organization_identifiers") or []:
        OrganizationIdentifier.objects.create(
            pk=uuid.UUID(item["id"]),
            organization=provider,
            identifier_scheme=item.get("identifier_scheme", ""),
            identifier_type=item["identifier_type"],
            identifier=item["identifier"],
        )


def _note_and_notes(schedule: Schedule, item: dict) -> tuple[str, str]:
    """The schedule's free-text note and its other notes. A description that is just the rule in
    words (as our own export writes it, the editor's note then in ``notes``) is no note: the note
    comes back from ``notes`` when it fits, so an export reads back as it was."""
    description, notes = item.get("description", ""), item.get("notes", "")
    if description and description == describe_schedule(schedule):
        return (notes, "") if len(notes) <= 255 else ("", notes)
    return description, notes


def _save_service(record: dict, owner: Organisation | None, status: str) -> tuple[Service, bool]:
    organization = record.get("organization")
    organization_id = uuid.UUID(organization["id"] if organization else record["organization_id"])
    if organization and may_update_provider(organization_id, owner):
        provider, _ = _upsert(
            Provider,
            organization["id"],
            {
                "name": organization["name"],
                "description": organization.get("description", ""),
                "email": organization.get("email", ""),
                "website": organization.get("website", ""),
                "logo": organization.get("logo", ""),
                "uri": organization.get("uri", ""),
                **({"owner": owner} if owner else {}),
            },
        )
        _organisation_details(provider, organization)
    else:
        # Named by its id alone, or kept by another source: linked as it is (see ownership).
        provider = Provider.objects.get(pk=organization_id)
    modified = parse_datetime(record["last_modified"]) if record.get("last_modified") else None
    service, created = _upsert(
        Service,
        record["id"],
        {
            "provider": provider,
            "name": record["name"],
            "description": record.get("description", ""),
            "url": record.get("url", ""),
            "email": record.get("email", ""),
            "status": record["status"],
            "accreditations": record.get("accreditations", ""),
            "alert": record.get("alert", ""),
            # HSDS 3.0 names it fees_description; the UK profile still calls it fees.
            "fees_description": record.get("fees_description") or record.get("fees") or "",
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
    service.funding.all().delete()
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
            service_at_location_id=uuid.UUID(item["service_at_location_id"])
            if item.get("service_at_location_id")
            else None,
            location_id=uuid.UUID(item["location_id"]) if item.get("location_id") else None,
            schedule_link=item.get("schedule_link", ""),
            freq=item.get("freq") or "WEEKLY",
            interval=int(item.get("interval") or 1),
            byday=item.get("byday", ""),
            bymonthday=item.get("bymonthday", ""),
            dtstart=_date(item.get("dtstart"), "", found),
            valid_from=_date(item.get("valid_from"), "", found),
            valid_to=_date(item.get("valid_to"), "", found),
            opens_at=_time(item.get("opens_at"), "", found),
            closes_at=_time(item.get("closes_at"), "", found),
            attending_type=item.get("attending_type", ""),
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
            option=item.get("option", ""),
            amount=amount,
            amount_description=item.get("amount_description", ""),
            valid_from=_date(item.get("valid_from"), "", found),
            valid_to=_date(item.get("valid_to"), "", found),
        )
    for item in record.get("languages") or []:
        Language.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=item.get("name") or item.get("code") or "Unnamed language",
            code=item.get("code") or "",
        )
    for item in record.get("contacts") or []:
        Contact.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=item.get("name", ""),
            title=item.get("title", ""),
            email=item.get("email", ""),
        )
    for item in record.get("service_areas") or []:
        ServiceArea.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            name=item.get("name") or item.get("service_area") or "Area",
            uri=item.get("uri", ""),
            extent=item.get("extent", ""),
            extent_type=item.get("extent_type", ""),
        )
    for item in record.get("funding") or []:
        Funding.objects.create(
            pk=uuid.UUID(item["id"]),
            service=service,
            organization_id=uuid.UUID(item["organization_id"]) if item.get("organization_id") else None,
            source=item.get("source", ""),
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
        fulltext.index_services([*saved, *_sharing_venues_with(saved)])
        result.warnings += _link_term_parents(records) + _possible_duplicates(saved)
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
    "funding": Funding,
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
    for position, found in _link_problems(records).items():
        clashes.setdefault(position, []).extend(found)
    return clashes


def _link_problems(records: list[dict]) -> dict[int, list[str]]:
    """Links the new fields make, checked before anything is written: a schedule's
    service_at_location_id and location_id must be this service's own; funding's organization_id
    an organisation in the feed or here; and an accessibility entry or organisation identifier may
    not take an id that another venue or organisation has. Returns problems by record position."""
    found: dict[int, list[str]] = {}
    organisations = {str(r["organization"]["id"]) for r in records if r.get("organization")}
    owners: dict[tuple[str, str], str] = {}  # (table, child id) -> the venue or organisation it is under
    for position, record in enumerate(records, start=1):
        note = found.setdefault(position, []).append
        links = record.get("service_at_locations") or []
        own_links = {str(sal["id"]) for sal in links}
        own_venues = {str((sal.get("location") or {}).get("id") or sal.get("location_id")) for sal in links}
        for index, item in enumerate(record.get("schedules") or []):
            if item.get("service_at_location_id") and item["service_at_location_id"] not in own_links:
                note(
                    f"schedules.{index}.service_at_location_id: {item['service_at_location_id']} is not one "
                    "of this service's service_at_locations"
                )
            if item.get("location_id") and item["location_id"] not in own_venues:
                note(
                    f"schedules.{index}.location_id: {item['location_id']} is not one of this service's "
                    "locations"
                )
        for index, item in enumerate(record.get("funding") or []):
            organisation = item.get("organization_id")
            if (
                organisation
                and organisation not in organisations
                and not Provider.objects.filter(pk=uuid.UUID(organisation)).exists()
            ):
                note(
                    f"funding.{index}.organization_id: no organisation {organisation} is in the feed or here"
                )
        children = [
            (
                "accessibility",
                f"service_at_locations.{i}.location.accessibility",
                sal["location"],
                Accessibility,
            )
            for i, sal in enumerate(links)
            if sal.get("location")
        ]
        if record.get("organization"):
            children.append(
                (
                    "organization_identifiers",
                    "organization.organization_identifiers",
                    record["organization"],
                    OrganizationIdentifier,
                )
            )
        for table, path, parent, model in children:
            parent_field, kind = (
                ("location_id", "location") if model is Accessibility else ("organization_id", "organisation")
            )
            items = parent.get(table) or []
            for index, item in enumerate(items):
                first = owners.setdefault((table, item["id"]), parent["id"])
                if first != parent["id"]:
                    note(f"{path}.{index}.id: {item['id']} is also used for {kind} {first}")
            ids = [uuid.UUID(item["id"]) for item in items]
            for row in model.objects.filter(pk__in=ids).exclude(**{parent_field: uuid.UUID(parent["id"])}):
                note(
                    f"{path}.{ids.index(row.pk)}.id: {row.pk} already belongs to another "
                    f"{kind} here ({getattr(row, parent_field)})"
                )
    return {position: problems for position, problems in found.items() if problems}


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
