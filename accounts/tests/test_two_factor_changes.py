"""A password alone never adds or replaces a second factor; replacing and resetting are audited and
emailed; a lost device is reset by an administrator, never by the person alone."""

import base64

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Role
from accounts.services import reset_two_factor
from common.errors import NotPermitted
from common.testing import PASSWORD, current_code, sign_in, totp_device
from people.tests.factories import PersonFactory

ACCOUNT = reverse("accounts:account")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
REPLACE = reverse("accounts:two_factor_replace")
USERS = reverse("admin:accounts_user_changelist")
DEVICES = reverse("admin:otp_totp_totpdevice_changelist")


def sign_in_with_password(client, user):
    response = client.post(reverse("accounts:sign_in"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def other_code(device):
    """A well-formed code that is not the one the device shows now."""
    return "123456" if current_code(device) != "123456" else "654321"


def secret_shown(device, page: str) -> bool:
    typed = base64.b32encode(device.bin_key).decode()
    return typed[:8] in page.replace(" ", "") or device.key in page


def assert_shut_out(client, person):
    for url in (
        reverse("people:person", args=[person.pk]),
        reverse("people:caseload"),
        reverse("api_people"),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        if response.status_code == 302:
            assert response.headers["Location"].startswith(VERIFY), url


@pytest.fixture
def coordinator(make_user, team):
    return make_user(Role.COORDINATOR, teams=[team], email="coordinator@example.org")


@pytest.fixture
def person(team):
    return PersonFactory(team=team, full_name="Ada Whitfield")


# --- A password alone -------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_only_session_gets_no_new_secret_when_a_device_is_confirmed(client, coordinator):
    device = totp_device(coordinator)
    sign_in_with_password(client, coordinator)
    response = client.get(f"{SETUP}?next={ACCOUNT}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]  # no new secret was made


@pytest.mark.django_db
def test_password_only_session_cannot_replace_second_factor(client, coordinator, person):
    """The attack: sign in with a stolen password, set up the attacker's own app, read records."""
    device = totp_device(coordinator)
    sign_in_with_password(client, coordinator)
    setup_page = client.get(SETUP, follow=True)
    assert not any(secret_shown(d, setup_page.content.decode()) for d in TOTPDevice.objects.all())
    # Even holding a pending device's secret (made before this fix, say), it cannot be confirmed.
    planted = TOTPDevice.objects.create(user=coordinator, name="Attacker", confirmed=False)
    response = client.post(SETUP, {"token": current_code(planted), "next": ACCOUNT})
    assert response.status_code == 302 and response.headers["Location"].startswith(VERIFY)
    planted.refresh_from_db()
    assert not planted.confirmed
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_SET_UP).exists()
    assert_shut_out(client, person)


@pytest.mark.django_db
def test_password_only_session_cannot_reach_the_replace_page(client, coordinator, person):
    device = totp_device(coordinator)
    sign_in_with_password(client, coordinator)
    response = client.get(REPLACE)
    assert response.status_code == 302 and response.headers["Location"].startswith(VERIFY)
    planted = TOTPDevice.objects.create(user=coordinator, name="Attacker", confirmed=False)
    response = client.post(REPLACE, {"password": PASSWORD, "token": current_code(planted)})
    assert response.status_code == 302 and response.headers["Location"].startswith(VERIFY)
    planted.refresh_from_db()
    assert not planted.confirmed
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not mail.outbox
    assert_shut_out(client, person)


@pytest.mark.django_db
def test_resident_who_chose_two_factor_must_verify_with_it(client, make_user):
    resident = make_user(Role.RESIDENT)
    totp_device(resident)
    sign_in_with_password(client, resident)
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response.headers["Location"].startswith(VERIFY)
    assert client.get(SETUP).headers["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_first_set_up_without_a_verified_session_still_works_and_is_emailed(
    client, coordinator, django_capture_on_commit_callbacks
):
    sign_in_with_password(client, coordinator)
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETUP, {"token": current_code(device), "next": ACCOUNT})
    assert response.headers["Location"] == ACCOUNT
    assert client.get(ACCOUNT).status_code == 200
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "If this was not you, tell your organisation's administrator" in mail.outbox[0].body


# --- Replacing the authenticator app ----------------------------------------------------------


@pytest.mark.django_db
def test_verified_person_replaces_their_app_with_password_and_new_code(
    client, coordinator, person, django_capture_on_commit_callbacks
):
    old = totp_device(coordinator)
    sign_in(client, coordinator)
    assert 'href="/account/two-factor/replace/"' in client.get(ACCOUNT).content.decode()
    page = client.get(REPLACE)
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert secret_shown(new, page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPLACE, {"password": PASSWORD, "token": current_code(new)})
    assert response.status_code == 302 and response.headers["Location"] == ACCOUNT
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [new]
    new.refresh_from_db()
    assert new.confirmed and not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("people:person", args=[person.pk])).status_code == 200  # still verified
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_REPLACED)
    assert event.actor == coordinator and event.target_id == str(coordinator.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert mail.outbox[0].subject == "Your two-factor sign-in was changed"
    assert "If this was not you, tell your organisation's administrator" in mail.outbox[0].body


@pytest.mark.django_db
def test_replacing_with_a_wrong_password_is_refused_on_the_password_field(
    client, coordinator, django_capture_on_commit_callbacks
):
    old = totp_device(coordinator)
    sign_in(client, coordinator)
    client.get(REPLACE)
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPLACE, {"password": "not the password", "token": current_code(new)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_password">The password is not right' in page
    assert "<title>Error: " in page
    new.refresh_from_db()
    assert not new.confirmed
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_REPLACED).exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_replacing_with_a_wrong_code_from_the_new_app_changes_nothing(client, coordinator):
    old = totp_device(coordinator)
    sign_in(client, coordinator)
    client.get(REPLACE)
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    response = client.post(REPLACE, {"password": PASSWORD, "token": other_code(new)})
    assert 'href="#id_token">The code is not right or has expired' in response.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed


@pytest.mark.django_db
def test_wrong_passwords_on_the_replace_page_count_towards_lockout(client, coordinator, settings):
    totp_device(coordinator)
    sign_in(client, coordinator)
    client.get(REPLACE)
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(REPLACE, {"password": "guess", "token": current_code(new)}).status_code == 200
    locked = client.post(REPLACE, {"password": "guess", "token": current_code(new)})
    assert locked.status_code == 429
    assert client.post(REPLACE, {"password": PASSWORD, "token": current_code(new)}).status_code == 429
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed


@pytest.mark.django_db
def test_empty_replace_form_names_each_missing_field(client, coordinator):
    sign_in(client, coordinator)
    page = client.post(REPLACE, {}).content.decode()
    assert 'href="#id_password">Enter your password' in page
    assert 'href="#id_token">Enter the 6-digit code from your authenticator app' in page


# --- An administrator's reset ------------------------------------------------------------------


@pytest.fixture
def superuser(make_user):
    return make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True, email="admin@example.org")


