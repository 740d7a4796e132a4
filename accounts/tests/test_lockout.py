"""Lockout counts one account however its email address is typed, on every way to sign in."""

import base64
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role, User
from accounts.templatetags.accounts_lockout import duration_in_words
from common.testing import PASSWORD

SIGN_IN = reverse("accounts:sign_in")
EMAIL = "coordinator@example.org"
VARIANTS = [
    "Coordinator@Example.org",
    "COORDINATOR@EXAMPLE.ORG",
    " coordinator@example.org",
    "coordinator@example.org ",
    "  CoOrDiNaToR@eXaMpLe.OrG  ",
]


def attempt(client, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_across_case_and_space_variants_lock_the_account(client, make_user, settings):
    make_user(Role.COORDINATOR, email=EMAIL)
    guesses = VARIANTS[: settings.AXES_FAILURE_LIMIT]
    for variant in guesses[:-1]:
        assert attempt(client, variant, "guess").status_code == 200
    locked = attempt(client, guesses[-1], "guess")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "Try again in 30 minutes, or ask your organisation" in locked.content.decode()
    for variant in [EMAIL, *VARIANTS]:
        again = attempt(client, variant, PASSWORD)
        assert again.status_code == 429, variant
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_locked_account_cannot_be_signed_into_through_a_variant(client, make_user, settings):
    make_user(Role.COORDINATOR, email=EMAIL)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, EMAIL, "guess")
    for variant in VARIANTS:
        response = attempt(client, variant, PASSWORD)
        assert response.status_code == 429, variant
        assert "Too many attempts to sign in" in response.content.decode()
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_of_the_address_signs_into_the_one_account(client, make_user, variant):
    coordinator = make_user(Role.COORDINATOR, email=EMAIL)
    response = attempt(client, variant, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


@pytest.mark.django_db
def test_an_address_in_other_case_cannot_make_a_second_account(make_user):
    make_user(Role.RESIDENT, email=EMAIL)
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips save(), as an import might: the database itself refuses the twin.
        User.objects.bulk_create([User(email="Coordinator@EXAMPLE.org", full_name="Twin")])
    assert User.objects.filter(email__iexact=EMAIL).count() == 1


@pytest.mark.django_db
def test_an_address_is_stored_trimmed_and_lower_cased_however_it_is_saved(make_user):
    user = make_user(Role.RESIDENT, email="  Someone@Example.ORG ")
    user.refresh_from_db()
    assert user.email == "someone@example.org"


@pytest.mark.django_db
def test_the_api_takes_no_password_so_offers_no_way_round_lockout(client, make_user, settings):
    """The API only reads the session that the sign-in page (with its lockout) made."""
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.SessionAuthentication"
    ]
    make_user(Role.COORDINATOR, email=EMAIL)
    basic = base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
    response = client.get(reverse("api_people"), HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_back_office_sign_in_is_the_same_page_with_the_same_lockout(client, make_user, settings):
    make_user(Role.ADMINISTRATOR, email=EMAIL, is_staff=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.headers["Location"].startswith(SIGN_IN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, EMAIL.upper(), "guess")
    assert attempt(client, EMAIL, PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "hours, words", [(0.5, "30 minutes"), (1, "1 hour"), (1.5, "1 hour 30 minutes"), (2 / 60, "2 minutes")]
)
def test_the_locked_page_says_how_long_in_words(hours, words):
    assert duration_in_words(timedelta(hours=hours)) == words


@pytest.mark.django_db
def test_an_ipv6_client_cannot_rotate_through_its_network_for_more_guesses(client, make_user, settings):
    """A home or phone holds a whole /64 and may use any address in it: all count as one place."""
    make_user(Role.COORDINATOR, email=EMAIL)
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        answer = client.post(
            SIGN_IN, {"username": EMAIL, "password": "guess"}, REMOTE_ADDR=f"2001:db8:1:2::{n:x}"
        )
    assert answer.status_code == 429
    elsewhere_in_it = client.post(
        SIGN_IN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:fffe"
    )
    assert elsewhere_in_it.status_code == 429
    another_network = client.post(
        SIGN_IN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="2001:db8:9::1"
    )
    assert another_network.status_code == 302  # someone elsewhere is not locked out by it
