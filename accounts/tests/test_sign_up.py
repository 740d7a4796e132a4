"""Residents make their own accounts: sign up, confirm the address, and only then sign in.

Every answer reads the same whether an address has an account or not; only the address's owner
learns which (by email)."""

import re

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AuditEvent, Organisation, Role, User
from accounts.registration import verification_tokens
from accounts.tests.factories import OrganisationFactory
from common.testing import PASSWORD
from places.tests.factories import PostcodeFactory

SIGN_UP = reverse("accounts:sign_up")
SIGN_IN = reverse("accounts:sign_in")
NEW_PASSWORD = "walking by the canal"
DETAILS = {"full_name": "Rosa Pennington", "email": "rosa@example.org", "password": NEW_PASSWORD}


def link_in(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGN_UP, {**DETAILS, **changes})

    return post


@pytest.mark.django_db
def test_a_resident_signs_up_confirms_their_address_and_signs_in(client, sign_up, mailoutbox):
    response = sign_up(home_postcode="")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:check_email")
    user = User.objects.get(email="rosa@example.org")
    assert (user.role, user.email_verified, user.organisation, user.is_staff) == (
        Role.RESIDENT,
        False,
        None,
        False,
    )
    [mail] = mailoutbox
    assert mail.to == ["rosa@example.org"]
    link = path_of(link_in(mail))
    assert client.get(link).status_code == 200
    confirmed = client.post(link)
    assert confirmed["Location"] == SIGN_IN
    user.refresh_from_db()
    assert user.email_verified
    signed_in = client.post(SIGN_IN, {"username": "Rosa@Example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    actions = set(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))
    assert {"signed_up", "email_verified"} <= actions


@pytest.mark.django_db
def test_the_home_postcode_is_kept_in_any_spelling(sign_up):
    PostcodeFactory(postcode="M32 0TH")
    assert sign_up(home_postcode=" m320th ").status_code == 302
    assert User.objects.get(email="rosa@example.org").home_postcode_id == "M32 0TH"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "Enter your full name"),
        ({"email": "not an address"}, "email", "Enter an email address like name@example.org"),
        ({"email": "x" * 250 + "@example.org"}, "email", "254 characters or fewer"),
        ({"password": "short"}, "password", "too short"),
        ({"password": "password123456"}, "password", "too common"),
        ({"password": "rosa@example.org"}, "password", "too similar"),
        ({"password": "x" * 200}, "password", "128 characters or fewer"),
        ({"home_postcode": "ZZ99 9ZZ"}, "home_postcode", "We do not know that postcode"),
        ({"home_postcode": "<script>"}, "home_postcode", "We do not know that postcode"),
    ],
)
def test_bad_sign_ups_are_refused_naming_the_field_and_make_nothing(
    sign_up, mailoutbox, changes, field, message
):
    response = sign_up(**changes)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'href="#id_{field}"' in response.content.decode()
    assert not User.objects.exists()
    assert not mailoutbox


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_sign_in_and_is_told_what_to_do(client, sign_up):
    sign_up()
    response = client.post(SIGN_IN, {"username": "rosa@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm your email address first" in page
    assert reverse("accounts:resend_verification") in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_wrong_password_for_an_unconfirmed_account_reveals_nothing(client, sign_up):
    sign_up()
    unconfirmed = client.post(SIGN_IN, {"username": "rosa@example.org", "password": "not it at all"})
    nobody = client.post(SIGN_IN, {"username": "nobody@example.org", "password": "not it at all"})
    for response in (unconfirmed, nobody):
        page = response.content.decode()
        assert "Confirm your email address" not in page
        assert "Enter the email address and password of your account" in page


@pytest.mark.django_db
def test_signing_up_with_a_registered_address_in_another_case_changes_nothing_and_tells_its_owner(
    client, sign_up, make_user, mailoutbox
):
    owner = make_user(Role.RESIDENT, email="rosa@example.org", full_name="Rosa Owner")
    fresh = sign_up(email="  ROSA@Example.ORG ", full_name="Someone Else")
    assert fresh["Location"] == reverse("accounts:check_email")
    owner.refresh_from_db()
    assert owner.full_name == "Rosa Owner"
    assert owner.check_password(PASSWORD)
    assert User.objects.count() == 1
    [mail] = mailoutbox
    assert mail.to == ["rosa@example.org"]
    assert "You already have an account" in mail.body
    assert reverse("accounts:password_reset") in mail.body


@pytest.mark.django_db
def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, sign_up, make_user):
    make_user(Role.RESIDENT, email="taken@example.org")
    taken = sign_up(email="taken@example.org")
    free = sign_up(email="free@example.org")
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    a = client.get(taken["Location"]).content
    b = client.get(free["Location"]).content
    assert a == b


@pytest.mark.django_db
def test_a_second_sign_up_for_an_unconfirmed_address_takes_it_over_and_old_links_stop_working(
    client, sign_up, mailoutbox
):
    sign_up(full_name="First Person", password="first person's password")
    sign_up(full_name="Rosa Pennington", password=NEW_PASSWORD)
    first, second = (path_of(link_in(m)) for m in mailoutbox)
    assert User.objects.count() == 1
    assert client.get(first).status_code == 404
    client.post(first)
    assert not User.objects.get().email_verified
    client.post(second)
    user = User.objects.get()
    assert user.email_verified and user.full_name == "Rosa Pennington" and user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_role_and_organisation_posted_with_a_sign_up_are_ignored(sign_up):
    organisation = OrganisationFactory()
    sign_up(
        role=Role.ADMINISTRATOR,
        organisation=organisation.pk,
        is_staff="on",
        is_superuser="on",
        email_verified="on",
    )
    user = User.objects.get()
    assert (user.role, user.organisation_id, user.is_staff, user.is_superuser, user.email_verified) == (
        Role.RESIDENT,
        None,
        False,
        False,
        False,
    )
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_a_confirmation_link_works_once(client, sign_up, mailoutbox):
    sign_up()
    link = path_of(link_in(mailoutbox[0]))
    client.post(link)
    again = client.post(link)
    assert again["Location"] == reverse("accounts:resend_verification")
    assert client.get(link).status_code == 404


@pytest.mark.django_db
def test_a_confirmation_link_for_another_account_or_tampered_does_nothing(client, sign_up, mailoutbox):
    sign_up(email="rosa@example.org")
    sign_up(email="other@example.org")
    rosa, other = (User.objects.get(email=e) for e in ("rosa@example.org", "other@example.org"))
    rosa_token = path_of(link_in(mailoutbox[0])).rstrip("/").split("/")[-1]
    other_uid = urlsafe_base64_encode(force_bytes(other.pk))
    attempts = [
        reverse("accounts:verify_email", args=[other_uid, rosa_token]),  # Rosa's token, other's account
        reverse(
            "accounts:verify_email",
            args=[
                urlsafe_base64_encode(force_bytes(rosa.pk)),
                rosa_token[:-1] + ("1" if rosa_token.endswith("0") else "0"),
            ],
        ),
        reverse("accounts:verify_email", args=["not-base64", rosa_token]),
        reverse(
            "accounts:verify_email", args=[urlsafe_base64_encode(b"99999999999999999999999"), rosa_token]
        ),
        reverse("accounts:verify_email", args=[urlsafe_base64_encode(b"-1"), rosa_token]),
        reverse("accounts:verify_email", args=[other_uid, "zz-zz"]),
    ]
    for path in attempts:
        assert client.get(path).status_code == 404, path
        client.post(path)
    assert not User.objects.filter(email_verified=True).exists()


@pytest.mark.django_db
def test_a_confirmation_link_expires(client, sign_up, mailoutbox, monkeypatch):
    sign_up()
    link = path_of(link_in(mailoutbox[0]))
    later = verification_tokens._num_seconds(verification_tokens._now()) + 3 * 24 * 3600 + 1
    monkeypatch.setattr(type(verification_tokens), "_num_seconds", lambda self, dt: later)
    client.post(link)
    assert not User.objects.get().email_verified


@pytest.mark.django_db
def test_a_new_link_can_be_asked_for_and_the_answer_is_the_same_for_any_address(
    client, sign_up, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up()
    make_user(Role.RESIDENT, email="confirmed@example.org")
    answers = []
    for email in ("ROSA@example.org", "confirmed@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(reverse("accounts:resend_verification"), {"email": email})["Location"])
    assert set(answers) == {reverse("accounts:check_email")}
    assert [m.to for m in mailoutbox] == [["rosa@example.org"], ["rosa@example.org"]]
    client.post(path_of(link_in(mailoutbox[1])))
    assert User.objects.get(email="rosa@example.org").email_verified


@pytest.mark.django_db
def test_sign_ups_are_limited_per_connection(client, sign_up):
    for n in range(10):
        assert sign_up(email=f"person{n}@example.org").status_code == 302
    refused = sign_up(email="one-more@example.org")
    assert refused.status_code == 429
    assert "Too many tries from this connection" in refused.content.decode()
    assert not User.objects.filter(email="one-more@example.org").exists()


@pytest.mark.django_db
def test_one_inbox_gets_at_most_three_emails_an_hour(
    client, sign_up, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:resend_verification"), {"email": "rosa@example.org"})
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_someone_signed_in_is_sent_to_their_account_not_the_sign_up(client, make_user):
    client.force_login(make_user(Role.RESIDENT))
    assert client.get(SIGN_UP)["Location"] == reverse("accounts:account")


@pytest.mark.django_db
def test_the_sign_in_page_offers_sign_up_and_reset(client):
    page = client.get(SIGN_IN).content.decode()
    assert reverse("accounts:sign_up") in page
    assert reverse("accounts:password_reset") in page


@pytest.mark.django_db
def test_asking_for_new_links_is_limited_per_connection(client):
    for n in range(10):
        assert (
            client.post(reverse("accounts:resend_verification"), {"email": f"p{n}@example.org"}).status_code
            == 302
        )
    refused = client.post(reverse("accounts:resend_verification"), {"email": "one-more@example.org"})
    assert refused.status_code == 429
    assert "Too many tries from this connection" in refused.content.decode()


@pytest.mark.django_db
def test_after_confirming_the_sign_in_goes_where_the_person_was_going(client, sign_up, mailoutbox):
    """Asking to borrow something, a visitor makes an account: once they confirm and sign in they
    are back at the thing. Only an address on this site is kept."""
    client.get(SIGN_UP, {"next": "/lending/borrow/7/ask/"})
    sign_up()
    confirmed = client.post(path_of(link_in(mailoutbox[0])))
    assert confirmed["Location"] == f"{SIGN_IN}?next=%2Flending%2Fborrow%2F7%2Fask%2F"


@pytest.mark.django_db
def test_a_next_address_on_another_site_is_not_kept(client, sign_up, mailoutbox):
    client.get(SIGN_UP, {"next": "https://evil.example/phish"})
    sign_up()
    assert client.post(path_of(link_in(mailoutbox[0])))["Location"] == SIGN_IN


@pytest.mark.django_db
def test_the_audit_log_keeps_which_page_never_the_link_that_opens_it(client, sign_up, mailoutbox):
    sign_up()
    link = path_of(link_in(mailoutbox[0]))
    client.post(link)
    token = link.rstrip("/").rsplit("/", 1)[1]
    paths = list(AuditEvent.objects.values_list("path", flat=True))
    assert "/account/confirm-email/…/…/" in paths
    assert not any(token in path for path in paths)
