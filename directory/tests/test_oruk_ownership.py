"""An Open Referral UK import changes only its own source's records.

Each test is a feed as an attacker (or a careless neighbour) would write it, and checks that every
directory row is exactly as it was and that the refusal names the record, the field, the other
source and what to do.
"""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import OrganisationFactory
from directory.models import (
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.oruk.importer import import_records
from directory.tests.factories import (
    LocationFactory,
    ProviderFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def new_id() -> str:
    return str(uuid.uuid4())


def organisation(provider: Provider | None = None, **changes) -> dict:
    """An Open Referral organization: ``provider`` as it is here, or a new one."""
    if provider is None:
        return {"id": new_id(), "name": "Stretford Friends", "description": "Neighbours helping."} | changes
    return {"id": str(provider.pk), "name": provider.name, "description": provider.description} | changes


def venue(location: Location | None = None, **changes) -> dict:
    """An Open Referral location: ``location`` as it is here, or a new one."""
    if location is None:
        return {"id": new_id(), "location_type": "physical", "name": "Longford Park Pavilion"} | changes
    described = {
        "id": str(location.pk),
        "location_type": location.location_type,
        "name": location.name,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "addresses": [
            {
                "id": new_id(),
                "address_1": location.address_1,
                "city": location.city,
                "state_province": "Trafford",
                "postal_code": location.postal_code,
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }
    return described | changes


def term(item: TaxonomyTerm | None = None, **changes) -> dict:
    if item is None:
        return {"id": new_id(), "name": "Walking", "description": "Walks and rambles."} | changes
    return {"id": str(item.pk), "name": item.name, "description": item.description} | changes


def listing(service_id: str | None = None, *, org: dict | None = None, at=(), terms=(), **fields) -> dict:
    """A service record with ``org`` in full (or ``organization_id=…`` in ``fields``), at the venues
    ``at`` (location records, or ids given as location_id) and with the taxonomy terms ``terms``
    (term records, or ids given as taxonomy_term_id)."""
    record = {"id": service_id or new_id(), "name": "Tuesday walk", "status": "active"} | fields
    if org is not None or "organization_id" not in fields:
        record["organization"] = org or organisation()
    record["service_at_locations"] = [
        {"id": new_id(), **({"location": place} if isinstance(place, dict) else {"location_id": place})}
        for place in at
    ]
    record["attributes"] = [
        {"id": new_id(), **({"taxonomy_term": t} if isinstance(t, dict) else {"taxonomy_term_id": t})}
        for t in terms
    ]
    return record


def every_row() -> dict:
    """Every directory row that an import could write, as plain values."""
    tables = [Service, Provider, Location, TaxonomyTerm, Taxonomy, ServiceAtLocation, Schedule]
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}
    rows["terms"] = sorted(Service.terms.through.objects.values_list("service_id", "taxonomyterm_id"))
    return rows


def problems(result) -> list[str]:
    return [problem for rejected in result.rejected for problem in rejected.problems]


# --- Listings --------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelt", [str, lambda pk: str(pk).upper()], ids=["as-is", "upper-case"])
def test_a_feed_claiming_another_sources_listing_is_refused_and_changes_nothing(spelt):
    theirs = ServiceFactory(name="Knit and natter", owner=OrganisationFactory(name="Age UK Trafford"))
    mine = OrganisationFactory(name="Stretford Walkers")
    before = every_row()
    result = import_records([listing(spelt(theirs.pk), name="Hijacked")], owner=mine)
    assert problems(result) == [
        f"id: listing {theirs.pk} (“Knit and natter”) is kept by “Age UK Trafford”, and this import is "
        "for “Stretford Walkers”. Ask “Age UK Trafford” to change it, import the feed for its own "
        "source (--owner), or give the feed's listing a new id."
    ]
    assert every_row() == before


def test_an_unowned_import_does_not_change_an_owned_listing():
    theirs = ServiceFactory(name="Knit and natter", owner=OrganisationFactory(name="Age UK Trafford"))
    before = every_row()
    result = import_records([listing(str(theirs.pk), name="Hijacked")])
    assert problems(result)[0].startswith(
        f"id: listing {theirs.pk} (“Knit and natter”) is kept by “Age UK Trafford”, and this import is "
        "for the district's own records (no owner)."
    )
    assert every_row() == before


def test_an_owned_import_does_not_change_the_districts_own_listing():
    districts = ServiceFactory(name="Library drop-in", owner=None, provider__owner=None)
    before = every_row()
    result = import_records([listing(str(districts.pk))], owner=OrganisationFactory(name="Stretford Walkers"))
    assert problems(result)[0].startswith(
        f"id: listing {districts.pk} (“Library drop-in”) is kept by the district's own records (no owner)"
    )
    assert every_row() == before


def test_the_same_feed_imported_again_by_its_owner_updates_its_own_records():
    mine = OrganisationFactory(name="Stretford Walkers")
    walking = term()
    feed = [listing(org=organisation(), at=[venue()], terms=[walking])]
    assert import_records(feed, owner=mine).created == 1
    feed[0]["name"] = "Tuesday walk and talk"
    feed[0]["organization"]["name"] = "Stretford Walkers' Club"
    feed[0]["service_at_locations"][0]["location"]["name"] = "Longford Park café"
    result = import_records(feed, owner=mine)
    assert (result.committed, result.created, result.updated) == (True, 0, 1)
    service = Service.objects.get(pk=feed[0]["id"])
    assert (service.name, service.owner, service.provider.name, service.provider.owner) == (
        "Tuesday walk and talk",
        mine,
        "Stretford Walkers' Club",
        mine,
    )
    assert service.locations.get().name == "Longford Park café"
    assert [t.name for t in service.terms.all()] == ["Walking"]


def test_the_districts_own_feed_imported_again_updates_its_own_records():
    feed = [listing(org=organisation(), at=[venue()])]
    import_records(feed)
    feed[0]["organization"]["name"] = "Renamed by the district"
    result = import_records(feed)
    assert result.committed and Provider.objects.get().name == "Renamed by the district"


# --- Organisations -------------------------------------------------------------------------------


def test_a_feed_renaming_another_sources_organisation_is_refused():
    provider = ProviderFactory(name="Age UK Trafford", owner=OrganisationFactory(name="Age UK"))
    ServiceFactory(provider=provider)
    before = every_row()
    record = listing(org=organisation(provider, name="Taken over"), organization_id=str(provider.pk))
    result = import_records([record], owner=OrganisationFactory(name="Stretford Walkers"))
    assert problems(result) == [
        f"organization.name: organisation {provider.pk} (“Age UK Trafford”) is kept or used by “Age UK”; "
        "it has “Age UK Trafford” here, the feed says “Taken over”. An import does not change another "
        "source's organisation: ask “Age UK” to change it, or name it by organization_id alone to link "
        "to it as it is."
    ]
    assert every_row() == before


def test_an_organisation_kept_by_this_source_but_running_another_sources_listing_is_not_renamed():
    mine = OrganisationFactory(name="Stretford Walkers")
    provider = ProviderFactory(name="Walking for Health", owner=mine)
    ServiceFactory(provider=provider, owner=OrganisationFactory(name="Trafford Council"))
    before = every_row()
    result = import_records([listing(org=organisation(provider, name="Ours now"))], owner=mine)
    assert problems(result)[0].startswith(
        f"organization.name: organisation {provider.pk} (“Walking for Health”) is kept or used by "
        "“Trafford Council”"
    )
    assert every_row() == before


def test_another_sources_organisation_given_as_it_is_is_linked_unchanged():
    provider = ProviderFactory(name="Age UK Trafford", email="hello@ageuk.example")
    before = list(Provider.objects.values())
    record = listing(org=organisation(provider))  # says nothing of the email: not emptied
    result = import_records([record], owner=OrganisationFactory())
    assert result.committed
    assert Service.objects.get(pk=record["id"]).provider == provider
    assert list(Provider.objects.values()) == before


def test_filling_in_what_another_sources_organisation_leaves_blank_is_a_change_too():
    provider = ProviderFactory(name="Age UK Trafford", email="", owner=OrganisationFactory(name="Age UK"))
    before = every_row()
    record = listing(org=organisation(provider, email="takeover@example.org"))
    result = import_records([record], owner=OrganisationFactory())
    assert problems(result)[0].startswith(
        f"organization.email: organisation {provider.pk} (“Age UK Trafford”) is kept or used by “Age UK”; "
        "it has nothing here, the feed says “takeover@example.org”."
    )
    assert every_row() == before


def test_our_own_export_of_an_organisation_with_no_description_reads_back_as_the_same():
    # The profile requires a description, so our export gives the name when there is none.
    provider = ProviderFactory(name="Age UK Trafford", description="", owner=OrganisationFactory())
    before = list(Provider.objects.values())
    record = listing(org=organisation(provider, description="Age UK Trafford"))
    assert import_records([record], owner=OrganisationFactory()).committed
    assert list(Provider.objects.values()) == before


def test_an_organisation_named_only_by_id_is_linked_never_renamed_unknown():
    provider = ProviderFactory(name="Age UK Trafford")
    before = list(Provider.objects.values())
    record = listing(organization_id=str(provider.pk))
    result = import_records([record], owner=OrganisationFactory())
    assert result.committed
    assert Service.objects.get(pk=record["id"]).provider == provider
    assert list(Provider.objects.values()) == before


def test_a_dangling_organisation_id_is_refused_and_nothing_is_written():
    before = every_row()
    missing = new_id()
    result = import_records([listing(organization_id=missing)], owner=OrganisationFactory())
    assert problems(result) == [
        f"organization_id: no organisation {missing} is in the feed or already here. Give the "
        "organisation in full, or correct the id."
    ]
    assert every_row() == before
    assert not Provider.objects.filter(name="Unknown").exists()


def test_an_organisation_named_by_id_before_the_record_that_gives_it_in_full_is_found():
    org = organisation()
    first = listing(organization_id=org["id"], name="Monday walk")
    second = listing(org=org, name="Tuesday walk")
    result = import_records([first, second])
    assert result.committed and result.created == 2
    assert set(Service.objects.values_list("provider_id", flat=True)) == {uuid.UUID(org["id"])}


def test_an_organization_id_that_is_not_the_organizations_own_is_refused():
    other = ProviderFactory()
    record = listing(org=organisation(), organization_id=str(other.pk))
    before = every_row()
    result = import_records([record])
    assert problems(result) == [
        f"organization_id: {other.pk} is not the id of the organization given "
        f"({record['organization']['id']})"
    ]
    assert every_row() == before


# --- Venues ---------------------------------------------------------------------------------------


def test_a_feed_renaming_a_venue_another_source_uses_is_refused():
    hall = LocationFactory(name="St Hilda's Hall")
    ServiceFactory(at=[hall], owner=OrganisationFactory(name="St Hilda's Church"))
    before = every_row()
    record = listing(at=[venue(hall, name="Our hall now")])
    result = import_records([record], owner=OrganisationFactory(name="Stretford Walkers"))
    assert problems(result) == [
        f"service_at_locations.0.location.name: venue {hall.pk} (“St Hilda's Hall”) is used by listings "
        "of “St Hilda's Church”; it has “St Hilda's Hall” here, the feed says “Our hall now”. An import "
        "does not change a venue another source uses: ask “St Hilda's Church” to change it, name it by "
        "location_id alone to link to it as it is, or give the feed's venue a new id."
    ]
    assert every_row() == before


def test_a_feed_moving_a_shared_venue_is_refused_by_each_field():
    hall = LocationFactory(name="St Hilda's Hall")
    ServiceFactory(at=[hall], owner=None, provider__owner=None)
    record = listing(at=[venue(hall, latitude=51.5)])
    record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "SW1A 1AA"
    before = every_row()
    result = import_records([record], owner=OrganisationFactory())
    assert [p.split(":")[0] for p in problems(result)] == [
        "service_at_locations.0.location.latitude",
        "service_at_locations.0.location.addresses.0.postal_code",
    ]
    assert "is used by listings of the district's own records (no owner)" in problems(result)[0]
    assert every_row() == before


def test_a_shared_venue_described_as_it_is_is_linked_unchanged():
    hall = LocationFactory(name="St Hilda's Hall", description="Behind the church.")
    ServiceFactory(at=[hall], owner=OrganisationFactory())
    before = list(Location.objects.values())
    record = listing(at=[venue(hall)])  # no description in the feed: ours is kept
    record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "m320th"
    result = import_records([record], owner=OrganisationFactory())
    assert result.committed
    assert list(Service.objects.get(pk=record["id"]).locations.all()) == [hall]
    assert list(Location.objects.values()) == before


def test_a_venue_only_this_sources_listings_use_is_updated():
    mine = OrganisationFactory()
    hall = LocationFactory(name="St Hilda's Hall")
    ServiceFactory(at=[hall], owner=mine)
    result = import_records([listing(at=[venue(hall, name="St Hilda's Hall and garden")])], owner=mine)
    assert result.committed
    hall.refresh_from_db()
    assert hall.name == "St Hilda's Hall and garden"


# --- Taxonomy terms -------------------------------------------------------------------------------


def test_a_feed_renaming_a_term_is_refused_even_by_the_source_that_brought_it():
    mine = OrganisationFactory()
    walking = term()
    import_records([listing(terms=[walking])], owner=mine)
    before = every_row()
    result = import_records([listing(terms=[dict(walking, name="Rambling")])], owner=mine)
    assert problems(result) == [
        f"attributes.0.taxonomy_term.name: taxonomy term {walking['id']} (“Walking”) has “Walking” here, "
        "the feed says “Rambling”. Every source shares the terms, so an import links to a term but never "
        "changes it: use the term as it is here, ask the directory's managers to change it, or give the "
        "feed's term a new id."
    ]
    assert every_row() == before


def test_an_existing_term_is_linked_and_not_emptied():
    food = TaxonomyTermFactory(name="Food", code="F1", term_uri="https://terms.example/food")
    before = list(TaxonomyTerm.objects.values())
    record = listing(terms=[term(food)])  # no code, no uri, no taxonomy: ours are kept
    assert import_records([record]).committed
    assert list(Service.objects.get(pk=record["id"]).terms.all()) == [food]
    assert list(TaxonomyTerm.objects.values()) == before


def test_a_term_named_by_id_is_linked_whether_here_or_later_in_the_feed():
    food = TaxonomyTermFactory(name="Food")
    walking = term()
    first = listing(terms=[str(food.pk), walking["id"]], name="Walk and lunch")
    second = listing(terms=[walking], name="Tuesday walk")
    assert import_records([first, second]).committed
    assert sorted(t.name for t in Service.objects.get(pk=first["id"]).terms.all()) == ["Food", "Walking"]


def test_a_dangling_taxonomy_term_id_is_refused_never_dropped():
    missing = new_id()
    before = every_row()
    result = import_records([listing(terms=[missing])])
    assert problems(result) == [
        f"attributes.0.taxonomy_term_id: no taxonomy term {missing} is in the feed or already here. "
        "Give the term in full, or correct the id."
    ]
    assert every_row() == before


def test_a_terms_parent_that_is_nowhere_is_reported():
    missing = new_id()
    walking = term(parent_id=missing)
    record = listing(terms=[walking])
    result = import_records([record])
    assert result.committed
    assert (
        f"Record 1 ({record['id']}): attributes.0.taxonomy_term.parent_id: no taxonomy term {missing} is "
        f"in the feed or already here, so term {walking['id']} (“Walking”) has no parent here."
    ) in result.warnings


# --- The command ----------------------------------------------------------------------------------


def test_the_command_refuses_a_conflict_even_on_a_dry_run(tmp_path, capsys):
    theirs = ServiceFactory(name="Knit and natter", owner=OrganisationFactory(name="Age UK Trafford"))
    OrganisationFactory(name="Stretford Walkers")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([listing(str(theirs.pk))]))
    before = every_row()
    for dry_run in (True, False):
        with pytest.raises(CommandError, match="1 of 1 records were rejected. Nothing was imported."):
            call_command("import_oruk", str(path), owner="Stretford Walkers", dry_run=dry_run)
        assert (
            "is kept by “Age UK Trafford”, and this import is for “Stretford Walkers”"
            in capsys.readouterr().err
        )
    assert every_row() == before


def test_the_command_says_which_source_it_imported_for(tmp_path, capsys):
    OrganisationFactory(name="Stretford Walkers")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([listing()]))
    call_command("import_oruk", str(path), owner="Stretford Walkers", dry_run=True)
    assert "All 1 records are fine for “Stretford Walkers”. Nothing was written" in capsys.readouterr().out
    call_command("import_oruk", str(path))
    assert "Imported 1 services for the district's own records (no owner): 1 new" in capsys.readouterr().out
    assert Service.objects.get().owner is None
