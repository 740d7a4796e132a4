"""Who owns imported records: an Open Referral UK import runs for one source and changes that
source's records only.

The source is the Closeknit organisation the import is for (``import_oruk --owner``), or None for
the district's own records, which have no owner; None is one source like any other. Before anything
is written, ``ownership_problems`` finds every conflict and dangling reference in the feed:

- a listing (service) whose id is already here and kept by another source;
- an organisation or venue described in full that another source keeps or uses, when the feed's
  description differs from ours (when it is the same, the listing is linked to it as it is);
- a taxonomy term described differently from the term already here: terms are shared vocabulary,
  which a feed links to but never renames;
- an organisation or taxonomy term named only by an id that is neither in the feed nor here (never
  made up as an "Unknown" organisation, never silently dropped). A term's parent that is nowhere is
  a warning: the term comes in without its place in the hierarchy, and the report says so.

While writing, ``may_update_provider`` and ``may_update_venue`` tell the importer whether it may
write a record or must link to it as it is, by the same rule; ``link_terms_named_by_id`` links the
terms a listing names by id alone once every record is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from accounts.models import Organisation
from directory.models import Location, Provider, Service, TaxonomyTerm

__all__ = [
    "link_terms_named_by_id",
    "may_update_provider",
    "may_update_venue",
    "ownership_problems",
    "source_name",
]

# Said of records that belong to no organisation: the district's own.
DISTRICT = "the district's own records (no owner)"


def source_name(owner: Organisation | None) -> str:
    """A source as a person reads it in a message."""
    return f"“{owner.name}”" if owner is not None else DISTRICT


def _of_source(owner: Organisation | None) -> Q:
    return Q(owner=owner) if owner is not None else Q(owner__isnull=True)


def _names(owners: Iterable[Organisation | None]) -> str:
    names = sorted({source_name(o) for o in owners})
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _other_listing_owners(owner: Organisation | None, **where: Any) -> list[Organisation | None]:
    """The sources other than ``owner`` with listings that match ``where`` (None: the district)."""
    listings = Service.objects.filter(**where).exclude(_of_source(owner)).order_by()
    owner_ids = set(listings.values_list("owner_id", flat=True).distinct())
    organisations = Organisation.objects.in_bulk([i for i in owner_ids if i is not None])
    return [organisations.get(i) if i is not None else None for i in owner_ids]


def _provider_sources(provider: Provider, owner: Organisation | None) -> list[Organisation | None]:
    """The other sources that keep ``provider`` or have listings it runs."""
    others = _other_listing_owners(owner, provider=provider)
    if provider.owner_id != (owner.pk if owner is not None else None):
        others.append(provider.owner)
    return others


def may_update_provider(provider_id: uuid.UUID, owner: Organisation | None) -> bool:
    """Whether an import for ``owner`` may write this organisation: it is new, or this source keeps
    it and no other source's listing is run by it."""
    provider = Provider.objects.select_related("owner").filter(pk=provider_id).first()
    return provider is None or not _provider_sources(provider, owner)


def may_update_venue(location_id: str | uuid.UUID, owner: Organisation | None) -> bool:
    """Whether an import for ``owner`` may write this venue: no other source's listing meets there."""
    return not _other_listing_owners(owner, locations__id=uuid.UUID(str(location_id)))


# --- Comparing the feed's description of a record with ours ------------------------------------


def _stated(value: Any) -> bool:
    # What a feed leaves out is not a difference: the record here is linked as it is, not emptied.
    return value not in (None, "")


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, int | float) and not isinstance(theirs, bool):
        return isinstance(ours, int | float) and abs(ours - theirs) < 1e-9
    return str(ours if ours is not None else "") == str(theirs)


def _postcode(value: str) -> str:
    return "".join(str(value).split()).upper()


def _differences(pairs: Iterable[tuple[str, Any, Any]]) -> Iterator[tuple[str, Any, Any]]:
    """(field, ours, theirs) for each field the feed states differently from the record here."""
    for name, ours, theirs in pairs:
        if _stated(theirs) and not _same(ours, theirs):
            yield name, ours, theirs


def _description(ours: str, name: str, theirs: Any) -> Any:
    # Our own export writes the name as the description when there is none (the profile requires
    # one), so reading it back is no difference.
    return None if not ours and theirs == name else theirs


def _provider_differences(provider: Provider, item: dict) -> Iterator[tuple[str, Any, Any]]:
    yield from _differences(
        [
            ("name", provider.name, item.get("name")),
            (
                "description",
                provider.description,
                _description(provider.description, provider.name, item.get("description")),
            ),
            ("email", provider.email, item.get("email")),
            ("website", provider.website, item.get("website")),
            ("logo", provider.logo, item.get("logo")),
            ("uri", provider.uri, item.get("uri")),
            (
                "parent_organization_id",
                provider.parent_organization_id,
                item.get("parent_organization_id") and uuid.UUID(item["parent_organization_id"]),
            ),
        ]
    )


