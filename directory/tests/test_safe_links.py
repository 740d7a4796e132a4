"""A listing's or organisation's links are only ever http, https, mailto or tel, by every route in
(editors' form, back office, Open Referral UK import) and out (pages, the ORUK API and export)."""

import copy
import json
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from common.testing import sign_in
from directory.models import Location, Provider, Service, ServiceArea, TaxonomyTerm
from directory.oruk.export import published_services, write_tables_zip
from directory.oruk.importer import import_records
from directory.tests.factories import ProviderFactory, ServiceFactory
from places.tests.factories import PostcodeFactory

EXAMPLE = Path(__file__).parent / "data" / "oruk_example_service_full.json"
ATTACK = " JaVaScRiPt:alert(document.cookie)"
SVG = "data:image/svg+xml,<svg onload=alert(1)>"


@pytest.fixture
def example():
    record = json.loads(EXAMPLE.read_text())
    location = record["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 53.4465, -2.3076  # the example has 100, 101
    return record


@pytest.fixture
def own(db):
    organisation = OrganisationFactory(name="Stretford Neighbours")
    return ServiceFactory(
        name="Stretford lunch club",
        provider__owner=organisation,
        owner=organisation,
        url="https://stretford.example/lunch",
    )


def listing_form(**changes):
    data = {
        "listing-name": "Stretford lunch club",
        "listing-description": "A hot meal and company",
        "listing-cost": "free",
        "listing-status": "active",
        "listing-listing_status": "published",
        "listing-review_interval_days": "180",
        "venue-venue_name": "St Hilda's Hall",
        "venue-address": "1 Chester Road",
        "venue-town": "Stretford",
        "venue-venue_postcode": "M32 0TH",
        "session-days": ["TU"],
        "session-opens_at": "12:00",
        "session-closes_at": "14:00",
    }
    data.update(changes)
    return data


# --- In: forms, back office, model --------------------------------------------------------------


@pytest.mark.parametrize(
    "address", [ATTACK, "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]
)
def test_editor_cannot_give_a_listing_a_script_link(client, make_user, own, address):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, make_user(Role.ORGANISATION_EDITOR, organisation=own.owner))
    edit = reverse("directory:edit_listing", args=[own.pk])
    response = client.post(edit, listing_form(**{"listing-url": address}))
    assert response.status_code == 200
    assert "addresses are not allowed" in response.content.decode()
    own.refresh_from_db()
    assert own.url == "https://stretford.example/lunch"


@pytest.mark.parametrize("address", ["mailto:lunch@stretford.example", "tel:+441612345678"])
def test_editor_may_give_a_listing_an_email_or_phone_link(client, make_user, own, address):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, make_user(Role.ORGANISATION_EDITOR, organisation=own.owner))
    edit = reverse("directory:edit_listing", args=[own.pk])
    response = client.post(edit, listing_form(**{"listing-url": address}))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.url == address
    assert f'href="{address}"' in client.get(reverse("directory:listing", args=[own.pk])).content.decode()


