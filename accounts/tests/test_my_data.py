"""My data: a resident reads and downloads what their own account holds, and closes it."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role, User
from common.testing import PASSWORD, sign_in
from timebank import services as timebank_services
from timebank.models import Exchange
from timebank.tests.factories import balance, make_member, make_timebank
from volunteering import services as volunteering_services
from volunteering.tests.factories import make_opportunity, make_shift

MY_DATA = reverse("accounts:my_data")
CLOSE = reverse("accounts:close_account")
SIGN_IN = reverse("accounts:sign_in")


@pytest.fixture
def story(db):
    """Rosa is in a timebank, gave an hour to Sam, and signed up to marshal at parkrun."""
    timebank, broker = make_timebank()
    rosa = make_member(timebank, broker, email="rosa@example.org", full_name="Rosa Pennington")
    sam = make_member(timebank, broker, full_name="Sam Okafor")
    timebank_services.record_exchange_for_members(
        broker, timebank, giver=rosa, receiver=sam, hours=Decimal("1"), description="Walked Sam's dog"
    )
    opportunity, _ = make_opportunity(title="Marshal at parkrun")
    volunteering_services.sign_up(make_shift(opportunity), user=rosa)
    return {"timebank": timebank, "rosa": rosa, "sam": sam}


def test_my_data_shows_the_accounts_timebank_and_volunteering_and_is_audited(client, story):
    rosa = story["rosa"]
    sign_in(client, rosa)
    page = client.get(MY_DATA).content.decode()
    for shown in ("Rosa Pennington", "rosa@example.org", "Sale Timebank", "Walked Sam", "Marshal at parkrun"):
        assert shown in page, shown
    assert "subject access request" in page
    assert AuditEvent.objects.filter(actor=rosa, action="view", target_id=str(rosa.pk)).exists()


def test_the_download_holds_the_same_and_is_audited_as_an_export(client, story):
    rosa = story["rosa"]
    sign_in(client, rosa)
    response = client.get(MY_DATA, {"format": "json"})
    assert response["Content-Disposition"] == 'attachment; filename="my-closeknit-data.json"'
    data = json.loads(response.content)
    text = json.dumps(data)
    for held in ("rosa@example.org", "Sale Timebank", "Walked Sam", "Marshal at parkrun"):
        assert held in text, held
    assert "Sam Okafor" not in text or "Walked Sam" in text  # only what is about Rosa's own rows
    assert AuditEvent.objects.filter(actor=rosa, action="export", target_id=str(rosa.pk)).exists()


def test_no_one_can_download_anyone_elses_data(client, story):
    """There is no id to change: whoever asks gets their own, and signed out, nothing."""
    sam = story["sam"]
    sign_in(client, sam)
    for query in ({"format": "json"}, {"format": "json", "user": story["rosa"].pk}, {"pk": story["rosa"].pk}):
        text = client.get(MY_DATA, query).content.decode()
        assert "rosa@example.org" not in text and "Marshal at parkrun" not in text
    signed_out = Client().get(MY_DATA, {"format": "json"})
    assert signed_out["Location"].startswith(SIGN_IN)


def test_closing_needs_the_password_and_a_wrong_one_counts_towards_lockout(client, story, settings):
    rosa = story["rosa"]
    sign_in(client, rosa)
    refused = client.post(CLOSE, {"password": "not my password"})
    assert "The password is not right" in refused.content.decode()
    assert 'href="#id_password"' in refused.content.decode()
    empty = client.post(CLOSE, {})
    assert "Enter your password" in empty.content.decode()
    rosa.refresh_from_db()
    assert rosa.is_active and rosa.full_name == "Rosa Pennington"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(CLOSE, {"password": "guess"})
    assert client.post(CLOSE, {"password": PASSWORD}).status_code == 429
    rosa.refresh_from_db()
    assert rosa.is_active


def test_closing_erases_the_sign_in_keeps_the_ledger_and_signs_out_everywhere(
    client, story, mailoutbox, django_capture_on_commit_callbacks
):
    rosa, sam, timebank = story["rosa"], story["sam"], story["timebank"]
    balances = (balance(timebank, rosa), balance(timebank, sam))
    elsewhere = sign_in(Client(), rosa)
    sign_in(client, rosa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLOSE, {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:account_closed")
    assert "Your account is closed" in client.get(response["Location"]).content.decode()
    rosa.refresh_from_db()
    assert (rosa.full_name, rosa.is_active, rosa.has_usable_password()) == ("Erased person", False, False)
    assert rosa.email.endswith("@invalid")
    assert "_auth_user_id" not in client.session
    assert elsewhere.get(reverse("accounts:account"))["Location"].startswith(SIGN_IN)
    # Sam's statement still adds up; the exchange no longer says what it was.
    assert (balance(timebank, rosa), balance(timebank, sam)) == balances
    assert Exchange.objects.get().description == "(erased)"
    assert Client().post(SIGN_IN, {"username": "rosa@example.org", "password": PASSWORD}).status_code == 200
    assert AuditEvent.objects.filter(action="erase", target_id=str(rosa.pk)).exists()
    assert [m.to for m in mailoutbox] == [["rosa@example.org"]]


def test_staff_cannot_close_their_account_here_and_are_told_to_ask_their_administrator(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    sign_in(client, coordinator)
    page = client.get(CLOSE)
    assert page.status_code == 403
    assert "Ask your administrator" in page.content.decode()
    assert client.post(CLOSE, {"password": PASSWORD}).status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert "Close your account" not in client.get(MY_DATA).content.decode()


def test_signed_out_people_are_sent_to_sign_in(client, db):
    for url in (MY_DATA, CLOSE, reverse("accounts:password_change")):
        assert client.get(url)["Location"].startswith(SIGN_IN)
        assert client.post(url, {"password": PASSWORD})["Location"].startswith(SIGN_IN)
    assert User.objects.count() == 0


def test_the_account_page_offers_my_data_password_and_two_factor_to_a_resident(client, make_user):
    sign_in(client, make_user(Role.RESIDENT))
    page = client.get(reverse("accounts:account")).content.decode()
    for link in ("accounts:my_data", "accounts:password_change", "accounts:two_factor_setup"):
        assert reverse(link) in page, link


def test_a_signed_in_resident_signs_up_to_a_shift_as_themselves_without_retyping(client, make_user):
    rosa = make_user(Role.RESIDENT, full_name="Rosa Pennington", email="rosa@example.org")
    opportunity, _ = make_opportunity()
    shift = make_shift(opportunity)
    sign_in(client, rosa)
    url = reverse("volunteering:opportunity", args=[opportunity.pk])
    page = client.get(url).content.decode()
    assert "You will be signed up as Rosa Pennington (rosa@example.org)" in page
    assert 'name="email"' not in page
    client.post(url, {"shift": shift.pk})
    assert shift.sign_ups.get().user == rosa


@pytest.mark.django_db
def test_closing_leaves_no_address_or_name_in_the_audit_log_from_signing_up(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:sign_up"),
            {"full_name": "Rosa P", "email": "rosa@example.org", "password": "walking by the canal"},
        )
    client.post(re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", mailoutbox[0].body).group(0)))
    client.post(SIGN_IN, {"username": "rosa@example.org", "password": "walking by the canal"})
    client.post(CLOSE, {"password": "walking by the canal"})
    rosa = User.objects.get()
    events = AuditEvent.objects.filter(target_id=str(rosa.pk))
    assert {"signed_up", "email_verified", "erase"} <= set(events.values_list("action", flat=True))
    assert not AuditEvent.objects.filter(ip_address__isnull=False).exists()
    assert not AuditEvent.objects.filter(actor_label__icontains="rosa").exists()


def test_the_download_as_a_pdf_holds_the_same(client, story):
    from io import BytesIO

    from pypdf import PdfReader

    rosa = story["rosa"]
    sign_in(client, rosa)
    response = client.get(MY_DATA, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split())
    for held in ("rosa@example.org", "Sale Timebank", "Marshal at parkrun", "subject access request"):
        assert held in text, held
    assert AuditEvent.objects.filter(actor=rosa, action="export").count() == 1
