"""Registering a micro-provider (its team's coordinators, from the register or from an enquiry at
the checks stage) and changing it (its coordinators and its own editors): details, workers who
join and leave, weekly times; the editors' own page. Every refusal names its field and saves
nothing; every denial is tested."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, Role, User
from accounts.tests.factories import OrganisationFactory, UserFactory
from care import provider_selectors, provider_services
from care.admin import MicroProviderAdminForm
from care.models import ContactRequest, MicroProvider, ProviderAvailability, ProviderEnquiry, ProviderWorker
from care.tests.provider_factories import CHECKED, FAR_OFF, make_provider, make_team, postcode
from common.testing import sign_in
from directory.models import ListingStatus, Provider
from directory.tests.factories import ProviderFactory
from places.models import Postcode

pytestmark = pytest.mark.django_db

NEW = reverse("care:register_provider")
YOURS = reverse("care:your_providers")


def _change(mp):
    return reverse("care:change_provider", args=[mp.pk])


@pytest.fixture
def world():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, name="Ann's Helping Hands", base=postcode("M33 2AA"))
    editor = User.objects.get(organisation=mp.provider.owner)
    return {"team": team, "coordinator": coordinator, "mp": mp, "editor": editor}


def _registration(**change):
    if not Postcode.objects.filter(postcode="M33 7XZ").exists():
        postcode("M33 7XZ")
    return {
        "name": "Bea's Befrienders",
        "description": "Companionship and trips out in Sale.",
        "email": "bea@example.com",
        "owner_name": "Bea Owner",
        "offers": ["companionship", "getting_out"],
        "base_postcode": "m33 7xz",
        "covers_postcode_areas": "M33, M32 9",
        "covers_radius_miles": "",
        "price_per_hour_pence": "18.50",
        "languages": "English, Polish",
        "cqc_number": "",
    } | change


def _details(mp, **change):
    form = {
        "which": "details",
        "owner_name": mp.owner_name,
        "offers": mp.offers,
        "base_postcode": mp.base_postcode_id,
        "covers_postcode_areas": mp.covers_postcode_areas,
        "covers_radius_miles": mp.covers_radius_miles or "",
        "price_per_hour_pence": "18.50",
        "languages": ", ".join(mp.languages),
    }
    return form | change


# ---------------------------------------------------------------------------------------------
# Registering


def test_a_coordinator_registers_a_provider_with_its_directory_organisation(client, world):
    sign_in(client, world["coordinator"])
    assert "Register a micro-provider" in client.get(reverse("care:providers")).content.decode()
    response = client.post(NEW, _registration())
    mp = MicroProvider.objects.get(provider__name="Bea's Befrienders")
    assert response.status_code == 302 and response.url == reverse("care:provider_checks", args=[mp.pk])
    assert mp.team == world["team"]
    assert mp.base_postcode_id == "M33 7XZ"
    assert mp.covers_postcode_areas == "M33, M32 9" and mp.price_per_hour_pence == 1850
    assert mp.languages == ["English", "Polish"] and mp.offers == ["companionship", "getting_out"]
    organisation = mp.provider.owner
    assert organisation.name == "Bea's Befrienders" and organisation.kind == Organisation.Kind.BUSINESS
    assert mp.provider.email == "bea@example.com"
    assert AuditEvent.objects.filter(
        actor=world["coordinator"], action="create", target_id=str(mp.pk)
    ).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"offers": []}, "offers"),
        ({"offers": ["juggling"]}, "offers"),
        ({"base_postcode": ""}, "base_postcode"),
        ({"base_postcode": "ZZ99 9ZZ"}, "base_postcode"),
        ({"covers_postcode_areas": "", "covers_radius_miles": ""}, "covers_postcode_areas"),
        ({"covers_postcode_areas": "Sale"}, "covers_postcode_areas"),
        ({"covers_radius_miles": "250"}, "covers_radius_miles"),
        ({"covers_radius_miles": "0"}, "covers_radius_miles"),
        ({"price_per_hour_pence": "lots"}, "price_per_hour_pence"),
        ({"price_per_hour_pence": "-3"}, "price_per_hour_pence"),
        ({"price_per_hour_pence": "2000"}, "price_per_hour_pence"),
        ({"languages": "English, 42"}, "languages"),
        ({"needs_cqc_registration": "on", "cqc_number": ""}, "cqc_number"),
        ({"needs_cqc_registration": "on", "cqc_number": "1-1234"}, "cqc_number"),
        ({"cqc_number": "CQC-101234567"}, "cqc_number"),
        ({"name": ""}, "name"),
        ({"name": "Ann's Helping Hands Ltd"}, "name"),
        ({"description": ""}, "description"),
        ({"email": "not an email"}, "email"),
        ({"owner_name": " "}, "owner_name"),
    ],
)
def test_bad_registration_is_refused_naming_the_field_and_saves_nothing(client, world, change, field):
    organisations, providers = Organisation.objects.count(), Provider.objects.count()
    sign_in(client, world["coordinator"])
    response = client.post(NEW, _registration(**change))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert 'class="govuk-error-summary' in response.content.decode()
    assert MicroProvider.objects.count() == 1
    assert (Organisation.objects.count(), Provider.objects.count()) == (organisations, providers)


def test_a_cqc_registered_provider_gives_its_cqc_id(client, world):
    sign_in(client, world["coordinator"])
    client.post(NEW, _registration(needs_cqc_registration="on", cqc_number="1-101234567"))
    mp = MicroProvider.objects.get(provider__name="Bea's Befrienders")
    assert mp.needs_cqc_registration and mp.cqc_number == "1-101234567"


@pytest.mark.parametrize("cqc_number", ["1-12345678", "1-123456789012", "2-123456789", "1-12345678a"])
def test_the_cqc_id_is_checked_in_the_service_the_admin_and_pages_share(world, cqc_number):
    details = {
        "owner_name": "Ann", "offers": ["personal_care"], "base_postcode": postcode("M33 9ZZ"),
        "covers_radius_miles": 2, "price_per_hour_pence": 2000, "needs_cqc_registration": True,
        "cqc_number": cqc_number,
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        provider_services.clean_provider_details(details)
    assert list(refused.value.message_dict) == ["cqc_number"]
    form = MicroProviderAdminForm(
        {
            "provider": ProviderFactory().pk,
            "team": world["team"].pk,
            "owner_name": "Ann",
            "offers": '["personal_care"]',
            "base_postcode": "M33 9ZZ",
            "covers_radius_miles": "2",
            "price_per_hour_pence": "2000",
            "languages": '["English"]',
            "needs_cqc_registration": "on",
            "cqc_number": cqc_number,
        }  # fmt: skip
    )
    assert not form.is_valid()
    assert "cqc_number" in form.errors


def test_an_enquiry_at_the_checks_stage_is_registered_and_linked(client, world):
    enquiry = ProviderEnquiry.objects.create(
        team=world["team"], name="Amina Cooks", contact="0161 555 0000", stage=ProviderEnquiry.Stage.CHECKS
    )
    sign_in(client, world["coordinator"])
    page = client.get(reverse("care:provider_enquiry", args=[enquiry.pk])).content.decode()
    link = f"{NEW}?enquiry={enquiry.pk}"
    assert link in page
    assert 'value="Amina Cooks"' in client.get(link).content.decode()
    response = client.post(link, _registration(name="Amina Cooks"))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.micro_provider.provider.name == "Amina Cooks"
    assert enquiry.stage == ProviderEnquiry.Stage.CHECKS
    # Registered once only.
    again = client.post(link, _registration(name="Amina Cooks Again"))
    assert "already been registered" in str(again.context["errors"]), again.context["errors"]
    # Listed later, the provider it became is already known.
    provider_services.move_enquiry(world["coordinator"], enquiry, ProviderEnquiry.Stage.LISTED)
    enquiry.refresh_from_db()
    assert (
        enquiry.stage == ProviderEnquiry.Stage.LISTED
        and enquiry.micro_provider.provider.name == "Amina Cooks"
    )


def test_an_enquiry_before_the_checks_stage_is_not_registered(client, world):
    enquiry = ProviderEnquiry.objects.create(team=world["team"], name="Tom", contact="0161 555 0000")
    sign_in(client, world["coordinator"])
    response = client.post(f"{NEW}?enquiry={enquiry.pk}", _registration())
    assert "checks stage" in response.content.decode()
    assert not MicroProvider.objects.filter(provider__name="Bea's Befrienders").exists()


def test_who_may_not_register_a_provider(client, world):
    other_team, other_coordinator = make_team_elsewhere()
    enquiry = ProviderEnquiry.objects.create(
        team=world["team"], name="Amina", contact="0161 555 0000", stage=ProviderEnquiry.Stage.CHECKS
    )
    # Another team's member: not with this team, nor from its enquiry.
    sign_in(client, other_coordinator)
    client.post(NEW, _registration(name="Their Own", team=world["team"].pk))
    assert MicroProvider.objects.get(provider__name="Their Own").team == other_team
    assert client.get(f"{NEW}?enquiry={enquiry.pk}").status_code == 404
    assert client.get(f"{NEW}?enquiry=nope").status_code == 404
    with pytest.raises(ValidationError):
        provider_services.register_new_micro_provider(
            other_coordinator, world["team"], name="X", description="Y", details={}
        )
    # Its editor, a resident: no.
    for someone in (world["editor"], UserFactory(role=Role.RESIDENT)):
        client.logout()
        sign_in(client, someone, two_factor=True)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, _registration()).status_code == 403
    # Half signed in (no second factor yet): sent to prove one; anonymous: sent to sign in.
    client.logout()
    sign_in(client, world["coordinator"], two_factor=False)
    assert client.post(NEW, _registration()).status_code == 302
    client.logout()
    response = client.post(NEW, _registration())
    assert response.status_code == 302 and "/account/sign-in/" in response.url
    assert not MicroProvider.objects.filter(provider__name="Bea's Befrienders").exists()


def make_team_elsewhere():
    from accounts.tests.factories import TeamFactory

    team = TeamFactory(name="Another micro-enterprise team")
    return team, UserFactory(role=Role.COORDINATOR, teams=[team])


# ---------------------------------------------------------------------------------------------
# Changing


def test_the_providers_editor_changes_what_it_offers_but_not_its_team_or_checks(client, world):
    mp = world["mp"]
    other_team, _ = make_team_elsewhere()
    sign_in(client, world["editor"])
    page = client.get(_change(mp))
    assert page.status_code == 200
    assert "govuk-error-summary" not in page.content.decode() and 'value="Ann Owner"' in page.content.decode()
    response = client.post(
        _change(mp),
        _details(
            mp, offers=["respite"], price_per_hour_pence="21", languages="English, Urdu", team=other_team.pk
        ),
    )
    assert response.status_code == 302
    mp.refresh_from_db()
    assert (
        mp.offers == ["respite"] and mp.price_per_hour_pence == 2100 and mp.languages == ["English", "Urdu"]
    )
    assert mp.team == world["team"]
    assert AuditEvent.objects.filter(actor=world["editor"], action="update", target_id=str(mp.pk)).exists()
    # Its checks are the coordinators' alone.
    assert client.get(reverse("care:provider_checks", args=[mp.pk])).status_code == 404
    with pytest.raises(ValidationError):
        provider_services.record_check(
            world["editor"], mp, kind="dbs", evidence_reference="X", verified_on=CHECKED, expires_on=FAR_OFF
        )


def test_its_coordinator_changes_it_too(client, world):
    sign_in(client, world["coordinator"])
    response = client.post(_change(world["mp"]), _details(world["mp"], covers_radius_miles="4.5"))
    assert response.status_code == 302
    world["mp"].refresh_from_db()
    assert str(world["mp"].covers_radius_miles) == "4.5"


def test_bad_details_are_refused_naming_the_field_and_nothing_changes(client, world):
    mp = world["mp"]
    sign_in(client, world["editor"])
    for change, field in (
        ({"covers_postcode_areas": "", "covers_radius_miles": ""}, "covers_postcode_areas"),
        ({"needs_cqc_registration": "on", "cqc_number": "123"}, "cqc_number"),
        ({"base_postcode": "nowhere"}, "base_postcode"),
        ({"offers": []}, "offers"),
    ):
        response = client.post(_change(mp), _details(mp, price_per_hour_pence="99", **change))
        assert response.status_code == 200
        assert field in response.context["form"].errors
    mp.refresh_from_db()
    assert mp.price_per_hour_pence == 1850


def test_who_may_not_change_a_provider(client, world):
    mp = world["mp"]
    _, other_coordinator = make_team_elsewhere()
    other_editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    resident = UserFactory(role=Role.RESIDENT)
    slot = mp.availability.get()
    for someone in (other_coordinator, other_editor, resident):
        client.logout()
        sign_in(client, someone, two_factor=True)
        assert client.get(_change(mp)).status_code == 404
        assert client.post(_change(mp), _details(mp, price_per_hour_pence="1")).status_code == 404
        assert client.post(_change(mp), {"which": "remove", "slot": slot.pk}).status_code == 404
        assert (
            client.post(
                _change(mp), {"which": "worker", "worker-name": "Zed", "worker-role": "x"}
            ).status_code
            == 404
        )
    client.logout()
    assert client.get(_change(mp)).status_code == 302
    mp.refresh_from_db()
    assert mp.price_per_hour_pence == 1850 and mp.availability.exists() and not mp.workers.exists()


# ---------------------------------------------------------------------------------------------
# Workers


def test_a_worker_is_added_and_marked_as_left(client, world):
    mp = world["mp"]
    sign_in(client, world["editor"])
    response = client.post(
        _change(mp), {"which": "worker", "worker-name": "Bea", "worker-role": "support worker"}
    )
    assert response.status_code == 302
    worker = mp.workers.get()
    assert str(worker) == "Bea (support worker)"
    empty = client.post(_change(mp), {"which": "worker", "worker-name": "", "worker-role": ""})
    assert {"name", "role"} <= set(empty.context["form"].errors)
    today = timezone.localdate()
    future = client.post(
        _change(mp), {"which": "left", "left-worker": worker.pk, "left-left_on": today + timedelta(days=2)}
    )
    assert "cannot be in the future" in future.content.decode()
    response = client.post(_change(mp), {"which": "left", "left-worker": worker.pk, "left-left_on": today})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.left_on == today


def test_another_providers_worker_cannot_be_marked_as_left(client, world):
    other = make_provider(world["team"], world["coordinator"], name="Other Care", workers=(("Zed", "carer"),))
    zed = other.workers.get()
    sign_in(client, world["editor"])
    response = client.post(
        _change(world["mp"]), {"which": "left", "left-worker": zed.pk, "left-left_on": timezone.localdate()}
    )
    assert response.status_code == 200 and "worker" in response.context["form"].errors
    zed.refresh_from_db()
    assert zed.left_on is None


def test_a_worker_who_has_left_no_longer_needs_checks_in_date(world):
    team, coordinator = world["team"], world["coordinator"]
    mp = make_provider(team, coordinator, name="Kasia's Care", workers=(("Kasia", "support worker"),))
    kasia = mp.workers.get()
    provider_services.record_check(
        coordinator, mp, kind="dbs", worker=kasia, evidence_reference="0019",
        verified_on=CHECKED, expires_on=date(2026, 6, 1), today=CHECKED,
    )  # fmt: skip
    later = date(2026, 7, 1)
    # Her DBS has run out: the provider is hidden.
    assert [c.worker for c in provider_selectors.lapsed_required_checks(mp, later)] == [kasia]
    provider_services.apply_check_lapses(later)
    assert not mp.provider.services.filter(listing_status=ListingStatus.PUBLISHED).exists()
    # She left: her check no longer counts, and the listing is shown again.
    provider_services.mark_worker_left(coordinator, kasia, left_on=date(2026, 6, 15), today=later)
    mp = MicroProvider.objects.get(pk=mp.pk)
    assert provider_selectors.lapsed_required_checks(mp, later) == []
    assert mp.provider.services.filter(listing_status=ListingStatus.PUBLISHED).exists()
    assert provider_selectors.listed_provider(mp.pk, later) == mp
    # Before the day she left, it still counted.
    assert provider_selectors.lapsed_required_checks(mp, date(2026, 6, 10))
    # The team's checks page says so.
    client = sign_in(Client(), coordinator)
    assert (
        "Left: no longer needed" in client.get(reverse("care:provider_checks", args=[mp.pk])).content.decode()
    )
    # Her check is no longer "running out" or on the provider's badges.
    assert all(c.worker_id != kasia.pk for c in provider_selectors.checks_running_out(mp, later, days=9999))
    assert all(b.who != "support worker" for b in provider_selectors.check_badges(mp, later))


# ---------------------------------------------------------------------------------------------
# Weekly times


def test_times_are_added_without_overlaps_and_removed(client, world):
    mp = world["mp"]  # works Tuesdays 09:00 to 15:00
    sign_in(client, world["editor"])
    add = {"which": "time", "time-weekday": "1", "time-starts_at": "14:00", "time-ends_at": "18:00"}
    overlap = client.post(_change(mp), add)
    assert overlap.status_code == 200
    assert "overlaps Tuesdays 09:00 to 15:00" in overlap.context["form"].errors["starts_at"][0]
    backwards = client.post(_change(mp), add | {"time-starts_at": "18:00", "time-ends_at": "17:00"})
    assert "ends_at" in backwards.context["form"].errors
    assert client.post(_change(mp), add | {"time-weekday": "9"}).context["form"].errors["weekday"]
    assert mp.availability.count() == 1
    # Touching end to start is not an overlap.
    assert client.post(_change(mp), add | {"time-starts_at": "15:00"}).status_code == 302
    assert client.post(_change(mp), add | {"time-weekday": "4"}).status_code == 302
    assert [str(s) for s in mp.availability.all()] == [
        "Tuesdays 09:00 to 15:00",
        "Tuesdays 15:00 to 18:00",
        "Fridays 14:00 to 18:00",
    ]
    friday = mp.availability.get(weekday=4)
    assert client.post(_change(mp), {"which": "remove", "slot": friday.pk}).status_code == 302
    assert not ProviderAvailability.objects.filter(pk=friday.pk).exists()


def test_another_providers_time_cannot_be_removed(client, world):
    other = make_provider(world["team"], world["coordinator"], name="Other Care")
    slot = other.availability.get()
    sign_in(client, world["editor"])
    assert client.post(_change(world["mp"]), {"which": "remove", "slot": slot.pk}).status_code == 404
    assert client.post(_change(world["mp"]), {"which": "remove", "slot": "x"}).status_code == 404
    assert ProviderAvailability.objects.filter(pk=slot.pk).exists()


# ---------------------------------------------------------------------------------------------
# The editors' page


def test_the_editors_page_lists_their_providers_checks_and_requests(client, world):
    mp = world["mp"]
    ProviderWorker.objects.create(micro_provider=mp, name="Bea", role="support worker")
    request = ContactRequest.objects.create(micro_provider=mp, name="Edna Marsh", contact="0161 555 0123")
    sign_in(client, world["editor"], two_factor=True)
    page = client.get(YOURS).content.decode()
    assert "Ann&#x27;s Helping Hands" in page
    assert "DBS check (owner)" in page and "5 Jan 2030" in page
    assert "Edna Marsh" in page and "0161 555 0123" in page
    assert _change(mp) in page
    assert AuditEvent.objects.filter(actor=world["editor"], action="view", target_id=str(request.pk)).exists()


def test_who_may_not_see_the_editors_page(client, world):
    ContactRequest.objects.create(micro_provider=world["mp"], name="Edna Marsh", contact="0161 555 0123")
    # The editor without a second factor: sent to set one up, and nothing is read.
    sign_in(client, world["editor"], two_factor=False)
    response = client.get(YOURS)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_setup"))
    assert not AuditEvent.objects.filter(actor=world["editor"], action="view").exists()
    # Another provider's editor sees only their own provider.
    other = make_provider(world["team"], world["coordinator"], name="Other Care")
    other_editor = User.objects.get(organisation=other.provider.owner)
    client.logout()
    sign_in(client, other_editor, two_factor=True)
    page = client.get(YOURS).content.decode()
    assert "Other Care" in page and "Edna" not in page and "Ann&#x27;s" not in page
    # An editor of an organisation that is no provider, a coordinator, a resident: refused.
    for someone in (
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()),
        world["coordinator"],
        UserFactory(role=Role.RESIDENT),
    ):
        client.logout()
        sign_in(client, someone, two_factor=True)
        assert client.get(YOURS).status_code == 403
    client.logout()
    assert client.get(YOURS).status_code == 302


def test_the_navigation_shows_each_their_care_pages(client, world):
    sign_in(client, world["editor"])
    page = client.get(reverse("home")).content.decode()
    assert YOURS in page and 'href="/care/providers/"' not in page
    client.logout()
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()))
    assert YOURS not in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, world["coordinator"])
    page = client.get(reverse("home")).content.decode()
    assert 'href="/care/providers/"' in page and YOURS not in page
