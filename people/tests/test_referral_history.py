"""A referral is changed and closed with its outcome; its history (received, accepted, more
information asked, changed, closed: who and when) is kept and shown on the referral; the referrer
is sent the outcome when the person agrees to them being told."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory
from common.testing import assert_denied, sign_in
from people import referral_services
from people.models import Consent, Referral, ReferralStep
from people.tests.factories import PersonFactory


@pytest.fixture
def worker(team, make_user):
    return make_user(Role.LINK_WORKER, teams=[team], full_name="Lina Worth", email="lina@example.org")


@pytest.fixture
def sent_in(team, worker, make_user):
    """A referral a surgery sent through its link, with a question asked, then accepted."""
    lead = make_user(Role.LINK_WORKER)
    lead.memberships.create(team=team, is_lead=True)
    issued = referral_services.create_referral_link(lead, team, "Partington Health Centre", "gp_practice")
    incoming = referral_services.receive_referral(
        issued.link,
        {
            "referrer_name": "Dr Amara Okafor",
            "referrer_email": "amara.okafor@example.nhs.net",
            "full_name": "Walter Pennington",
            "reasons": ["loneliness"],
            "agreed": True,
        },
    )
    referral_services.ask_for_more_information(worker, incoming, "Does he drive?")
    return referral_services.accept_referral(
        worker, incoming, consent_method="spoken", consent_given_on=timezone.localdate()
    )


def _close(client, referral, capture, **changes):
    data = {
        "closed_on": timezone.localdate().isoformat(),
        "closure_reason": "connected",
        "support_offered": "The Partington choir and the Tuesday lunch club.",
        "what_changed": "Sings again; sees friends twice a week.",
    } | changes
    with capture(execute=True):
        return client.post(reverse("people:close_referral", args=[referral.pk]), data)


def test_the_referral_page_shows_its_whole_history_who_and_when(client, worker, sent_in):
    sign_in(client, worker)
    page = client.get(reverse("people:referral", args=[sent_in.pk])).content.decode()
    history = page[page.index(">History<") :]
    assert history.index("Received") < history.index("More information asked") < history.index("Accepted")
    assert "Dr Amara Okafor, Partington Health Centre" in page  # who sent it
    assert "Lina Worth" in page and "Does he drive?" in page
    assert "871731000000106" in page


def test_the_persons_record_links_to_the_referral(client, worker, sent_in):
    sign_in(client, worker)
    record = client.get(reverse("people:person", args=[sent_in.person.pk])).content.decode()
    assert reverse("people:referral", args=[sent_in.pk]) in record


def test_changing_a_referral_keeps_every_reason_and_a_step(client, worker, sent_in):
    sign_in(client, worker)
    response = client.post(
        reverse("people:change_referral", args=[sent_in.pk]),
        {
            "received_on": sent_in.received_on.isoformat(),
            "referring_organisation": "Partington Health Centre",
            "practitioner": "Dr Amara Okafor",
            "reasons": ["loneliness", "money"],
            "first_contact_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    sent_in.refresh_from_db()
    assert sent_in.reasons == ["loneliness", "money"] and sent_in.first_contact_on == timezone.localdate()
    step = sent_in.steps.last()
    assert (step.status, step.by) == ("changed", worker)


def test_a_change_with_a_first_contact_before_the_referral_names_the_field_and_saves_nothing(
    client, worker, sent_in
):
    sign_in(client, worker)
    response = client.post(
        reverse("people:change_referral", args=[sent_in.pk]),
        {
            "received_on": sent_in.received_on.isoformat(),
            "referring_organisation": "Partington Health Centre",
            "reasons": ["money"],
            "first_contact_on": (sent_in.received_on - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert 'href="#id_first_contact_on"' in response.content.decode()
    sent_in.refresh_from_db()
    assert sent_in.reasons == ["loneliness"] and not sent_in.steps.filter(status="changed").exists()


def test_closing_with_consent_sends_the_referrer_the_outcome(
    client, worker, sent_in, django_capture_on_commit_callbacks
):
    Consent.objects.create(
        person=sent_in.person, purpose="share_with_introducer", method="spoken", given_on=timezone.localdate()
    )
    mail.outbox.clear()
    sign_in(client, worker)
    assert (
        "The outcome is emailed to the referrer"
        in client.get(reverse("people:close_referral", args=[sent_in.pk])).content.decode()
    )
    response = _close(client, sent_in, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    sent_in.refresh_from_db()
    assert sent_in.closed_on == timezone.localdate() and sent_in.closure_reason == "connected"
    assert sent_in.support_offered.startswith("The Partington choir")
    [outcome] = mail.outbox
    assert outcome.to == ["amara.okafor@example.nhs.net"] and "outcome" in outcome.subject
    assert "Partington choir" in outcome.body and "Sings again" in outcome.body
    assert outcome.reply_to == ["lina@example.org"]
    page = client.get(reverse("people:referral", args=[sent_in.pk])).content.decode()
    assert "Sings again" in page
    history = page[page.index(">History<") :]
    assert history.index("Accepted") < history.index("Closed")
    assert list(sent_in.steps.values_list("status", flat=True)) == [
        "received",
        "more_information_asked",
        "accepted",
        "closed",
    ]


def test_closing_without_their_agreement_to_tell_the_referrer_sends_nothing(
    client, worker, sent_in, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    sign_in(client, worker)
    assert (
        "No outcome is sent"
        in client.get(reverse("people:close_referral", args=[sent_in.pk])).content.decode()
    )
    assert _close(client, sent_in, django_capture_on_commit_callbacks).status_code == 302
    assert not mail.outbox
    assert Referral.objects.get(pk=sent_in.pk).closed_on is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closed_on": "2001-01-01"}, "closed_on"),
        ({"closed_on": (date.today() + timedelta(days=2)).isoformat()}, "closed_on"),  # noqa: DTZ011
        ({"closure_reason": ""}, "closure_reason"),
        ({"closure_reason": "vanished"}, "closure_reason"),
        ({"closed_on": "not a date"}, "closed_on"),
    ],
)
def test_bad_input_on_closing_names_the_field_and_saves_nothing(
    client, worker, sent_in, django_capture_on_commit_callbacks, changes, field
):
    mail.outbox.clear()
    sign_in(client, worker)
    response = _close(client, sent_in, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    assert f'href="#id_{field}' in response.content.decode()
    sent_in.refresh_from_db()
    assert sent_in.closed_on is None and not mail.outbox
    assert not sent_in.steps.filter(status="closed").exists()


def test_a_referral_is_closed_once(client, worker, sent_in, django_capture_on_commit_callbacks):
    sign_in(client, worker)
    _close(client, sent_in, django_capture_on_commit_callbacks)
    again = _close(client, sent_in, django_capture_on_commit_callbacks, closure_reason="moved")
    assert "already closed" in again.content.decode()
    assert Referral.objects.get(pk=sent_in.pk).closure_reason == "connected"
    assert ReferralStep.objects.filter(referral=sent_in, status="closed").count() == 1


def test_a_referral_recorded_by_hand_starts_its_history(worker, team):
    from people import services

    person = PersonFactory(team=team)
    referral = services.record_referral(
        worker,
        person,
        {"received_on": timezone.localdate(), "referring_organisation": "Library", "reasons": ["activity"]},
    )
    assert [(s.status, s.by) for s in referral.steps.all()] == [("received", worker)]


def test_another_teams_link_worker_is_refused_the_referral_and_changes_nothing(
    client, sent_in, make_user, django_capture_on_commit_callbacks
):
    stranger = make_user(Role.LINK_WORKER, teams=[TeamFactory()])
    sign_in(client, stranger)
    for name in ("referral", "change_referral", "close_referral"):
        assert client.get(reverse(f"people:{name}", args=[sent_in.pk])).status_code == 404
    assert _close(client, sent_in, django_capture_on_commit_callbacks).status_code == 404
    assert Referral.objects.get(pk=sent_in.pk).closed_on is None


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.COMMISSIONER])
def test_roles_that_do_not_read_records_are_refused_the_referral(client, sent_in, team, make_user, role):
    sign_in(client, make_user(role, teams=[team]))
    assert_denied(client.get(reverse("people:referral", args=[sent_in.pk])))
    assert_denied(client.get(reverse("people:close_referral", args=[sent_in.pk])))
