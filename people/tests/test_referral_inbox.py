"""Referrals arrive by themselves: a referring organisation's link (a form, no account) and API
token, the team's referral inbox (accept, decline, ask for more), the messages to the referrer,
and who may see any of it."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory
from common.testing import assert_denied, sign_in
from people import referral_services, selectors, services
from people.forms import PublicReferralForm
from people.models import (
    SNOMED_DECLINED,
    SNOMED_REFERRAL,
    IncomingReferral,
    Person,
    Referral,
    ReferralLink,
    ReferralStep,
)
from people.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.REFERRAL_FORM_MIN_SECONDS = 0


@pytest.fixture
def lead(team, make_user):
    user = make_user(Role.LINK_WORKER, full_name="Lena Lead")
    user.memberships.create(team=team, is_lead=True)
    return user


@pytest.fixture
def worker(team, make_user):
    return make_user(Role.LINK_WORKER, teams=[team], full_name="Lina Worth", email="lina@example.org")


@pytest.fixture
def issued(lead, team):
    return referral_services.create_referral_link(lead, team, "Partington Health Centre", "gp_practice")


@pytest.fixture
def stranger(make_user):
    """A link worker of another team."""
    return make_user(Role.LINK_WORKER, teams=[TeamFactory()], full_name="Sam Stranger")


def _form(**changes):
    return {
        "referrer_name": "Dr Amara Okafor",
        "referrer_email": "amara.okafor@example.nhs.net",
        "full_name": "Walter Pennington",
        "date_of_birth": "1941-03-02",
        "phone": "0161 496 0000",
        "postcode": "M31 4DJ",
        "reasons": ["loneliness", "bereavement"],
        "what_matters": "Lost his wife in the spring; used to sing.",
        "agreed": "on",
        "started": PublicReferralForm.started_now(),
    } | changes


def _refer(client, issued, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("people:refer", args=[issued.form_secret]), _form(**changes))


def _received(issued, **changes):
    data = _form(**changes)
    data["date_of_birth"] = date(1941, 3, 2)
    data["agreed"] = True
    return referral_services.receive_referral(issued.link, data, sender="192.0.2.1")


# --- Links --------------------------------------------------------------------------------------


def test_a_link_keeps_only_digests_of_its_secrets(issued):
    link = ReferralLink.objects.get()
    assert issued.form_secret not in (link.form_digest, link.api_digest)
    assert link.form_digest == referral_services.digest(issued.form_secret)
    assert len(issued.form_secret) >= 40 and issued.form_secret != issued.api_token


def test_a_team_lead_makes_a_link_on_the_page_and_sees_its_secrets_once(client, lead, team):
    sign_in(client, lead)
    response = client.post(
        reverse("people:add_referral_link"),
        {"team": team.pk, "referring_organisation": "Flixton Surgery", "kind": "gp_practice"},
    )
    assert response.status_code == 200
    link = ReferralLink.objects.get(referring_organisation="Flixton Surgery")
    page = response.content.decode()
    assert "/people/refer/" in page and "Authorization: Token" in page
    assert "no-store" in response.headers["Cache-Control"] or "max-age=0" in response.headers["Cache-Control"]
    listing = client.get(reverse("people:referral_links")).content.decode()
    assert "Flixton Surgery" in listing and link.form_digest not in listing


def test_a_team_member_who_is_not_a_lead_cannot_make_or_revoke_links(client, worker, issued, team):
    sign_in(client, worker)
    assert client.get(reverse("people:referral_links")).status_code == 403
    refused = client.post(
        reverse("people:add_referral_link"),
        {"team": team.pk, "referring_organisation": "X", "kind": "gp_practice"},
    )
    assert refused.status_code == 403
    assert_denied(client.post(reverse("people:revoke_referral_link", args=[issued.link.pk])))
    assert ReferralLink.objects.count() == 1 and ReferralLink.objects.get().revoked_at is None


def test_a_lead_of_another_team_cannot_revoke_the_link(client, issued, make_user):
    other_lead = make_user(Role.LINK_WORKER)
    other_lead.memberships.create(team=TeamFactory(), is_lead=True)
    sign_in(client, other_lead)
    assert client.post(reverse("people:revoke_referral_link", args=[issued.link.pk])).status_code == 404
    assert ReferralLink.objects.get().revoked_at is None


def test_a_revoked_link_opens_neither_the_form_nor_the_api(client, lead, issued):
    sign_in(client, lead)
    client.post(reverse("people:revoke_referral_link", args=[issued.link.pk]))
    client.logout()
    assert client.get(reverse("people:refer", args=[issued.form_secret])).status_code == 404
    answer = client.post(
        reverse("api_incoming_referrals"),
        _api_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {issued.api_token}",
    )
    assert answer.status_code == 401
    assert not IncomingReferral.objects.exists()


def test_a_made_up_link_is_not_found(client, issued):
    assert client.get(reverse("people:refer", args=["not-a-real-secret"])).status_code == 404


# --- The public form -----------------------------------------------------------------------------


def test_a_gp_sends_a_referral_through_the_link_and_is_acknowledged(
    client, issued, team, django_capture_on_commit_callbacks
):
    page = client.get(reverse("people:refer", args=[issued.form_secret]))
    assert page.status_code == 200 and "Partington Health Centre" in page.content.decode()
    response = _refer(client, issued, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    incoming = IncomingReferral.objects.get()
    assert incoming.team == team and incoming.full_name == "Walter Pennington"
    assert incoming.reasons == ["loneliness", "bereavement"]
    assert incoming.status == "received" and incoming.snomed_code == SNOMED_REFERRAL
    assert list(incoming.steps.values_list("status", flat=True)) == ["received"]
    assert len(mail.outbox) == 1
    acknowledgement = mail.outbox[0]
    assert acknowledgement.to == ["amara.okafor@example.nhs.net"]
    assert incoming.reference in acknowledgement.subject
    assert "Walter" not in acknowledgement.body  # email names the reference, not the person
    thanks = client.get(response.headers["Location"]).content.decode()
    assert incoming.reference in thanks
    # Audited, without the link's secret (administrators read the log).
    event = AuditEvent.objects.get(action="create", target_type__model="incomingreferral")
    assert event.path == "/people/refer/…/" and issued.form_secret not in event.path


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("full_name", {"full_name": ""}, "Enter the full name of the person referred"),
        ("referrer_email", {"referrer_email": "not-an-address"}, "Enter an email address"),
        ("reasons", {"reasons": []}, "Choose at least one reason for the referral"),
        ("reasons", {"reasons": ["astrology"]}, "Select a valid choice"),
        ("agreed", {"agreed": ""}, "A referral can only be sent if the person agrees to it"),
        ("date_of_birth", {"date_of_birth": "2999-01-01"}, "date of birth"),
        ("postcode", {"postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
    ],
)
def test_bad_input_on_the_form_names_the_field_and_saves_nothing(
    client, issued, django_capture_on_commit_callbacks, field, changes, message
):
    response = _refer(client, issued, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(message) >= 1 or message.lower() in page.lower()
    assert f'href="#id_{field}' in page  # the error summary links to the field
    assert not IncomingReferral.objects.exists() and not mail.outbox


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(
    client, issued, django_capture_on_commit_callbacks
):
    response = _refer(client, issued, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302
    assert not IncomingReferral.objects.exists() and not mail.outbox


def test_a_form_sent_back_faster_than_a_person_could_is_refused(
    client, issued, settings, django_capture_on_commit_callbacks
):
    settings.REFERRAL_FORM_MIN_SECONDS = 60
    response = _refer(client, issued, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "faster than a person can fill the form in" in response.content.decode()
    assert not IncomingReferral.objects.exists()


def test_a_form_without_our_signed_start_is_refused(client, issued, django_capture_on_commit_callbacks):
    response = _refer(client, issued, django_capture_on_commit_callbacks, started="1700000000")
    assert "open for too long" in response.content.decode()
    assert not IncomingReferral.objects.exists()


def test_one_address_is_limited_to_a_number_of_referrals_an_hour(
    client, issued, django_capture_on_commit_callbacks
):
    for _ in range(referral_services.REFERRALS_PER_HOUR_PER_ADDRESS):
        assert _refer(client, issued, django_capture_on_commit_callbacks).status_code == 302
    refused = _refer(client, issued, django_capture_on_commit_callbacks)
    assert refused.status_code == 429 and "Try again later" in refused.content.decode()
    assert IncomingReferral.objects.count() == referral_services.REFERRALS_PER_HOUR_PER_ADDRESS


def test_one_link_is_limited_to_a_number_of_referrals_an_hour_from_anywhere(issued):
    for n in range(referral_services.REFERRALS_PER_HOUR_PER_LINK):
        referral_services.receive_referral(issued.link, _valid(), sender=f"192.0.2.{n}")
    with pytest.raises(referral_services.TooManyReferrals):
        referral_services.receive_referral(issued.link, _valid(), sender="198.51.100.7")
    assert IncomingReferral.objects.count() == referral_services.REFERRALS_PER_HOUR_PER_LINK


def _valid():
    return {
        "referrer_name": "Dr Okafor",
        "referrer_email": "a@example.nhs.net",
        "full_name": "Walter Pennington",
        "reasons": ["loneliness"],
        "agreed": True,
    }


# --- The API -------------------------------------------------------------------------------------


def _api_body(**changes):
    return {
        "referrer_name": "Dr Amara Okafor",
        "referrer_email": "amara.okafor@example.nhs.net",
        "full_name": "Walter Pennington",
        "reasons": ["loneliness", "money"],
        "agreed": True,
    } | changes


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_practice_system_sends_a_referral_with_its_introducer_token(
    client, issued, team, keyword, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("api_incoming_referrals"),
            _api_body(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"{keyword} {issued.api_token}",
        )
    assert answer.status_code == 201, answer.content
    incoming = IncomingReferral.objects.get()
    assert answer.json()["reference"] == incoming.reference
    assert incoming.team == team and incoming.reasons == ["loneliness", "money"]
    assert len(mail.outbox) == 1


def test_the_api_answers_429_once_an_address_has_sent_too_many(client, issued):
    def send():
        return client.post(
            reverse("api_incoming_referrals"),
            _api_body(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {issued.api_token}",
        )

    for _ in range(referral_services.REFERRALS_PER_HOUR_PER_ADDRESS):
        assert send().status_code == 201
    refused = send()
    assert refused.status_code == 429
    assert refused.json() == {"detail": referral_services.TOO_MANY}
    assert IncomingReferral.objects.count() == referral_services.REFERRALS_PER_HOUR_PER_ADDRESS


@pytest.mark.parametrize("header", [None, "Token wrong", "Token", "Basic abc", "Token a b"])
def test_the_api_refuses_a_missing_or_wrong_token(client, issued, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    answer = client.post(
        reverse("api_incoming_referrals"), _api_body(), content_type="application/json", **extra
    )
    assert answer.status_code in (401, 403)
    assert not IncomingReferral.objects.exists()


def test_a_signed_in_link_worker_cannot_send_through_the_api_without_a_token(client, worker, issued):
    sign_in(client, worker)
    answer = client.post(reverse("api_incoming_referrals"), _api_body(), content_type="application/json")
    assert answer.status_code in (401, 403)
    assert not IncomingReferral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reasons": []}, "reasons"),
        ({"reasons": ["astrology"]}, "reasons"),
        ({"agreed": False}, "agreed"),
        ({"full_name": ""}, "full_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"referrer_email": "nope"}, "referrer_email"),
    ],
)
def test_bad_input_to_the_api_names_the_field_and_saves_nothing(client, issued, changes, field):
    answer = client.post(
        reverse("api_incoming_referrals"),
        _api_body(**changes),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {issued.api_token}",
    )
    assert answer.status_code == 400
    assert field in answer.json()
    assert not IncomingReferral.objects.exists()


# --- The inbox -----------------------------------------------------------------------------------


def test_the_teams_link_worker_sees_the_referral_in_the_inbox_and_reading_it_is_audited(
    client, worker, issued
):
    incoming = _received(issued)
    sign_in(client, worker)
    inbox = client.get(reverse("people:inbox")).content.decode()
    assert "Walter Pennington" in inbox and "Partington Health Centre" in inbox
    page = client.get(reverse("people:incoming_referral", args=[incoming.pk]))
    assert page.status_code == 200 and "Lost his wife" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view", target_id=str(incoming.pk), target_type__model="incomingreferral", actor=worker
    ).exists()


def test_another_teams_link_worker_is_refused_the_referral_everywhere(
    client, stranger, issued, django_capture_on_commit_callbacks
):
    incoming = _received(issued)
    sign_in(client, stranger)
    assert "Walter" not in client.get(reverse("people:inbox")).content.decode()
    for name in ("incoming_referral", "accept_referral", "decline_referral", "ask_about_referral"):
        assert client.get(reverse(f"people:{name}", args=[incoming.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:accept_referral", args=[incoming.pk]), {"consent_method": "spoken"})
        client.post(reverse("people:decline_referral", args=[incoming.pk]), {"reason": "No"})
        client.post(reverse("people:ask_about_referral", args=[incoming.pk]), {"question": "Who?"})
        client.post(reverse("people:erase_incoming_referral", args=[incoming.pk]))
    incoming.refresh_from_db()
    assert incoming.status == "received" and incoming.full_name == "Walter Pennington"
    assert not Person.objects.exists() and not mail.outbox


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.COMMISSIONER, Role.ORGANISATION_EDITOR])
def test_roles_that_do_not_read_records_are_refused_the_inbox_even_on_the_team(
    client, issued, team, make_user, role
):
    incoming = _received(issued)
    sign_in(client, make_user(role, teams=[team]))
    assert_denied(client.get(reverse("people:inbox")))
    assert_denied(client.get(reverse("people:incoming_referral", args=[incoming.pk])))


def test_someone_signed_out_is_sent_to_sign_in(client, issued):
    incoming = _received(issued)
    assert_denied(client.get(reverse("people:inbox")))
    assert_denied(client.get(reverse("people:incoming_referral", args=[incoming.pk])))


def test_accepting_starts_the_persons_record_and_the_referral_with_its_code(
    client, worker, issued, team, django_capture_on_commit_callbacks
):
    incoming = _received(issued)
    mail.outbox.clear()
    sign_in(client, worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:accept_referral", args=[incoming.pk]),
            {"consent_method": "spoken", "consent_given_on": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.full_name == "Walter Pennington" and person.team == team
    assert person.date_of_birth == date(1941, 3, 2) and person.introduced_by == "gp_practice"
    assert person.coordinator == worker
    referral = Referral.objects.get()
    assert response.headers["Location"] == reverse("people:referral", args=[referral.pk])
    assert referral.person == person and referral.reasons == ["loneliness", "bereavement"]
    assert referral.snomed_code == SNOMED_REFERRAL and referral.practitioner == "Dr Amara Okafor"
    incoming.refresh_from_db()
    assert (incoming.status, incoming.person, incoming.referral) == ("accepted", person, referral)
    assert list(referral.steps.values_list("status", flat=True)) == ["received", "accepted"]
    assert len(mail.outbox) == 1 and "accepted" in mail.outbox[0].subject
    record = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Partington Health Centre" in record


def test_accepting_links_an_existing_record_of_the_team(client, worker, issued, team):
    known = PersonFactory(team=team, full_name="Walter Pennington")
    incoming = _received(issued)
    sign_in(client, worker)
    client.post(reverse("people:accept_referral", args=[incoming.pk]), {"person": known.pk})
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == known


def test_accepting_cannot_link_another_teams_record(client, worker, issued):
    elsewhere = PersonFactory(team=TeamFactory(), full_name="Walter Pennington")
    incoming = _received(issued)
    sign_in(client, worker)
    response = client.post(reverse("people:accept_referral", args=[incoming.pk]), {"person": elsewhere.pk})
    assert response.status_code == 200
    assert "Choose someone on the team" in response.content.decode()
    assert not Referral.objects.exists()
    incoming.refresh_from_db()
    assert incoming.status == "received"


def test_accepting_a_new_record_needs_how_they_agreed(client, worker, issued):
    incoming = _received(issued)
    sign_in(client, worker)
    response = client.post(reverse("people:accept_referral", args=[incoming.pk]), {})
    assert "Say how they agreed" in response.content.decode()
    assert not Person.objects.exists() and not Referral.objects.exists()


def test_a_referral_is_answered_once(worker, issued):
    incoming = _received(issued)
    referral_services.decline_referral(worker, incoming, "Not in our area.")
    with pytest.raises(referral_services.Refusal):
        referral_services.accept_referral(
            worker, incoming, consent_method="spoken", consent_given_on=timezone.localdate()
        )
    assert not Person.objects.exists()


def test_declining_says_why_to_the_referrer_with_the_declined_code(
    client, worker, issued, django_capture_on_commit_callbacks
):
    incoming = _received(issued)
    mail.outbox.clear()
    sign_in(client, worker)
    empty = client.post(reverse("people:decline_referral", args=[incoming.pk]), {"reason": ""})
    assert "Say why the referral is declined" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:decline_referral", args=[incoming.pk]), {"reason": "Lives outside our area."}
        )
    incoming.refresh_from_db()
    assert incoming.status == "declined" and incoming.snomed_code == SNOMED_DECLINED
    assert incoming.decline_reason == "Lives outside our area."
    assert len(mail.outbox) == 1 and "Lives outside our area." in mail.outbox[0].body
    assert SNOMED_DECLINED in mail.outbox[0].body
    assert not Person.objects.exists()


def test_asking_for_more_emails_the_referrer_and_keeps_it_waiting(
    client, worker, issued, django_capture_on_commit_callbacks
):
    incoming = _received(issued)
    mail.outbox.clear()
    sign_in(client, worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:ask_about_referral", args=[incoming.pk]), {"question": "Is he on a ward?"}
        )
    incoming.refresh_from_db()
    assert incoming.status == "more_information_asked" and incoming.is_open
    message = mail.outbox[0]
    assert "Is he on a ward?" in message.body and message.reply_to == ["lina@example.org"]
    assert "Walter Pennington" in client.get(reverse("people:inbox")).content.decode()
    step = incoming.steps.get(status="more_information_asked")
    assert step.by == worker and step.note == "Is he on a ward?"


def test_nothing_is_sent_when_the_action_rolls_back(worker, issued, django_capture_on_commit_callbacks):
    incoming = _received(issued)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(referral_services.Refusal):
        referral_services.decline_referral(worker, incoming, "   ")
    assert not mail.outbox


# --- Privacy -------------------------------------------------------------------------------------


def test_a_lead_erases_a_declined_referral(client, lead, worker, issued):
    incoming = _received(issued)
    referral_services.decline_referral(worker, incoming, "Not for us.")
    sign_in(client, worker)
    assert client.post(reverse("people:erase_incoming_referral", args=[incoming.pk])).status_code == 403
    sign_in(client, lead)
    client.post(reverse("people:erase_incoming_referral", args=[incoming.pk]))
    incoming = IncomingReferral.objects.get(pk=incoming.pk)
    assert incoming.erased_at and incoming.full_name == "" and incoming.decline_reason == ""
    assert not ReferralStep.objects.exclude(note="").exists()
    assert client.get(reverse("people:incoming_referral", args=[incoming.pk])).status_code == 404


def test_subject_access_and_erasure_reach_the_referral_sent_in(lead, worker, issued, team):
    incoming = _received(issued)
    referral = referral_services.accept_referral(
        worker, incoming, consent_method="spoken", consent_given_on=timezone.localdate()
    )
    _person, data = selectors.subject_access_for(lead, referral.person.pk)
    sections = {s["key"]: s["records"] for s in data["sections"]}
    [sent_in] = sections["referrals_sent_in"]
    assert sent_in["what_matters"] == "Lost his wife in the spring; used to sing."
    assert sent_in["referrer"] == "Dr Amara Okafor"
    [held] = sections["referrals"]
    assert held["snomed_ct_code"] == SNOMED_REFERRAL
    assert [step["what"] for step in held["history"]] == ["Received", "Accepted"]
    services.erase_person(lead, referral.person)
    incoming.refresh_from_db()
    assert incoming.full_name == "" and incoming.what_matters == "" and incoming.referrer_email == ""
    assert incoming.erased_at is not None
    assert not ReferralStep.objects.exclude(note="", by_label="").exists()


def test_the_api_description_names_the_introducer_token():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/referrals/incoming/"]["post"]
    assert operation["security"] == [{"introducerToken": []}]
    assert {"201", "400", "401"} <= set(operation["responses"])
    scheme = schema["components"]["securitySchemes"]["introducerToken"]
    assert scheme["in"] == "header" and scheme["name"] == "Authorization"
