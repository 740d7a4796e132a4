"""Directory records in the shapes of the Open Referral UK profile (HSDS 3.0).

Optional fields that are empty are left out rather than sent as null, because
the profile's schemas type them as strings or numbers; so is an address that is not a safe link
(http, https, mailto or tel). Child records that have
no id of their own here (addresses, accessibility, attributes) get stable
UUIDs derived from their parent's id. What an import stored is sent back as it came, so an export
imported into an empty directory exports the same document again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

from django.db.models import Model

from common.safe_urls import is_safe_url
from directory.models import (
    Location,
    OrganizationIdentifier,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.schedule_words import describe_schedule

_Record = TypeVar("_Record", bound=Model)
_DERIVED = uuid.UUID("6f1c6a52-39a7-4b8e-9a5e-0c1c4b2e7d11")

# The one accessibility text an import reads as "wheelchair accessible": what the export writes for
# a venue its editors marked so. Any other words, "no wheelchair access" among them, are kept as
# written and say nothing to the search filter.
WHEELCHAIR_ACCESSIBLE = "Wheelchair accessible"


def derived_id(*parts) -> str:
    return str(uuid.uuid5(_DERIVED, ":".join(str(p) for p in parts)))


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "")}


def _link(value: str) -> str:
    # An address stored before links were checked (or written straight to the database) is left
    # out rather than handed to other directories' pages as a javascript: or data: link.
    return value if is_safe_url(value) else ""


def _in_order(records: Iterable[_Record]) -> list[_Record]:
    """Child records by id: the database keeps no order of its own, and an export read back in
    must list them as it did before."""
    return sorted(records, key=lambda record: str(record.pk))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def organization(provider: Provider, *, full: bool = True) -> dict:
    """An organisation; in a list of services (``full`` false) without its identifiers."""
    record = _clean(
        {
            "id": str(provider.id),
            "name": provider.name,
            "description": provider.description or provider.name,
            "email": provider.email,
            "website": _link(provider.website),
            "logo": _link(provider.logo),
            "uri": _link(provider.uri),
            "parent_organization_id": str(provider.parent_organization_id)
            if provider.parent_organization_id
            else None,
        }
    )
    if full:
        record["organization_identifiers"] = [
            organization_identifier(item) for item in _in_order(provider.organization_identifiers.all())
        ]
    return record


def organization_identifier(item: OrganizationIdentifier) -> dict:
    return _clean(
        {
            "id": str(item.id),
            "organization_id": str(item.organization_id),
            "identifier_scheme": item.identifier_scheme,
            "identifier_type": item.identifier_type,
            "identifier": item.identifier,
        }
    )


def taxonomy(item: Taxonomy) -> dict:
    return _clean(
        {
            "id": str(item.id),
            "name": item.name,
            "description": item.description,
            "uri": _link(item.uri),
            "version": item.version,
        }
    )


def taxonomy_term(term: TaxonomyTerm) -> dict:
    return _clean(
        {
            "id": str(term.id),
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy.name if term.taxonomy_id else None,
            "taxonomy_id": str(term.taxonomy_id) if term.taxonomy_id else None,
            "term_uri": _link(term.term_uri),
            "code": term.code,
        }
    )


def schedule(item: Schedule) -> dict:
    """A schedule whose ``description`` is its rule in words, so a directory that shows only the
    description says what the rule says; the editor's free text goes in ``notes``. A rule that
    cannot be put in words (imported, with a day we do not understand) keeps its own text."""
    in_words = describe_schedule(item)
    notes = "\n\n".join(part for part in (item.description, item.notes) if part) if in_words else item.notes
    return _clean(
        {
            "id": str(item.id),
            "service_id": str(item.service_id),
            "service_at_location_id": str(item.service_at_location_id)
            if item.service_at_location_id
            else None,
            "location_id": str(item.location_id) if item.location_id else None,
            "valid_from": item.valid_from.isoformat() if item.valid_from else None,
            "valid_to": item.valid_to.isoformat() if item.valid_to else None,
            "dtstart": item.dtstart.isoformat() if item.dtstart else None,
            "freq": item.freq,
            "interval": item.interval,
            "byday": item.byday,
            "bymonthday": item.bymonthday,
            "description": in_words or item.description,
            "opens_at": item.opens_at.strftime("%H:%M:%S") if item.opens_at else None,
            "closes_at": item.closes_at.strftime("%H:%M:%S") if item.closes_at else None,
            "schedule_link": _link(item.schedule_link),
            "attending_type": item.attending_type,
            "notes": notes,
        }
    )


def location(item: Location, *, full: bool = True) -> dict:
    record = _clean(
        {
            "id": str(item.id),
            "location_type": item.location_type,
            "name": item.name,
            "description": item.description,
            "latitude": item.latitude,
            "longitude": item.longitude,
            "external_identifier": item.external_identifier,
            "external_identifier_type": item.external_identifier_type,
        }
    )
    if full:
        record["addresses"] = [address(item)] if item.address_1 else []
        record["accessibility"] = accessibility(item)
    return record


def address(item: Location) -> dict:
    """The venue's address, every field as stored (the county too: it is not looked up again)."""
    # Required by the profile even when empty: address_1, city, state_province, postal_code, country.
    return {
        "id": derived_id(item.id, "address"),
        "location_id": str(item.id),
        "address_1": item.address_1,
        "city": item.city,
        "state_province": item.state_province,
        "postal_code": item.postal_code,
        "country": item.country or "GB",
        "address_type": item.address_type or Location.Type.PHYSICAL,
    } | _clean({"attention": item.attention, "address_2": item.address_2, "region": item.region})


