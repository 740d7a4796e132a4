"""Micro-provider pages: finding support near a person, a provider's public page, the contact
request (only the provider's editors ever see it), the pipeline. Each denial is tested."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from accounts.tests.factories import OrganisationFactory, UserFactory
from care.models import ContactRequest, ProviderEnquiry
from care.tests.provider_factories import make_provider, make_team, postcode
from common.testing import sign_in
from directory.models import ListingStatus
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team, coordinator = make_team()
    home = postcode("M33 7XZ")
    mp = make_provider(
        team, coordinator, name="Ann's Helping Hands", base=postcode("M33 2AA", miles_north=1.2),
        workers=(("Bea Worker", "support worker"),),
    )  # fmt: skip
    editor = User.objects.get(organisation=mp.provider.owner)
    return {"team": team, "coordinator": coordinator, "home": home, "mp": mp, "editor": editor}


def test_a_coordinator_finds_a_provider_near_a_person_from_the_person_page(client, world):
    person = PersonFactory(team=world["team"], full_name="Edna Marsh", postcode=world["home"])
    sign_in(client, world["coordinator"])
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    link = f"{reverse('care:find_support')}?person={person.pk}"
    assert link.replace("&", "&amp;") in page

    response = client.get(link)
    assert response.status_code == 200
    assert 'value="M33 7XZ"' in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=world["coordinator"], action="view", target_id=str(person.pk)
    ).exists()

    found = client.get(reverse("care:find_support"), {"postcode": "m33 7xz", "need": "companionship"})
    body = found.content.decode()
    assert "Ann&#x27;s Helping Hands" in body
    assert "1.2 miles" in body and "Companionship" in body


def test_another_teams_person_is_not_found_and_nothing_is_shown(client, world):
    stranger = PersonFactory(full_name="Zed Stranger", postcode=world["home"])
    sign_in(client, world["coordinator"])
    assert client.get(reverse("care:find_support"), {"person": stranger.pk}).status_code == 404
    assert client.get(reverse("care:find_support"), {"person": "not-an-id"}).status_code == 404


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER])
def test_only_staff_who_work_with_people_may_search(client, world, role):
    sign_in(client, UserFactory(role=role))
    assert client.get(reverse("care:find_support"), {"postcode": "M33 7XZ"}).status_code == 403


def test_anonymous_is_sent_to_sign_in_for_the_search(client):
    response = client.get(reverse("care:find_support"))
    assert response.status_code == 302 and "sign-in" in response.url


@pytest.mark.parametrize(
    "query, message",
    [
        ({"postcode": ""}, "Enter the postcode of where the person lives"),
        ({"postcode": "not a postcode"}, "is not a UK postcode"),
        ({"postcode": "M33 7XZ", "need": "gardening"}, "Select a valid choice"),
        ({"postcode": "M33 7XZ", "day": "9"}, "Select a valid choice"),
        ({"postcode": "M33 7XZ", "starts_at": "25:00"}, "Enter a valid time"),
        ({"postcode": "M33 7XZ", "starts_at": "12:00", "ends_at": "11:00"}, "must be after"),
    ],
)
def test_bad_search_input_is_answered_with_the_field_named(client, world, query, message):
    sign_in(client, world["coordinator"])
    response = client.get(reverse("care:find_support"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body


def test_the_public_page_shows_the_provider_and_its_badges_but_no_worker(client, world):
    response = client.get(reverse("care:provider", args=[world["mp"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "DBS check (support worker)" not in body  # no check recorded for the worker
    assert "DBS check (owner): checked on 5 January 2026" in body
    assert "£18.50 an hour" in body and "Tuesdays 09:00 to 15:00" in body
    assert "Bea Worker" not in body


def test_a_hidden_or_unknown_provider_has_no_page(client, world):
    world["mp"].provider.services.update(listing_status="draft")
    assert client.get(reverse("care:provider", args=[world["mp"].pk])).status_code == 404
    assert client.get(reverse("care:provider", args=[999999])).status_code == 404
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("care:provider_contact", args=[world["mp"].pk])).status_code == 404


def test_a_contact_request_reaches_the_providers_editors_only_and_is_audited(client, world):
    other_editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    resident = UserFactory(role=Role.RESIDENT)
    sign_in(client, resident)
    response = client.post(
        reverse("care:provider_contact", args=[world["mp"].pk]),
        {"name": "Edna Marsh", "contact": "0161 555 0123", "message": "Help with shopping on Tuesdays"},
    )
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == [world["editor"].email]
    assert "Edna Marsh" in email.body and "0161 555 0123" in email.body
    request = ContactRequest.objects.get()
    assert request.sent_by == resident
    assert AuditEvent.objects.filter(actor=resident, action="create", target_id=str(request.pk)).exists()

    # The provider's editor reads it (audited); nobody else does, not even its coordinator.
    requests_url = reverse("care:provider_contact_requests", args=[world["mp"].pk])
    # ... but not with a password alone: the second factor first, and nothing read meanwhile.
    sign_in(client, world["editor"], two_factor=False)
    skipped = client.get(requests_url)
    assert skipped.status_code == 302 and skipped.url.startswith(reverse("accounts:two_factor_setup"))
    assert not AuditEvent.objects.filter(actor=world["editor"], action="view").exists()
    sign_in(client, world["editor"], two_factor=True)
    assert "Edna Marsh" in client.get(requests_url).content.decode()
    assert AuditEvent.objects.filter(actor=world["editor"], action="view", target_id=str(request.pk)).exists()
    for someone in (world["coordinator"], other_editor, resident):
        client.logout()
        sign_in(client, someone, two_factor=True)
        response = client.get(requests_url)
        assert response.status_code == 404
        assert "Edna" not in response.content.decode()
    client.logout()
    assert client.get(requests_url).status_code == 302


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "contact": "0161 555 0123"}, "Enter the name of who the support is for"),
        ({"name": "Edna", "contact": ""}, "Enter a phone number or email address"),
        ({"name": "Edna", "contact": "call me"}, "Enter a phone number like"),
        ({"name": "Edna", "contact": "edna@"}, "Enter an email address like"),
    ],
)
def test_a_bad_contact_request_is_refused_naming_the_field_and_nothing_is_sent(client, world, data, message):
    sign_in(client, UserFactory(role=Role.RESIDENT))
    response = client.post(reverse("care:provider_contact", args=[world["mp"].pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactRequest.objects.exists() and mail.outbox == []


def test_a_provider_with_no_one_to_email_is_refused_before_anything_is_kept(client):
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, name="Quiet", with_editor=False)
    sign_in(client, UserFactory(role=Role.RESIDENT))
    response = client.post(
        reverse("care:provider_contact", args=[mp.pk]), {"name": "Edna", "contact": "0161 555 0123"}
    )
    assert "cannot take requests online yet" in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_the_pipeline_moves_an_enquiry_from_enquiry_to_listed(client, world):
    sign_in(client, world["coordinator"])
    response = client.post(
        reverse("care:provider_pipeline"),
        {
            "team": world["team"].pk,
            "name": "Cara Newby",
            "contact": "cara@example.org",
            "idea": "Sitting service",
        },
    )
    enquiry = ProviderEnquiry.objects.get()
    assert response.url == reverse("care:provider_enquiry", args=[enquiry.pk])
    here = response.url
    client.post(here, {"session-held_on": timezone.localdate().isoformat(), "session-notes": "Pricing"})
    enquiry.refresh_from_db()
    assert enquiry.stage == "support" and enquiry.sessions.count() == 1
    client.post(here, {"stage-stage": "checks"})
    enquiry.refresh_from_db()
    assert enquiry.stage == "checks"
    refused = client.post(here, {"stage-stage": "listed"})
    assert "Choose the micro-provider this enquiry became" in refused.content.decode()
    client.post(here, {"stage-stage": "listed", "stage-micro_provider": world["mp"].pk})
    enquiry.refresh_from_db()
    assert enquiry.stage == "listed" and enquiry.micro_provider == world["mp"]
    assert "Cara Newby" in client.get(reverse("care:provider_pipeline")).content.decode()


def test_a_future_support_session_is_refused(client, world):
    sign_in(client, world["coordinator"])
    client.post(
        reverse("care:provider_pipeline"),
        {"team": world["team"].pk, "name": "Cara Newby", "contact": "0161 555 0000"},
    )
    enquiry = ProviderEnquiry.objects.get()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("care:provider_enquiry", args=[enquiry.pk]), {"session-held_on": tomorrow})
    assert "cannot be in the future" in response.content.decode()
    assert not enquiry.sessions.exists()


def test_another_team_cannot_see_or_change_an_enquiry(client, world):
    sign_in(client, world["coordinator"])
    client.post(
        reverse("care:provider_pipeline"),
        {"team": world["team"].pk, "name": "Cara Newby", "contact": "0161 555 0000"},
    )
    enquiry = ProviderEnquiry.objects.get()
    other_team, other = make_team()
    client.logout()
    sign_in(client, other, two_factor=True)
    assert "Cara Newby" not in client.get(reverse("care:provider_pipeline")).content.decode()
    assert client.get(reverse("care:provider_enquiry", args=[enquiry.pk])).status_code == 404
    assert (
        client.post(
            reverse("care:provider_enquiry", args=[enquiry.pk]), {"stage-stage": "stopped"}
        ).status_code
        == 404
    )
    # Nor add an enquiry to a team they are not on.
    client.post(
        reverse("care:provider_pipeline"), {"team": world["team"].pk, "name": "X", "contact": "0161 555 0000"}
    )
    enquiry.refresh_from_db()
    assert enquiry.stage == "enquiry" and ProviderEnquiry.objects.count() == 1


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER])
def test_the_pipeline_is_refused_to_those_who_do_not_work_with_people(client, role):
    sign_in(client, UserFactory(role=role))
    assert client.get(reverse("care:provider_pipeline")).status_code == 403


def test_the_coordinator_records_a_renewal_on_the_checks_page_and_the_provider_is_shown_again(client, world):
    mp = world["mp"]
    sign_in(client, world["coordinator"])
    worker = mp.workers.get()
    url = reverse("care:provider_checks", args=[mp.pk])
    response = client.post(
        url,
        {"kind": "dbs", "worker": worker.pk, "evidence_reference": "0012", "verified_on": "2026-01-05",
         "expires_on": "2026-02-01", "required": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert date(2026, 2, 1) < timezone.localdate()  # so the DBS just recorded has run out
    assert mp.provider.services.get().listing_status == ListingStatus.DRAFT
    body = client.get(reverse("care:providers")).content.decode()
    assert "Hidden: 1 required check run out" in body
    page = client.get(url).content.decode()
    assert "Bea Worker (support worker)" in page and "Run out" in page and "£5,000,000" in page

    today = timezone.localdate().isoformat()
    client.post(
        url,
        {"kind": "dbs", "worker": worker.pk, "evidence_reference": "0099", "verified_on": today,
         "expires_on": "2030-01-01", "required": "on"},
    )  # fmt: skip
    assert mp.provider.services.get().listing_status == ListingStatus.PUBLISHED


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "insurance", "evidence_reference": "P", "verified_on": "2026-01-05",
          "expires_on": "2027-01-05"}, "Enter the amount of cover"),
        ({"kind": "dbs", "evidence_reference": "P", "verified_on": "2026-01-05", "expires_on": "2025-01-05"},
         "must be after the date it was checked"),
        ({"kind": "dbs", "evidence_reference": "", "verified_on": "2026-01-05"}, "Enter the evidence seen"),
        ({"kind": "dbs", "evidence_reference": "P", "verified_on": "yesterday"}, "Enter a valid date"),
        ({"kind": "dbs", "worker": "999", "evidence_reference": "P", "verified_on": "2026-01-05"},
         "Select a valid choice"),
    ],
)  # fmt: skip
def test_a_bad_check_on_the_page_is_answered_naming_the_field(client, world, data, message):
    sign_in(client, world["coordinator"])
    before = world["mp"].checks.count()
    response = client.post(reverse("care:provider_checks", args=[world["mp"].pk]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and message in response.content.decode()
    assert world["mp"].checks.count() == before


def test_the_checks_page_is_refused_to_everyone_but_the_providers_coordinators(client, world):
    url = reverse("care:provider_checks", args=[world["mp"].pk])
    _, other = make_team()
    for someone in (other, world["editor"], UserFactory(role=Role.RESIDENT)):
        client.logout()
        sign_in(client, someone, two_factor=True)
        assert client.get(url).status_code == 404
        assert (
            client.post(
                url, {"kind": "dbs", "evidence_reference": "X", "verified_on": "2026-01-05"}
            ).status_code
            == 404
        )
        assert "Bea Worker" not in client.get(reverse("care:providers")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_more_contact_requests_in_an_hour_than_a_person_would_send_are_refused(client, world):
    from care.provider_services import CONTACT_REQUESTS_PER_HOUR

    sign_in(client, UserFactory(role=Role.RESIDENT))
    url = reverse("care:provider_contact", args=[world["mp"].pk])
    for _ in range(CONTACT_REQUESTS_PER_HOUR):
        assert client.post(url, {"name": "Edna", "contact": "0161 555 0123"}).status_code == 302
    response = client.post(url, {"name": "Edna", "contact": "0161 555 0123"})
    assert response.status_code == 429
    assert "sent a lot of requests" in response.content.decode()
    assert ContactRequest.objects.count() == CONTACT_REQUESTS_PER_HOUR


def test_subject_access_shows_the_contact_requests_a_sign_in_sent_and_erasure_removes_them(client, world):
    from accounts.privacy import account_sections, erase_account

    resident = UserFactory(role=Role.RESIDENT)
    sign_in(client, resident)
    client.post(
        reverse("care:provider_contact", args=[world["mp"].pk]),
        {"name": "Edna Marsh", "contact": "0161 555 0123"},
    )
    (found,) = [s for s in account_sections(resident) if s["key"] == "care_contact_requests"]
    assert found["records"][0]["name"] == "Edna Marsh"
    assert all(s["key"] != "care_contact_requests" for s in account_sections(world["editor"]))
    erase_account(resident)
    assert not ContactRequest.objects.exists()
