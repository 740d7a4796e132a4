"""Resetting a forgotten password by email, and changing it while signed in."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Role
from common.testing import PASSWORD, sign_in, totp_device

RESET = reverse("accounts:password_reset")
SIGN_IN = reverse("accounts:sign_in")
CHANGE = reverse("accounts:password_change")
NEW = "a new walk by the canal"


def ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def reset_link(mail) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", mail.body).group(0))


def choose(client, link, password, capture):
    """Follow the emailed link (Django moves the token into the session) and post a new password."""
    form_page = client.get(link, follow=True)
    with capture(execute=True):
        return client.post(
            form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
        )


@pytest.fixture
def resident(make_user):
    return make_user(Role.RESIDENT, email="rosa@example.org")


@pytest.mark.django_db
def test_a_reset_in_any_letter_case_ends_every_session_is_audited_and_emailed(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = sign_in(Client(), resident)
    assert ask_for_reset(client, "  ROSA@Example.org ", django_capture_on_commit_callbacks)[
        "Location"
    ] == reverse("accounts:password_reset_done")
    [mail] = mailoutbox
    assert mail.to == ["rosa@example.org"]
    done = choose(client, reset_link(mail), NEW, django_capture_on_commit_callbacks)
    assert done["Location"] == reverse("accounts:password_reset_complete")
    resident.refresh_from_db()
    assert resident.check_password(NEW)
    assert elsewhere.get(reverse("accounts:account"))["Location"].startswith(SIGN_IN)
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(resident.pk)]
    assert "_auth_user_id" not in client.session  # the reset signs nobody in
    assert AuditEvent.objects.filter(action="password_reset", target_id=str(resident.pk)).exists()
    assert mailoutbox[1].to == ["rosa@example.org"] and "was reset" in mailoutbox[1].body


@pytest.mark.django_db
def test_a_reset_link_works_once(client, resident, mailoutbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    link = reset_link(mailoutbox[0])
    choose(client, link, NEW, django_capture_on_commit_callbacks)
    again = Client()
    page = again.get(link, follow=True)
    assert "This link does not work" in page.content.decode()
    again.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": "yet another password", "new_password2": "yet another password"},
    )
    resident.refresh_from_db()
    assert resident.check_password(NEW)


@pytest.mark.django_db
def test_asking_for_a_reset_reveals_nothing_and_mails_only_the_owner(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox] == [["rosa@example.org"]]


@pytest.mark.django_db
def test_a_bad_reset_request_names_the_field(client):
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter an email address like name@example.org" in response.content.decode()
    assert 'href="#id_email"' in response.content.decode()


@pytest.mark.django_db
def test_a_new_password_must_pass_the_rules_and_match(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    form_page = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    short = client.post(form_page, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in short.content.decode()
    differ = client.post(form_page, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "The two passwords are not the same" in differ.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reset_clears_lockout_for_that_address_only(
    client, resident, make_user, mailoutbox, settings, django_capture_on_commit_callbacks
):
    make_user(Role.RESIDENT, email="other@example.org")
    for email in ("rosa@example.org", "other@example.org"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(SIGN_IN, {"username": email, "password": "guess"})
    assert client.post(SIGN_IN, {"username": "rosa@example.org", "password": PASSWORD}).status_code == 429
    ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    assert AccessAttempt.objects.filter(username="rosa@example.org").exists()  # asking is not enough
    choose(client, reset_link(mailoutbox[0]), NEW, django_capture_on_commit_callbacks)
    assert not AccessAttempt.objects.filter(username="rosa@example.org").exists()
    assert AccessAttempt.objects.filter(username="other@example.org").exists()
    assert client.post(SIGN_IN, {"username": "rosa@example.org", "password": NEW}).status_code == 302


@pytest.mark.django_db
def test_a_reset_never_skips_the_second_factor(
    client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = make_user(Role.COORDINATOR, email="coordinator@example.org")
    device = totp_device(coordinator)
    ask_for_reset(client, "coordinator@example.org", django_capture_on_commit_callbacks)
    choose(client, reset_link(mailoutbox[0]), NEW, django_capture_on_commit_callbacks)
    assert client.post(SIGN_IN, {"username": "coordinator@example.org", "password": NEW}).status_code == 302
    asked = client.get(reverse("people:caseload"))
    assert asked["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get("/api/people/").status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()  # the device stays
    # and a password alone cannot set up a new app in its place
    assert client.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


@pytest.mark.django_db
def test_a_reset_confirms_an_address_never_confirmed(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:sign_up"),
            {"full_name": "Rosa P", "email": "rosa@example.org", "password": "walking by the canal"},
        )
    ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    choose(client, reset_link(mailoutbox[1]), NEW, django_capture_on_commit_callbacks)
    assert client.post(SIGN_IN, {"username": "rosa@example.org", "password": NEW}).status_code == 302


@pytest.mark.django_db
def test_reset_requests_are_limited_per_connection(client, make_user):
    for n in range(10):
        assert client.post(RESET, {"email": f"person{n}@example.org"}).status_code == 302
    refused = client.post(RESET, {"email": "one-more@example.org"})
    assert refused.status_code == 429
    assert "Too many tries from this connection" in refused.content.decode()


# --- Changing the password while signed in ----------------------------------------------------


def change(client, current, new, capture):
    with capture(execute=True):
        return client.post(CHANGE, {"current_password": current, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
def test_changing_the_password_keeps_this_session_ends_others_is_audited_and_emailed(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = sign_in(Client(), resident)
    sign_in(client, resident)
    response = change(client, PASSWORD, NEW, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:account")
    resident.refresh_from_db()
    assert resident.check_password(NEW)
    assert client.get(reverse("accounts:account")).status_code == 200
    assert elsewhere.get(reverse("accounts:account"))["Location"].startswith(SIGN_IN)
    assert Session.objects.count() == 1
    assert AuditEvent.objects.filter(action="password_changed", target_id=str(resident.pk)).exists()
    [mail] = mailoutbox
    assert mail.to == ["rosa@example.org"] and "was changed" in mail.body


@pytest.mark.django_db
def test_changing_keeps_a_staff_members_second_factor(client, make_user, django_capture_on_commit_callbacks):
    coordinator = make_user(Role.COORDINATOR)
    sign_in(client, coordinator)
    change(client, PASSWORD, NEW, django_capture_on_commit_callbacks)
    assert client.get(reverse("people:caseload")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing_and_counts_towards_lockout(
    client, resident, settings, django_capture_on_commit_callbacks
):
    sign_in(client, resident)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = change(client, "not my password", NEW, django_capture_on_commit_callbacks)
        assert "The password is not right" in refused.content.decode()
        assert 'href="#id_current_password"' in refused.content.decode()
    assert change(client, "not my password", NEW, django_capture_on_commit_callbacks).status_code == 429
    # Locked now: even the right password is refused here, and on the sign-in page.
    assert change(client, PASSWORD, NEW, django_capture_on_commit_callbacks).status_code == 429
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)
    assert Client().post(SIGN_IN, {"username": "rosa@example.org", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_a_new_password_breaking_the_rules_is_refused(client, resident, django_capture_on_commit_callbacks):
    sign_in(client, resident)
    refused = change(client, PASSWORD, "rosa@example.org", django_capture_on_commit_callbacks)
    assert "too similar" in refused.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)


@pytest.mark.django_db
def test_changing_the_password_needs_signing_in(client):
    assert client.get(CHANGE)["Location"].startswith(SIGN_IN)


@pytest.mark.django_db
def test_a_reset_link_expires_after_an_hour(
    client, resident, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    ask_for_reset(client, "rosa@example.org", django_capture_on_commit_callbacks)
    link = reset_link(mailoutbox[0])
    later = default_token_generator._num_seconds(default_token_generator._now()) + 3601
    monkeypatch.setattr(type(default_token_generator), "_num_seconds", lambda self, moment: later)
    assert "This link does not work" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_an_empty_change_says_what_each_field_needs(client, resident):
    sign_in(client, resident)
    page = client.post(CHANGE, {}).content.decode()
    for message, field in (
        ("Enter your current password", "current_password"),
        ("Choose a new password", "new_password1"),
        ("Type the new password again", "new_password2"),
    ):
        assert message in page and f'href="#id_{field}"' in page, message
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)
