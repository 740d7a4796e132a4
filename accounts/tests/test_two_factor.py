import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLES_THAT_SEE_PERSON_RECORDS, AuditEvent, Role
from common.testing import PASSWORD, current_code, sign_in, totp_device

ACCOUNT = reverse("accounts:account")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
STAFF_ROLES_WITH_RECORDS = sorted(ROLES_THAT_SEE_PERSON_RECORDS)
ROLES_WITHOUT_RECORDS = sorted(set(Role.values) - ROLES_THAT_SEE_PERSON_RECORDS)


def sign_in_with_password(client, user):
    response = client.post(
        reverse("accounts:sign_in"), {"username": user.email, "password": PASSWORD, "next": ACCOUNT}
    )
    assert response.status_code == 302
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES_WITH_RECORDS)
def test_staff_role_without_authenticator_must_set_one_up(client, make_user, role):
    sign_in_with_password(client, make_user(role))
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{SETUP}?next=%2Faccount%2F"


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES_WITH_RECORDS)
def test_staff_role_with_authenticator_must_enter_a_code(client, make_user, role):
    user = make_user(role)
    totp_device(user)
    sign_in_with_password(client, user)
    for path in (ACCOUNT, reverse("home"), reverse("admin:index"), reverse("places:postcode")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(VERIFY)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_WITHOUT_RECORDS)
def test_roles_that_never_see_person_records_need_only_a_password(client, make_user, role):
    sign_in_with_password(client, make_user(role))
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_setting_up_an_authenticator_with_its_current_code_verifies_the_session(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    sign_in_with_password(client, coordinator)
    page = client.get(f"{SETUP}?next={ACCOUNT}")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    response = client.post(SETUP, {"token": current_code(device), "next": ACCOUNT})
    assert response.headers["Location"] == ACCOUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ACCOUNT).status_code == 200
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditEvent.Action.TWO_FACTOR_SET_UP).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token, message",
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab56", "Enter the 6 digits your authenticator app shows"),
        ("000000", "The code is not right or has expired"),
    ],
)
def test_wrong_code_at_set_up_confirms_nothing(client, make_user, token, message):
    coordinator = make_user(Role.COORDINATOR)
    sign_in_with_password(client, coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    if token == "000000" and current_code(device) == "000000":
        token = "000001"
    response = client.post(SETUP, {"token": token})
    assert response.status_code == 200
    assert message in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(ACCOUNT).status_code == 302


@pytest.mark.django_db
def test_code_from_the_authenticator_verifies_and_returns_to_the_page_asked_for(client, make_user):
    link_worker = make_user(Role.LINK_WORKER)
    device = totp_device(link_worker)
    sign_in_with_password(client, link_worker)
    response = client.post(VERIFY, {"token": current_code(device), "next": ACCOUNT})
    assert response.headers["Location"] == ACCOUNT
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_wrong_code_at_verification_keeps_the_door_shut(client, make_user):
    link_worker = make_user(Role.LINK_WORKER)
    device = totp_device(link_worker)
    sign_in_with_password(client, link_worker)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    response = client.post(VERIFY, {"token": wrong})
    assert "The code is not right or has expired" in response.content.decode()
    assert client.get(ACCOUNT).status_code == 302


@pytest.mark.django_db
def test_next_pointing_at_another_site_is_ignored(client, make_user):
    link_worker = make_user(Role.LINK_WORKER)
    device = totp_device(link_worker)
    sign_in_with_password(client, link_worker)
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.django_db
def test_set_up_page_needs_a_signed_in_person(client):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.django_db
def test_verified_staff_reach_their_pages(client, make_user):
    sign_in(client, make_user(Role.BROKER))
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sending_an_empty_code_form_asks_for_the_code(client, make_user):
    link_worker = make_user(Role.LINK_WORKER)
    totp_device(link_worker)
    sign_in_with_password(client, link_worker)
    response = client.post(VERIFY, {})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/people/", "/api/directory/listings/"])
def test_api_refuses_a_password_only_session_with_a_403_it_describes(client, make_user, path):
    """A program cannot follow the page asking for a code: the API answers 403 with ``detail``."""
    user = make_user(Role.COORDINATOR)
    totp_device(user)
    sign_in_with_password(client, user)
    response = client.get(path)
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]
