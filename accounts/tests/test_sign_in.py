import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from closeknit import settings as project_settings
from common.testing import PASSWORD

SIGN_IN = reverse("accounts:sign_in")


def attempt(client, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password})


@pytest.mark.django_db
def test_resident_signs_in_with_email_and_password(client, make_user):
    resident = make_user(Role.RESIDENT, email="resident@example.org")
    response = attempt(client, "Resident@Example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == resident
    assert AuditEvent.objects.filter(actor=resident, action=AuditEvent.Action.SIGN_IN).count() == 1


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_clear_message(client, make_user):
    make_user(Role.RESIDENT, email="resident@example.org")
    response = attempt(client, "resident@example.org", "not the password")
    assert response.status_code == 200
    assert "Enter the email address and password of your account" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_form_names_each_missing_field(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_username">Enter your email address' in page
    assert 'href="#id_password">Enter your password' in page


@pytest.mark.django_db
def test_account_is_locked_after_five_failed_sign_ins(client, make_user, settings):
    make_user(Role.COORDINATOR, email="coordinator@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "coordinator@example.org", "guess").status_code == 200
    locked = attempt(client, "coordinator@example.org", "guess")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # Even the right password is refused while locked.
    again = attempt(client, "coordinator@example.org", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_of_one_account_does_not_lock_another(client, make_user, settings):
    make_user(Role.RESIDENT, email="other@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "victim@example.org", "guess")
    assert attempt(client, "other@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(make_user, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the real setting, not tests'
    user = make_user(Role.RESIDENT)
    user.set_password("a long enough passphrase")
    user.save()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long enough passphrase")


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_ends_the_session(client, make_user):
    resident = make_user(Role.RESIDENT)
    client.force_login(resident)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    client.post(reverse("accounts:sign_out"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(actor=resident, action=AuditEvent.Action.SIGN_OUT).exists()
