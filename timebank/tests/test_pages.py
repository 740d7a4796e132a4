"""Timebank pages: anyone can read about a timebank and ask to join; only members see inside,
only brokers broker; bad input on a form names the field and writes nothing."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import assert_denied, sign_in
from timebank import services
from timebank.models import Exchange, Membership
from timebank.tests.factories import balance, make_member, make_timebank


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(description="Sale's own timebank.", welcome_hours=Decimal("1"))
    return (
        timebank,
        broker,
        make_member(timebank, broker, full_name="Ada Whitfield"),
        make_member(timebank, broker, full_name="Bert Marsh"),
    )


def test_anyone_reads_about_a_timebank_and_a_resident_asks_to_join(client, bank):
    timebank, broker, *_ = bank
    page = client.get(reverse("timebank:timebank", args=[timebank.slug])).content.decode()
    assert "Sale&#x27;s own timebank." in page and "2 members" in page and "Sign in" in page
    newcomer = UserFactory(role=Role.RESIDENT)
    sign_in(client, newcomer)
    client.post(reverse("timebank:join", args=[timebank.slug]))
    assert Membership.objects.get(user=newcomer).status == Membership.Status.APPLIED
    assert (
        "A broker will be in touch"
        in client.get(reverse("timebank:timebank", args=[timebank.slug])).content.decode()
    )


def test_member_records_an_exchange_the_other_confirms(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    data = {
        "other": bert.pk,
        "direction": "gave",
        "hours": "1.5",
        "description": "Fixed a shelf",
        "happened_on": "2026-11-20",
    }
    assert client.post(reverse("timebank:propose", args=[timebank.slug]), data).status_code == 302
    exchange = Exchange.objects.get()
    sign_in(client, bert)
    page = client.get(reverse("timebank:member", args=[timebank.slug])).content.decode()
    assert "Fixed a shelf" in page and "Confirm" in page
    client.post(reverse("timebank:confirm", args=[exchange.pk]))
    assert balance(timebank, ada) == Decimal("2.5") and balance(timebank, bert) == Decimal("-0.5")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": "-1"}, "must be more than zero"),
        ({"hours": "1.1"}, "quarter hours"),
        ({"hours": "lots"}, "The hours must be a number"),
        ({"other": ""}, "Choose who the exchange was with"),
        ({"description": ""}, "Say what the time was for"),
        ({"happened_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"happened_on": "2099-01-01"}, "The date must be no later than"),
        ({"happened_on": "1018-11-20"}, "The date must be on or after 1 January 2000"),
    ],
)
def test_bad_input_recording_an_exchange_names_the_field_and_writes_nothing(client, bank, changes, message):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    data = {
        "other": bert.pk,
        "direction": "gave",
        "hours": "1",
        "description": "Lifts",
        "happened_on": "2026-11-20",
    }
    response = client.post(reverse("timebank:propose", args=[timebank.slug]), data | changes)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert not Exchange.objects.exists()


def test_statement_shows_each_line_with_its_running_balance_and_downloads_as_csv(client, bank):
    timebank, broker, ada, bert = bank
    for hours in ("1", "0.75"):
        exchange = services.propose_exchange(
            ada, timebank, giver=ada, receiver=bert, hours=hours, description=f"Help {hours}"
        )
        services.confirm_exchange(bert, exchange)
    sign_in(client, ada)
    page = client.get(reverse("timebank:statement", args=[timebank.slug])).content.decode()
    assert "closing balance 2.75 hours" in page and "Help 0.75" in page
    response = client.get(reverse("timebank:statement", args=[timebank.slug]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "with", "what", "kind", "hours", "balance", "recorded"]
    assert [row[5] for row in rows[2:]] == ["1.00", "2.00", "2.75"]  # welcome hour, then the two


def test_statement_is_ordered_by_the_day_each_exchange_happened_and_names_the_other_party(client, bank):
    timebank, broker, ada, bert = bank
    today = timezone.localdate()
    for days_ago, hours, what in ((2, "1", "Recent help"), (20, "0.5", "Help three weeks back")):
        services.confirm_exchange(
            bert,
            services.propose_exchange(
                ada,
                timebank,
                giver=ada,
                receiver=bert,
                hours=hours,
                description=what,
                happened_on=today - timedelta(days=days_ago),
            ),
        )  # recorded today, the older one last
    sign_in(client, ada)
    url = reverse("timebank:statement", args=[timebank.slug])
    since = (today - timedelta(days=10)).isoformat()
    page = client.get(url, {"since": since}).content.decode()
    # The older exchange happened before the period: it is in the opening balance.
    assert "Opening balance 0.50 hours; closing balance 2.50 hours" in page
    assert "Recent help" in page and "Help three weeks back" not in page
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert [(row[0], row[1], row[2], row[5]) for row in rows[2:]] == [
        ((today - timedelta(days=20)).isoformat(), "Bert Marsh", "Help three weeks back", "0.50"),
        ((today - timedelta(days=2)).isoformat(), "Bert Marsh", "Recent help", "1.50"),
        (today.isoformat(), f"{timebank} community account", f"Welcome to {timebank}", "2.50"),
    ]
    assert {row[6] for row in rows[2:]} == {today.isoformat()}  # each recorded today
    page = client.get(url).content.decode()
    assert page.index("Help three weeks back") < page.index("Recent help") < page.index("Welcome to")
    assert "Bert Marsh" in page and f"recorded {today:%-d %b %Y}" in page


def test_people_outside_the_timebank_cannot_see_inside(client, bank):
    timebank, broker, ada, bert = bank
    exchange = services.propose_exchange(
        ada, timebank, giver=ada, receiver=bert, hours="1", description="Private"
    )
    outsider = UserFactory(role=Role.RESIDENT)
    sign_in(client, outsider)
    for url in ("member", "statement", "broker", "propose"):
        assert client.get(reverse(f"timebank:{url}", args=[timebank.slug])).status_code == 404, url
    assert client.post(reverse("timebank:confirm", args=[exchange.pk])).status_code == 404
    assert client.get(reverse("timebank:correct", args=[exchange.pk])).status_code == 404
    client.logout()
    assert_denied(client.get(reverse("timebank:member", args=[timebank.slug])))
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED


def test_members_cannot_broker(client, bank):
    timebank, broker, ada, bert = bank
    applicant = UserFactory()
    membership = services.apply_to_join(applicant, timebank)
    exchange = services.confirm_exchange(
        bert, services.propose_exchange(ada, timebank, giver=ada, receiver=bert, hours="1", description="x")
    )
    sign_in(client, ada)
    assert client.get(reverse("timebank:broker", args=[timebank.slug])).status_code == 403
    assert (
        client.post(reverse("timebank:approve", args=[membership.pk]), {"welcome_note": "hi"}).status_code
        == 403
    )
    assert client.post(reverse("timebank:correct", args=[exchange.pk]), {"reason": "mine"}).status_code == 403
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED and balance(timebank, ada) == Decimal("2")


def test_broker_welcomes_an_applicant_and_sees_the_dashboard(client, bank):
    timebank, broker, ada, bert = bank
    applicant = UserFactory(full_name="Cyril Ashworth")
    membership = services.apply_to_join(applicant, timebank)
    services.confirm_exchange(
        bert, services.propose_exchange(ada, timebank, giver=ada, receiver=bert, hours="2", description="x")
    )
    sign_in(client, broker)
    page = client.get(reverse("timebank:broker", args=[timebank.slug])).content.decode()
    assert "Welcome Cyril Ashworth" in page and "2 members" not in page
    url = reverse("timebank:approve", args=[membership.pk])
    assert "Note the welcome conversation" in client.post(url, {"welcome_note": ""}).content.decode()
    assert client.post(url, {"welcome_note": "Tea at the library; offers lifts"}).status_code == 302
    assert balance(timebank, applicant) == Decimal("1")
    page = client.get(reverse("timebank:broker", args=[timebank.slug])).content.decode()
    assert "No one is waiting" in page and "Cyril Ashworth (1 hours)" in page  # not exchanged yet


def test_broker_corrects_a_recorded_exchange_from_the_dashboard(client, bank):
    timebank, broker, ada, bert = bank
    exchange = services.propose_exchange(
        ada, timebank, giver=ada, receiver=bert, hours="3", description="Typo"
    )
    services.confirm_exchange(bert, exchange)
    sign_in(client, broker)
    assert (
        reverse("timebank:correct", args=[exchange.pk])
        in client.get(reverse("timebank:broker", args=[timebank.slug])).content.decode()
    )
    url = reverse("timebank:correct", args=[exchange.pk])
    assert "Say why the exchange is being corrected" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Was 1 hour, not 3"}).status_code == 302
    assert balance(timebank, ada) == Decimal("1") and balance(timebank, bert) == Decimal("1")


def test_member_takes_a_break_comes_back_and_leaves_keeping_their_hours(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    url = reverse("timebank:membership_status", args=[timebank.slug])
    client.post(url, {"status": "paused"})
    membership = Membership.objects.get(user=ada)
    assert membership.status == "paused"
    with pytest.raises(ValidationError, match="Choose an active member"):
        services.propose_exchange(bert, timebank, giver=bert, receiver=ada, hours="1", description="x")
    client.post(url, {"status": "active"})
    client.post(url, {"status": "left"})
    membership.refresh_from_db()
    assert membership.status == "left" and balance(timebank, ada) == Decimal("1")
    assert client.post(url, {"status": "active"}).status_code == 404  # left: no longer inside
    sign_in(client, bert)
    client.post(url, {"status": "nonsense"})
    assert Membership.objects.get(user=bert).status == "active"


def test_statement_downloads_as_a_pdf(client, bank):
    timebank, broker, ada, bert = bank
    services.confirm_exchange(
        bert,
        services.propose_exchange(ada, timebank, giver=ada, receiver=bert, hours="2", description="Painting"),
    )
    sign_in(client, ada)
    url = reverse("timebank:statement", args=[timebank.slug])
    assert "download as PDF" in client.get(url).content.decode()
    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Painting\nwith Bert Marsh\n+2 3" in text  # the exchange, with whom, and the balance after it


def test_back_office_shows_the_ledger_but_cannot_change_it(client, bank, make_user):
    from timebank.models import Entry

    timebank, broker, ada, bert = bank
    sign_in(client, make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    entry = Entry.objects.first()
    assert client.get(reverse("admin:timebank_entry_changelist")).status_code == 200
    assert client.get(reverse("admin:timebank_entry_change", args=[entry.pk])).status_code == 200
    assert (
        client.post(reverse("admin:timebank_entry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:timebank_timebank_change", args=[timebank.pk])).status_code == 200
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_broker_records_hours_for_a_group_activity_with_the_community_account(client, bank):
    timebank, broker, ada, bert = bank
    url = reverse("timebank:community_exchange", args=[timebank.slug])
    sign_in(client, ada)
    assert client.get(url).status_code == 403
    sign_in(client, broker)
    page = client.post(
        url,
        {
            "member": ada.pk,
            "direction": "earned",
            "hours": "0.3",
            "description": "Litter pick",
            "happened_on": "2026-11-20",
        },
    )
    assert "quarter hours" in page.content.decode() and balance(timebank, ada) == Decimal("1")
    data = {
        "member": ada.pk,
        "direction": "earned",
        "hours": "2",
        "description": "Litter pick",
        "happened_on": "2026-11-20",
    }
    assert client.post(url, data).status_code == 302
    assert balance(timebank, ada) == Decimal("3") and services.community_account(timebank).balance == Decimal(
        "-4"
    )