def _venue_differences(venue: Location, item: dict) -> Iterator[tuple[str, Any, Any]]:
    address = (item.get("addresses") or [{}])[0]
    yield from _differences(
        [
            ("location_type", venue.location_type, item.get("location_type")),
            ("name", venue.name, item.get("name")),
            ("description", venue.description, item.get("description")),
            ("latitude", venue.latitude, item.get("latitude")),
            ("longitude", venue.longitude, item.get("longitude")),
            ("external_identifier", venue.external_identifier, item.get("external_identifier")),
            (
                "external_identifier_type",
                venue.external_identifier_type,
                item.get("external_identifier_type"),
            ),
            ("addresses.0.address_1", venue.address_1, address.get("address_1")),
            ("addresses.0.address_2", venue.address_2, address.get("address_2")),
            ("addresses.0.attention", venue.attention, address.get("attention")),
            ("addresses.0.city", venue.city, address.get("city")),
            ("addresses.0.region", venue.region, address.get("region")),
            ("addresses.0.state_province", venue.state_province, address.get("state_province")),
        ]
    )
    theirs = address.get("postal_code")
    if _stated(theirs) and _postcode(venue.postal_code) != _postcode(theirs):
        yield "addresses.0.postal_code", venue.postal_code, theirs


def _term_differences(term: TaxonomyTerm, item: dict) -> Iterator[tuple[str, Any, Any]]:
    yield from _differences(
        [
            ("name", term.name, item.get("name")),
            (
                "description",
                term.description,
                _description(term.description, term.name, item.get("description")),
            ),
            (
                "code" if item.get("code") else "term",
                term.code,
                item.get("code") or item.get("term"),
            ),
            ("term_uri", term.term_uri, item.get("term_uri")),
            ("parent_id", term.parent_id, item.get("parent_id") and uuid.UUID(item["parent_id"])),
            ("taxonomy_id", term.taxonomy_id, item.get("taxonomy_id") and uuid.UUID(item["taxonomy_id"])),
        ]
    )


def _quoted(value: Any) -> str:
    return f"“{value}”" if _stated(value) else "nothing"


# --- The checks --------------------------------------------------------------------------------


class _Feed:
    """What the whole feed describes, and the records already here that it names, read at once."""

    def __init__(self, records: list[dict]) -> None:
        def ids(values: Iterable[Any]) -> set[uuid.UUID]:
            return {uuid.UUID(str(v)) for v in values if v}

        self.organisations = ids(r["organization"]["id"] for r in records if r.get("organization"))
        self.terms = ids(t["id"] for r in records for t in _described_terms(r))
        self.listings = Service.objects.select_related("owner").in_bulk(ids(r["id"] for r in records))
        self.providers = Provider.objects.select_related("owner").in_bulk(
            ids((r.get("organization") or {}).get("id") or r.get("organization_id") for r in records)
        )
        self.venues = Location.objects.in_bulk(
            ids(sal["location"]["id"] for r in records for sal in _links(r) if sal.get("location"))
        )
        named_terms = [t.get("parent_id") for r in records for t in _described_terms(r)]
        named_terms += [t["id"] for r in records for t in _described_terms(r)]
        named_terms += [a.get("taxonomy_term_id") for r in records for a in r.get("attributes") or []]
        self.terms_here = TaxonomyTerm.objects.in_bulk(ids(named_terms))

    def has_organisation(self, organisation_id: uuid.UUID) -> bool:
        return organisation_id in self.organisations or organisation_id in self.providers

    def has_term(self, term_id: uuid.UUID) -> bool:
        return term_id in self.terms or term_id in self.terms_here


def _links(record: dict) -> list[dict]:
    return record.get("service_at_locations") or []


def _described_terms(record: dict) -> Iterator[dict]:
    for attribute in record.get("attributes") or []:
        if isinstance(attribute.get("taxonomy_term"), dict):
            yield attribute["taxonomy_term"]


def _listing_problems(record: dict, feed: _Feed, owner: Organisation | None) -> Iterator[str]:
    listing = feed.listings.get(uuid.UUID(record["id"]))
    if listing is not None and listing.owner_id != (owner.pk if owner else None):
        yield (
            f"id: listing {listing.pk} (“{listing.name}”) is kept by {source_name(listing.owner)}, and this "
            f"import is for {source_name(owner)}. Ask {source_name(listing.owner)} to change it, import "
            "the feed for its own source (--owner), or give the feed's listing a new id."
        )


def _organisation_problems(record: dict, feed: _Feed, owner: Organisation | None) -> Iterator[str]:
    organisation = record.get("organization")
    named = record.get("organization_id")
    if organisation and named and uuid.UUID(named) != uuid.UUID(organisation["id"]):
        yield f"organization_id: {named} is not the id of the organization given ({organisation['id']})"
    if not organisation:
        if not feed.has_organisation(uuid.UUID(named)):
            yield (
                f"organization_id: no organisation {named} is in the feed or already here. Give the "
                "organisation in full, or correct the id."
            )
        return
    provider = feed.providers.get(uuid.UUID(organisation["id"]))
    if provider is None:
        return
    differences = list(_provider_differences(provider, organisation))
    others = _provider_sources(provider, owner) if differences else []
    for name, ours, theirs in differences if others else ():
        yield (
            f"organization.{name}: organisation {provider.pk} (“{provider.name}”) is kept or used by "
            f"{_names(others)}; it has {_quoted(ours)} here, the feed says {_quoted(theirs)}. An import "
            f"does not change another source's organisation: ask {_names(others)} to change it, or name "
            "it by organization_id alone to link to it as it is."
        )