def test_back_office_cannot_give_an_organisation_a_script_link(client, make_user, own):
    sign_in(client, make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    provider = own.provider
    data = {"name": provider.name, "description": "Runs things", "website": "data:text/html,<b>hi</b>"}
    response = client.post(reverse("admin:directory_provider_change", args=[provider.pk]), data)
    assert response.status_code == 200
    assert "‘data:’ addresses are not allowed" in str(response.context["adminform"].form.errors["website"])
    provider.refresh_from_db()
    assert provider.website != "data:text/html,<b>hi</b>"


@pytest.mark.django_db
def test_every_stored_address_is_checked_by_the_model():
    provider = ProviderFactory.build(website=ATTACK, logo="data:image/svg+xml,<svg onload=alert(1)>")
    with pytest.raises(ValidationError) as refused:
        provider.full_clean(exclude=["owner"])
    assert set(refused.value.message_dict) >= {"website", "logo"}
    provider = ProviderFactory.build(website="https://example.org", logo="", uri="mailto:hello@example.org")
    provider.full_clean(exclude=["owner"])


# --- In: the Open Referral UK importer ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        (lambda r: r.update(url=ATTACK), "url"),
        (lambda r: r["organization"].update(website="java\tscript:alert(1)"), "organization.website"),
        (lambda r: r["organization"].update(logo=SVG), "organization.logo"),
        (lambda r: r["organization"].update(uri="vbscript:msgbox(1)"), "organization.uri"),
        (lambda r: r["service_areas"][0].update(uri="//evil.example/"), "service_areas.0.uri"),
        (
            lambda r: r["attributes"][0]["taxonomy_term"].update(term_uri="javascript:alert(1)"),
            "attributes.0.taxonomy_term.term_uri",
        ),
    ],
)
def test_oruk_import_refuses_an_unsafe_link_naming_the_record_and_field_and_writes_nothing(
    example, change, field
):
    good = copy.deepcopy(example)
    bad = copy.deepcopy(example)
    bad["id"] = "7c1e1a3a-3d6e-4a43-9b1f-5f2c8d5f2a01"
    bad["name"] = "Bad links"
    change(bad)
    result = import_records([good, bad])
    assert not result.committed
    [rejected] = result.rejected
    assert (rejected.position, rejected.record_id, rejected.name) == (2, bad["id"], "Bad links")
    assert any(p.startswith(f"{field}: ") for p in rejected.problems), rejected.problems
    assert not Service.objects.exists() and not Provider.objects.exists()
    assert not Location.objects.exists() and not TaxonomyTerm.objects.exists()


@pytest.mark.django_db
def test_oruk_import_refuses_a_link_too_long_to_store(example):
    example["url"] = "https://example.org/" + "a" * 200
    result = import_records([example])
    assert result.rejected[0].problems == ["url: is 220 characters long: at most 200 can be stored"]
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_oruk_import_keeps_web_email_and_phone_links(example):
    example["url"] = "tel:+441612345678"
    example["organization"]["website"] = "mailto:hello@example.org"
    assert import_records([example]).committed
    service = Service.objects.get()
    assert (service.url, service.provider.website) == ("tel:+441612345678", "mailto:hello@example.org")


# --- Out: pages, API and export never pass on an unsafe address already stored -----------------


@pytest.fixture
def poisoned(db):
    """A listing whose addresses were written straight to the database, before any check."""
    listing = ServiceFactory(name="Tuesday lunch club")
    Service.objects.filter(pk=listing.pk).update(url="javascript:alert(document.cookie)")
    Provider.objects.filter(pk=listing.provider_id).update(
        website=ATTACK, logo="data:image/svg+xml,<svg onload=alert(1)>", uri="vbscript:msgbox(1)"
    )
    ServiceArea.objects.create(service=listing, name="Trafford", uri="java\tscript:alert(1)")
    return listing


def test_pages_never_link_an_unsafe_address_already_stored(client, poisoned):
    for path in (
        reverse("directory:listing", args=[poisoned.pk]),
        f"/directory/organisations/{poisoned.provider_id}/",
    ):
        page = client.get(path).content.decode()
        assert "Tuesday lunch club" in page
        assert "javascript:" not in page.lower() and "data:" not in page, path


def test_oruk_api_and_export_leave_out_an_unsafe_address_already_stored(client, poisoned, tmp_path):
    body = client.get(f"/oruk/services/{poisoned.pk}").json()
    assert "url" not in body
    assert not {"website", "logo", "uri"} & set(body["organization"])
    assert all("uri" not in area for area in body["service_areas"])
    listed = json.dumps(client.get("/oruk/services").json())
    assert "script:" not in listed.lower() and "data:" not in listed
    exported = list(published_services())
    assert "script:" not in json.dumps(exported).lower() and "data:" not in json.dumps(exported)
    write_tables_zip(exported, tmp_path / "tables.zip")
    with zipfile.ZipFile(tmp_path / "tables.zip") as tables:
        text = "".join(tables.read(name).decode() for name in tables.namelist())
    assert "script:" not in text.lower() and "data:" not in text
