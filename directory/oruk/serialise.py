"""Directory records in the shapes of the Open Referral UK profile (HSDS 3.0).

Optional fields that are empty are left out rather than sent as null, because
the profile's schemas type them as strings or numbers; so is an address that is not a safe link
(http, https, mailto or tel). Child records that have
no id of their own here (addresses, accessibility, attributes) get stable
UUIDs derived from their parent's id.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from common.safe_urls import is_safe_url
from directory.models import Location, Provider, Schedule, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from directory.schedule_words import describe_schedule

_DERIVED = uuid.UUID("6f1c6a52-39a7-4b8e-9a5e-0c1c4b2e7d11")


def derived_id(*parts) -> str:
    return str(uuid.uuid5(_DERIVED, ":".join(str(p) for p in parts)))


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "")}


def _link(value: str) -> str:
    # An address stored before links were checked (or written straight to the database) is left
    # out rather than handed to other directories' pages as a javascript: or data: link.
    return value if is_safe_url(value) else ""


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def organization(provider: Provider) -> dict:
    return _clean(
        {
            "id": str(provider.id),
            "name": provider.name,
            "description": provider.description or provider.name,
            "email": provider.email,
            "website": _link(provider.website),
            "logo": _link(provider.logo),
            "uri": _link(provider.uri),
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
            "valid_from": item.valid_from.isoformat() if item.valid_from else None,
            "valid_to": item.valid_to.isoformat() if item.valid_to else None,
            "dtstart": item.dtstart.isoformat() if item.dtstart else None,
            "freq": item.freq,
            "interval": item.interval,
            "byday": item.byday,
            "bymonthday": item.bymonthday,
            "description": in_words or item.description,
            "opens_at": item.opens_at.strftime("%H:%M") if item.opens_at else None,
            "closes_at": item.closes_at.strftime("%H:%M") if item.closes_at else None,
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
        record["addresses"] = (
            [
                {
                    "id": derived_id(item.id, "address"),
                    "location_id": str(item.id),
                    "address_1": item.address_1,
                    "city": item.city,
                    "state_province": _state(item),
                    "postal_code": item.postal_code,
                    "country": "GB",
                    "address_type": "physical",
                }
            ]
            if item.address_1
            else []
        )
        record["accessibility"] = (
            [
                _clean(
                    {
                        "id": derived_id(item.id, "accessibility"),
                        "location_id": str(item.id),
                        "description": item.accessibility or "Wheelchair accessible",
                        "details": "Wheelchair accessible" if item.wheelchair_accessible else None,
                    }
                )
            ]
            if item.accessibility or item.wheelchair_accessible
            else []
        )
    return record


def _state(item: Location) -> str:
    if item.postcode_id and item.postcode and item.postcode.local_authority_id:
        return item.postcode.local_authority.name
    return ""


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
    return _service_fields(service) | {"organization": organization(service.provider)}


def service_minimal(service: Service) -> dict:
    return {
        "id": str(service.id),
        "name": service.name,
        "status": service.status,
        "last_modified": _timestamp(service.last_modified),
    }


def service_full(service: Service) -> dict:
    """A fully nested service, as ``/services/{id}`` returns it."""
    return service_brief(service) | {
        "schedules": [schedule(s) for s in service.schedules.all()],
        "service_areas": [
            _clean(
                {
                    "id": str(a.id),
                    "service_id": str(service.id),
                    "name": a.name,
                    "service_area": a.name,
                    "uri": _link(a.uri),
                }
            )
            for a in service.service_areas.all()
        ],
        "service_at_locations": [
            {
                "id": str(sal.id),
                "service_id": str(service.id),
                "location_id": str(sal.location_id),
                "location": location(sal.location),
            }
            for sal in service.service_at_locations.all()
        ],
        "languages": [
            _clean({"id": str(lang.id), "service_id": str(service.id), "name": lang.name, "code": lang.code})
            for lang in service.languages.all()
        ],
        "funding": [],
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
            for c in service.cost_options.all()
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
            for c in service.contacts.all()
        ],
        "attributes": [
            {
                "id": derived_id(service.id, term.id),
                "link_id": str(service.id),
                "link_type": "service",
                "taxonomy_term_id": str(term.id),
                "taxonomy_term": taxonomy_term(term),
            }
            for term in service.terms.all()
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