def _venue_problems(record: dict, feed: _Feed, owner: Organisation | None) -> Iterator[str]:
    for index, sal in enumerate(_links(record)):
        if not sal.get("location"):
            continue
        venue = feed.venues.get(uuid.UUID(sal["location"]["id"]))
        if venue is None:
            continue
        differences = list(_venue_differences(venue, sal["location"]))
        others = _other_listing_owners(owner, locations=venue) if differences else []
        for name, ours, theirs in differences if others else ():
            yield (
                f"service_at_locations.{index}.location.{name}: venue {venue.pk} (“{venue}”) is used by "
                f"listings of {_names(others)}; it has {_quoted(ours)} here, the feed says "
                f"{_quoted(theirs)}. An import does not change a venue another source uses: ask "
                f"{_names(others)} to change it, name it by location_id alone to link to it as it is, "
                "or give the feed's venue a new id."
            )


def _term_problems(record: dict, feed: _Feed) -> Iterator[str]:
    for index, attribute in enumerate(record.get("attributes") or []):
        path = f"attributes.{index}"
        term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else None
        named = attribute.get("taxonomy_term_id")
        if term and named and uuid.UUID(named) != uuid.UUID(term["id"]):
            yield f"{path}.taxonomy_term_id: {named} is not the id of the taxonomy_term given ({term['id']})"
        if not term:
            if named and not feed.has_term(uuid.UUID(named)):
                yield (
                    f"{path}.taxonomy_term_id: no taxonomy term {named} is in the feed or already here. "
                    "Give the term in full, or correct the id."
                )
            continue
        here = feed.terms_here.get(uuid.UUID(term["id"]))
        if here is None:
            continue
        if term.get("parent_id") and not feed.has_term(uuid.UUID(term["parent_id"])):
            term = {**term, "parent_id": None}  # a parent that is nowhere is a warning, not a conflict
        for name, ours, theirs in _term_differences(here, term):
            yield (
                f"{path}.taxonomy_term.{name}: taxonomy term {here.pk} (“{here.name}”) has {_quoted(ours)} "
                f"here, the feed says {_quoted(theirs)}. Every source shares the terms, so an import "
                "links to a term but never changes it: use the term as it is here, ask the directory's "
                "managers to change it, or give the feed's term a new id."
            )


def _unknown_parents(record: dict, feed: _Feed) -> Iterator[str]:
    for index, attribute in enumerate(record.get("attributes") or []):
        term = attribute.get("taxonomy_term")
        parent = term.get("parent_id") if isinstance(term, dict) else None
        if parent and not feed.has_term(uuid.UUID(parent)):
            yield (
                f"attributes.{index}.taxonomy_term.parent_id: no taxonomy term {parent} is in the feed "
                f"or already here, so term {term['id']} (“{term.get('name', '')}”) has no parent here."
            )


def ownership_problems(
    records: list[dict], owner: Organisation | None
) -> tuple[dict[int, list[str]], list[str]]:
    """Every conflict with another source's records and every dangling reference, by record position
    (from 1), each naming the field, the record here, the other source and what a person can do;
    and warnings that do not stop the import: a term's parent that is nowhere, which only places
    the term in its hierarchy (the profile's own example has one)."""
    feed = _Feed(records)
    problems: dict[int, list[str]] = {}
    warnings: list[str] = []
    for position, record in enumerate(records, start=1):
        found = [
            *_listing_problems(record, feed, owner),
            *_organisation_problems(record, feed, owner),
            *_venue_problems(record, feed, owner),
            *_term_problems(record, feed),
        ]
        if found:
            problems[position] = found
        warnings += [f"Record {position} ({record['id']}): {w}" for w in _unknown_parents(record, feed)]
    return problems, warnings


def link_terms_named_by_id(records: list[dict]) -> None:
    """Link each listing to the taxonomy terms its attributes name by ``taxonomy_term_id`` alone
    (the checks made sure each is in the feed or here). Run once every record is written, so a term
    the feed gives in full only in a later record is there by then."""
    for record in records:
        named = [
            uuid.UUID(attribute["taxonomy_term_id"])
            for attribute in record.get("attributes") or []
            if attribute.get("taxonomy_term_id") and not isinstance(attribute.get("taxonomy_term"), dict)
        ]
        if named:
            Service.objects.get(pk=uuid.UUID(record["id"])).terms.add(
                *TaxonomyTerm.objects.filter(pk__in=named)
            )