@pytest.mark.django_db
def test_administrator_resets_a_persons_two_factor_from_the_back_office(
    client, superuser, coordinator, django_capture_on_commit_callbacks
):
    totp_device(coordinator)
    StaticDevice.objects.create(user=coordinator, name="Backup codes", confirmed=True)
    sign_in(client, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(USERS, {"action": "reset_two_factor", "_selected_action": [coordinator.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_RESET)
    assert event.actor == superuser and event.target_id == str(coordinator.pk)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].subject == "Your two-factor sign-in was reset by an administrator"
    # At their next sign-in they set up a new app.
    client.logout()
    sign_in_with_password(client, coordinator)
    assert client.get(ACCOUNT).headers["Location"].startswith(SETUP)


@pytest.mark.django_db
def test_administrator_resets_from_the_device_list_too(client, superuser, coordinator):
    device = totp_device(coordinator)
    sign_in(client, superuser)
    client.post(DEVICES, {"action": "reset_two_factor", "_selected_action": [device.pk]})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET).count() == 1


@pytest.mark.django_db
def test_nobody_resets_their_own_two_factor(client, superuser):
    device = totp_device(superuser)
    sign_in(client, superuser)
    client.post(USERS, {"action": "reset_two_factor", "_selected_action": [superuser.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET).exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_devices_cannot_be_deleted_or_added_by_hand_in_the_back_office(client, superuser, coordinator):
    device = totp_device(coordinator)
    sign_in(client, superuser)
    response = client.post(DEVICES, {"action": "delete_selected", "_selected_action": [device.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert response.status_code in {200, 302}
    assert client.get(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LINK_WORKER, Role.RESIDENT])
def test_only_administrators_may_reset_two_factor(make_user, coordinator, role):
    actor = make_user(role, organisation=coordinator.organisation)
    device = totp_device(coordinator)
    request = RequestFactory().post("/")
    request.user = actor
    actor.is_verified = lambda: True  # as OTPMiddleware marks a verified session
    with pytest.raises(NotPermitted):
        reset_two_factor(request, coordinator)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_administrator_resets_only_their_own_organisations_people(make_user, coordinator, team):
    coordinator.organisation = team.organisation
    coordinator.save()
    device = totp_device(coordinator)
    elsewhere = make_user(Role.ADMINISTRATOR)  # no organisation in common
    same = make_user(Role.ADMINISTRATOR, organisation=team.organisation)
    for actor, allowed in ((elsewhere, False), (same, True)):
        request = RequestFactory().post("/")
        request.user = actor
        actor.is_verified = lambda: True
        if allowed:
            reset_two_factor(request, coordinator)
        else:
            with pytest.raises(NotPermitted):
                reset_two_factor(request, coordinator)
            assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_an_unverified_administrator_cannot_reset_anyone(make_user, coordinator, superuser):
    device = totp_device(coordinator)
    request = RequestFactory().post("/")
    request.user = superuser
    superuser.is_verified = lambda: False
    with pytest.raises(NotPermitted):
        reset_two_factor(request, coordinator)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_a_reset_rolled_back_sends_no_email(
    make_user, coordinator, superuser, django_capture_on_commit_callbacks
):
    totp_device(coordinator)
    request = RequestFactory().post("/")
    request.user = superuser
    superuser.is_verified = lambda: True
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reset_two_factor(request, coordinator)
        raise RuntimeError("a later step failed")
    assert callbacks == [] and not mail.outbox
    assert TOTPDevice.objects.filter(user=coordinator).exists()


@pytest.mark.django_db
def test_staff_who_are_not_administrators_cannot_reset_through_the_back_office(
    client, make_user, coordinator
):
    helper = make_user(Role.LINK_WORKER, is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    device = totp_device(coordinator)
    sign_in(client, helper)
    response = client.post(USERS, {"action": "reset_two_factor", "_selected_action": [coordinator.pk]})
    assert response.status_code in {200, 302}
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET).exists()
    assert not mail.outbox


# --- A set-up belongs to the session that started it -------------------------------------------


def secret_on(page) -> str:
    return "".join(page.context["secret_groups"])


def device_with_secret(secret: str) -> TOTPDevice:
    return next(d for d in TOTPDevice.objects.all() if base64.b32encode(d.bin_key).decode() == secret)


@pytest.mark.django_db
def test_a_second_password_only_session_never_sees_the_secret_the_person_confirms(
    client, coordinator, person
):
    """The attack: someone holding the password opens set-up too, hoping to hold the secret the
    person scans next; their own secret must die when the person confirms theirs."""
    attacker = Client()
    sign_in_with_password(client, coordinator)
    sign_in_with_password(attacker, coordinator)
    own_secret = secret_on(client.get(SETUP))
    attackers_secret = secret_on(attacker.get(SETUP))
    assert own_secret != attackers_secret
    own, attackers = device_with_secret(own_secret), device_with_secret(attackers_secret)
    assert secret_on(client.get(SETUP)) == own_secret  # the same session keeps its own set-up

    response = client.post(SETUP, {"token": current_code(own), "next": ACCOUNT})
    assert response.status_code == 302 and response.headers["Location"] == ACCOUNT
    own.refresh_from_db()
    assert own.confirmed
    assert not TOTPDevice.objects.filter(pk=attackers.pk).exists()
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [own]
    # The attacker's copy of a secret verifies nothing, and their set-up page is closed.
    response = attacker.post(VERIFY, {"token": current_code(attackers)})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()
    response = attacker.post(SETUP, {"token": current_code(attackers), "next": ACCOUNT})
    assert response.status_code == 302 and response.headers["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(pk=attackers.pk).exists()
    assert_shut_out(attacker, person)


@pytest.mark.django_db
def test_a_session_cannot_confirm_a_pending_device_it_did_not_make(client, coordinator):
    """Even if another session's pending device is the one this session's code matches, only the
    device this session made can be confirmed here."""
    other = Client()
    sign_in_with_password(other, coordinator)
    others_secret = secret_on(other.get(SETUP))
    others = device_with_secret(others_secret)
    sign_in_with_password(client, coordinator)
    page = client.get(SETUP)
    assert secret_on(page) != others_secret and not secret_shown(others, page.content.decode())
    response = client.post(SETUP, {"token": current_code(others), "next": ACCOUNT})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_two_verified_sessions_replacing_the_app_get_different_secrets(client, coordinator):
    old = totp_device(coordinator)
    other = Client()
    sign_in(client, coordinator)
    sign_in(other, coordinator)
    own_secret = secret_on(client.get(REPLACE))
    others_secret = secret_on(other.get(REPLACE))
    assert own_secret != others_secret
    own, others = device_with_secret(own_secret), device_with_secret(others_secret)
    # A code from the other session's new app does not replace anything from this session.
    response = client.post(REPLACE, {"password": PASSWORD, "token": current_code(others)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert not TOTPDevice.objects.get(pk=others.pk).confirmed
    # Each session confirms only the app it set up; the one that finishes ends the other's set-up.
    response = other.post(REPLACE, {"password": PASSWORD, "token": current_code(others)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [others]
    assert not TOTPDevice.objects.filter(pk=own.pk).exists()
    response = client.post(REPLACE, {"password": PASSWORD, "token": current_code(own)})
    assert list(TOTPDevice.objects.filter(user=coordinator, confirmed=True)) == [others]


# --- A reset signs the person out everywhere ---------------------------------------------------


@pytest.mark.django_db
def test_password_only_session_waiting_on_verify_is_ended_by_a_reset(client, superuser, coordinator, person):
    """The attack: sign in with a stolen password and wait on the verify page; once an
    administrator resets the lost device, set up the attacker's own app and read records."""
    totp_device(coordinator)
    sign_in_with_password(client, coordinator)
    assert client.get(reverse("people:caseload")).headers["Location"].startswith(VERIFY)
    request = RequestFactory().post("/")
    request.user = superuser
    superuser.is_verified = lambda: True  # as OTPMiddleware marks a verified session
    reset_two_factor(request, coordinator)

    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:sign_in"))
    assert not TOTPDevice.objects.filter(user=coordinator).exists()  # no secret was made
    response = client.get(reverse("people:person", args=[person.pk]))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:sign_in"))
    assert client.get(reverse("people:caseload")).status_code == 302


@pytest.mark.django_db
def test_a_reset_from_the_back_office_ends_the_persons_sessions_only(client, superuser, coordinator):
    totp_device(coordinator)
    theirs = Client()
    sign_in(theirs, coordinator)
    assert theirs.get(ACCOUNT).status_code == 200
    sign_in(client, superuser)
    client.post(USERS, {"action": "reset_two_factor", "_selected_action": [coordinator.pk]})
    assert theirs.get(ACCOUNT).headers["Location"].startswith(reverse("accounts:sign_in"))
    assert client.get(USERS).status_code == 200  # the administrator stays signed in