def accessibility(item: Location) -> list[dict]:
    """The venue's accessibility entries as written; for a venue its editors describe (one text and
    a wheelchair box, no entries), one entry made from those."""
    entries = [
        _clean(
            {
                "id": str(entry.id),
                "location_id": str(item.id),
                "description": entry.description,
                "details": entry.details,
                "url": _link(entry.url),
            }
        )
        for entry in _in_order(item.accessibility_entries.all())
    ]
    if entries or not (item.accessibility or item.wheelchair_accessible):
        return entries
    return [
        _clean(
            {
                "id": derived_id(item.id, "accessibility"),
                "location_id": str(item.id),
                "description": item.accessibility or WHEELCHAIR_ACCESSIBLE,
                "details": WHEELCHAIR_ACCESSIBLE
                if item.wheelchair_accessible and item.accessibility
                else None,
            }
        )
    ]


def _service_fields(service: Service) -> dict:
    return _clean(
        {
            "id": str(service.id),
            "organization_id": str(service.provider_id),
            "name": service.name,
            "description": service.description,
            "url": _link(service.url),
            "email": service.email,
            "status": service.status,
            "fees": service.fees_description,
            "accreditations": service.accreditations,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.last_checked.isoformat() if service.last_checked else None,
            "assurer_email": service.checked_by_email,
            "alert": service.alert,
            "last_modified": _timestamp(service.last_modified),
        }
    )


def service_brief(service: Service) -> dict:
    """A service as it appears in a list: its own fields and its organization."""
    return _service_fields(service) | {"organization": organization(service.provider, full=False)}


def service_minimal(service: Service) -> dict:
    return {
        "id": str(service.id),
        "name": service.name,
        "status": service.status,
        "last_modified": _timestamp(service.last_modified),
    }


def service_full(service: Service) -> dict:
    """A fully nested service, as ``/services/{id}`` returns it."""
    return _service_fields(service) | {
        "organization": organization(service.provider),
        "schedules": [schedule(s) for s in _in_order(service.schedules.all())],
        "service_areas": [
            _clean(
                {
                    "id": str(a.id),
                    "service_id": str(service.id),
                    "name": a.name,
                    "service_area": a.name,
                    "extent": a.extent,
                    "extent_type": a.extent_type,
                    "uri": _link(a.uri),
                }
            )
            for a in _in_order(service.service_areas.all())
        ],
        "service_at_locations": [
            {
                "id": str(sal.id),
                "service_id": str(service.id),
                "location_id": str(sal.location_id),
                "location": location(sal.location),
            }
            for sal in _in_order(service.service_at_locations.all())
        ],
        "languages": [
            _clean({"id": str(lang.id), "service_id": str(service.id), "name": lang.name, "code": lang.code})
            for lang in _in_order(service.languages.all())
        ],
        "funding": [
            _clean(
                {
                    "id": str(f.id),
                    "organization_id": str(f.organization_id) if f.organization_id else None,
                    "service_id": str(service.id),
                    "source": f.source,
                }
            )
            for f in _in_order(service.funding.all())
        ],
        "cost_options": [
            _clean(
                {
                    "id": str(c.id),
                    "service_id": str(service.id),
                    "option": c.option,
                    "amount": float(c.amount) if c.amount is not None else None,
                    "amount_description": c.amount_description,
                    "valid_from": c.valid_from.isoformat() if c.valid_from else None,
                    "valid_to": c.valid_to.isoformat() if c.valid_to else None,
                }
            )
            for c in _in_order(service.cost_options.all())
        ],
        "contacts": [
            _clean(
                {
                    "id": str(c.id),
                    "service_id": str(service.id),
                    "name": c.name,
                    "title": c.title,
                    "email": c.email,
                }
            )
            for c in _in_order(service.contacts.all())
        ],
        "attributes": [
            {
                "id": derived_id(service.id, term.id),
                "link_id": str(service.id),
                "link_type": "service",
                "taxonomy_term_id": str(term.id),
                "taxonomy_term": taxonomy_term(term),
            }
            for term in sorted(service.terms.all(), key=lambda term: (term.name, str(term.pk)))
        ],
    }


def service_at_location_brief(sal: ServiceAtLocation) -> dict:
    return {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location(sal.location, full=False),
        "service": service_brief(sal.service),
    }


def service_at_location_full(sal: ServiceAtLocation) -> dict:
    """A service at a location, as ``/service_at_locations/{id}`` returns it: valid both as the
    profile's OpenAPI names it (compiled ``service.json``: the service's own fields, ``name`` and
    ``status`` among them, at the top) and as ``service_at_location.json`` (its ``service_id``,
    ``location_id``, ``location`` and nested ``service``). ``id`` is the service at location's."""
    service = service_full(sal.service)
    service.pop("service_at_locations")
    return {
        **{key: value for key, value in service.items() if key != "id"},
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location(sal.location),
        "service": service,
    }
