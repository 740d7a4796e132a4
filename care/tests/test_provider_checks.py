"""Micro-providers' checks: a lapsed required check hides the provider's listings from the
directory's own search and the Open Referral UK feed; renewing it shows them again."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import provider_services
from care.models import HiddenListing, MicroProvider, ProviderCheck
from care.provider_selectors import check_badges, lapsed_required_checks, listed_providers
from care.tests.provider_factories import CHECKED, make_provider, make_team, postcode
from common.errors import NotPermitted
from directory.models import ListingStatus, Service
from directory.selectors import ListingSearch, search_listings
from directory.tests.factories import ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

EXPIRES = date(2026, 6, 30)


def in_directory_search(service: Service) -> bool:
    return search_listings(ListingSearch()).filter(pk=service.pk).exists()


def in_oruk_feed(client, service: Service) -> bool:
    one = client.get(f"/oruk/services/{service.pk}")
    listed = client.get("/oruk/services", {"per_page": 100}).json()
    in_list = any(item["id"] == str(service.pk) for item in listed["contents"])
    assert (one.status_code == 200) == in_list
    return in_list


def test_a_lapsed_required_check_hides_the_listings_and_renewal_shows_them(client):
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, checks_expire=EXPIRES)
    listing = mp.provider.services.get()
    assert in_directory_search(listing) and in_oruk_feed(client, listing)

    assert provider_services.apply_check_lapses(EXPIRES) == 0  # in date on its last day
    assert provider_services.apply_check_lapses(EXPIRES + timedelta(days=1)) == 1
    listing.refresh_from_db()
    assert listing.listing_status == ListingStatus.DRAFT
    assert not in_directory_search(listing)
    assert not in_oruk_feed(client, listing)
    assert listed_providers(EXPIRES + timedelta(days=1)) == []

    # The DBS is renewed; the insurance has still run out: still hidden.
    later = EXPIRES + timedelta(days=3)
    provider_services.record_check(
        coordinator, mp, kind="dbs", evidence_reference="009", verified_on=later,
        expires_on=later + timedelta(days=1095), today=later,
    )  # fmt: skip
    listing.refresh_from_db()
    assert listing.listing_status == ListingStatus.DRAFT

    provider_services.record_check(
        coordinator, mp, kind="insurance", evidence_reference="PL-2", verified_on=later,
        expires_on=later + timedelta(days=365), amount_pence=5_000_000_00, today=later,
    )  # fmt: skip
    listing.refresh_from_db()
    assert listing.listing_status == ListingStatus.PUBLISHED
    assert in_directory_search(listing) and in_oruk_feed(client, listing)
    assert not HiddenListing.objects.exists()
    assert listed_providers(later) == [mp]


def test_a_lapsed_check_that_is_not_required_hides_nothing():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    provider_services.record_check(
        coordinator, mp, kind="training", evidence_reference="First aid", verified_on=CHECKED,
        expires_on=CHECKED + timedelta(days=30), required=False, today=CHECKED,
    )  # fmt: skip
    later = CHECKED + timedelta(days=60)
    assert provider_services.apply_check_lapses(later) == 0
    assert mp.provider.services.get().listing_status == ListingStatus.PUBLISHED
    assert lapsed_required_checks(mp, later) == []


def test_a_lapsed_workers_dbs_hides_the_provider_and_only_the_latest_check_counts():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, workers=(("Bea Worker", "support worker"),))
    worker = mp.workers.get()
    provider_services.record_check(
        coordinator, mp, worker=worker, kind="dbs", evidence_reference="A1", verified_on=CHECKED,
        expires_on=date(2026, 3, 1), today=CHECKED,
    )  # fmt: skip
    assert provider_services.apply_check_lapses(date(2026, 3, 2)) == 1
    provider_services.record_check(
        coordinator, mp, worker=worker, kind="dbs", evidence_reference="A2", verified_on=date(2026, 3, 2),
        expires_on=date(2029, 3, 2), today=date(2026, 3, 2),
    )  # fmt: skip
    assert mp.provider.services.get().listing_status == ListingStatus.PUBLISHED


def test_renewal_does_not_publish_a_listing_the_editor_archived_or_one_care_did_not_hide():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, checks_expire=EXPIRES)
    draft = ServiceFactory(provider=mp.provider, listing_status=ListingStatus.DRAFT, name="Not ready")
    provider_services.apply_check_lapses(EXPIRES + timedelta(days=1))
    hidden = mp.provider.services.exclude(pk=draft.pk).get()
    hidden.listing_status = ListingStatus.ARCHIVED  # the editor decided meanwhile
    hidden.save()
    later = EXPIRES + timedelta(days=2)
    for kind, amount in (("dbs", None), ("insurance", 5_000_000_00)):
        provider_services.record_check(
            coordinator, mp, kind=kind, evidence_reference="R", verified_on=later,
            expires_on=later + timedelta(days=365), amount_pence=amount, today=later,
        )  # fmt: skip
    hidden.refresh_from_db()
    draft.refresh_from_db()
    assert hidden.listing_status == ListingStatus.ARCHIVED
    assert draft.listing_status == ListingStatus.DRAFT


def test_badges_say_checked_on_for_checks_in_date_and_name_a_workers_role_not_the_worker():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, workers=(("Bea Worker", "support worker"),))
    provider_services.record_check(
        coordinator, mp, worker=mp.workers.get(), kind="dbs", evidence_reference="A1",
        verified_on=date(2026, 2, 3), expires_on=date(2026, 3, 1), today=CHECKED + timedelta(days=40),
    )  # fmt: skip
    words = [b.words for b in check_badges(mp, date(2026, 2, 10))]
    assert "DBS check (owner): checked on 5 January 2026" in words
    assert "Public liability insurance (owner): checked on 5 January 2026" in words
    assert "DBS check (support worker): checked on 3 February 2026" in words
    assert not any("Bea" in w for w in words)
    after = [b.words for b in check_badges(mp, date(2026, 3, 2))]
    assert "DBS check (support worker): checked on 3 February 2026" not in after


def test_recording_a_check_is_audited_and_verified_by_the_coordinator():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    check = mp.checks.get(kind="dbs")
    assert check.verified_by == coordinator
    assert AuditEvent.objects.filter(actor=coordinator, target_id=str(check.pk), action="create").exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "passport"}, "kind"),
        ({"evidence_reference": "  "}, "evidence_reference"),
        ({"verified_on": CHECKED + timedelta(days=1)}, "verified_on"),
        ({"expires_on": CHECKED}, "expires_on"),
        ({"kind": "insurance", "amount_pence": None}, "amount_pence"),
        ({"kind": "insurance", "amount_pence": 0}, "amount_pence"),
        ({"kind": "insurance", "amount_pence": 100, "expires_on": None}, "expires_on"),
        ({"amount_pence": 500}, "amount_pence"),
    ],
)
def test_a_bad_check_is_refused_naming_the_field_and_nothing_is_saved(fields, field):
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    before = ProviderCheck.objects.count()
    values = {
        "kind": "dbs", "evidence_reference": "X1", "verified_on": CHECKED,
        "expires_on": CHECKED + timedelta(days=100), "today": CHECKED,
    } | fields  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        provider_services.record_check(coordinator, mp, **values)
    assert field in refused.value.message_dict
    assert ProviderCheck.objects.count() == before


def test_another_providers_worker_is_refused():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    other = make_provider(team, coordinator, name="Other", workers=(("Cy", "carer"),))
    with pytest.raises(ValidationError) as refused:
        provider_services.record_check(
            coordinator, mp, worker=other.workers.get(), kind="dbs", evidence_reference="X",
            verified_on=CHECKED, expires_on=None, today=CHECKED,
        )  # fmt: skip
    assert "worker" in refused.value.message_dict


@pytest.mark.parametrize("who", ["other_team", "editor", "resident", "anonymous"])
def test_only_the_providers_coordinators_record_its_checks(who):
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    _, other_team = make_team()
    user = {
        "other_team": other_team,
        "editor": UserFactory(role=Role.ORGANISATION_EDITOR, organisation=mp.provider.owner),
        "resident": UserFactory(role=Role.RESIDENT),
        "anonymous": AnonymousUser(),
    }[who]
    with pytest.raises(NotPermitted):
        provider_services.record_check(
            user, mp, kind="dbs", evidence_reference="X", verified_on=CHECKED, expires_on=None, today=CHECKED
        )


def test_insurance_below_five_million_is_recorded_but_flagged():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator)
    check = provider_services.record_check(
        coordinator, mp, kind="insurance", evidence_reference="P", verified_on=CHECKED,
        expires_on=CHECKED + timedelta(days=365), amount_pence=1_000_000_00, today=CHECKED,
    )  # fmt: skip
    assert not check.meets_insurance_criterion
    assert mp.checks.get(kind="insurance", amount_pence=5_000_000_00).meets_insurance_criterion


def test_cqc_registration_needs_a_number_in_the_service_and_the_database():
    team, coordinator = make_team()
    with pytest.raises(ValidationError) as refused:
        provider_services.register_micro_provider(
            coordinator,
            ProviderFactory(),
            team,
            {
                "owner_name": "Ann",
                "offers": ["personal_care"],
                "base_postcode": postcode("M33 9ZZ"),
                "covers_radius_miles": 2,
                "price_per_hour_pence": 2000,
                "needs_cqc_registration": True,
                "cqc_number": " ",
            },
        )
    assert "cqc_number" in refused.value.message_dict
    assert not MicroProvider.objects.exists()
    mp = make_provider(team, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        MicroProvider.objects.filter(pk=mp.pk).update(needs_cqc_registration=True, cqc_number="")
