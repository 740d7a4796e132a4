"""Linking a resident's sign-in to a record is a request until the resident says yes.

A coordinator can type any address into "link sign-in". Until the resident confirms on *Your
record*, the link reaches nothing: the resident does not see the record, its subject access copy
holds nothing of the sign-in, and erasing the record leaves the sign-in alone. The refusals do
not tell staff who has a sign-in, or who is on another team's caseload."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, TeamMembershipFactory
from common.testing import sign_in
from lending.models import Reservation
from lending.tests.factories import make_item
from people.models import Goal, Person
from people.tests.factories import PersonFactory
from timebank import services as timebank_services
from timebank.tests.factories import make_timebank
from volunteering.models import SignUp
from volunteering.tests.factories import make_opportunity, make_shift

STRANGER = {
    "full_name": "Philomena Stranger-Quist",
    "email": "philomena.quist@example.org",
    "welcome": "Welcome: met at the Quist allotment",
    "sign_up": "Philomena Q. Volunteer",
    "borrower": "Philomena Q. Borrower",
}
RECORD_SECRET = "Goal: ride the Quist tandem"


@pytest.fixture
def lead(team, make_user):
    user = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=user, is_lead=True)
    return user


@pytest.fixture
def record(team, lead):
    """A record the lead's team keeps, about someone who is not the stranger."""
    person = PersonFactory(team=team, coordinator=lead, full_name="Someone Else Entirely")
    Goal.objects.create(person=person, description=RECORD_SECRET)
    return person


@pytest.fixture
def stranger(make_user):
    """A resident with a sign-in full of their own data: a timebank membership, a volunteering
    sign-up and a loan. No team keeps a record about them."""
    resident = make_user(Role.RESIDENT, full_name=STRANGER["full_name"], email=STRANGER["email"])
    timebank, broker = make_timebank("Quist Timebank")
    membership = timebank_services.apply_to_join(resident, timebank)
    timebank_services.approve_member(broker, membership, STRANGER["welcome"], "")
    SignUp.objects.create(
        shift=make_shift(make_opportunity()[0]),
        user=resident,
        name=STRANGER["sign_up"],
        email=STRANGER["email"],
        hours=Decimal("1.5"),
    )
    item, _ = make_item()
    Reservation.objects.create(
        item=item,
        borrower=resident,
        borrower_name=STRANGER["borrower"],
        borrower_contact=STRANGER["email"],
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 12),
    )
    return resident


def _link(client, lead, record, email):
    sign_in(client, lead)
    return client.post(reverse("people:link_account", args=[record.pk]), {"email": email})


def _export(client, lead, record) -> str:
    sign_in(client, lead)
    url = reverse("people:subject_access", args=[record.pk])
    return client.get(url, {"format": "json"}).content.decode()


def _stranger_data_in(text: str) -> list[str]:
    return [value for key, value in STRANGER.items() if key != "full_name" and value in text]


def _error_summary(page: str) -> str:
    start = page.index("govuk-error-summary__list")
    return page[start : page.index("</ul>", start)]


def _erase(client, lead, record):
    sign_in(client, lead)
    response = client.post(reverse("people:erase", args=[record.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=record.pk).erased_at is not None


def test_a_stranger_linked_by_staff_is_not_exported_nor_erased_until_they_say_yes(
    client, lead, record, stranger
):
    assert _link(client, lead, record, STRANGER["email"]).status_code == 302
    assert Person.objects.get(pk=record.pk).account == stranger  # linked, but pending

    assert _stranger_data_in(_export(client, lead, record)) == []

    _erase(client, lead, record)
    stranger.refresh_from_db()
    assert (stranger.full_name, stranger.email, stranger.is_active) == (
        STRANGER["full_name"],
        STRANGER["email"],
        True,
    )
    assert SignUp.objects.get(user=stranger).name == STRANGER["sign_up"]
    assert Reservation.objects.get(borrower=stranger).borrower_name == STRANGER["borrower"]


def test_the_pending_link_shows_the_resident_only_the_teams_question(client, lead, record, stranger):
    _link(client, lead, record, STRANGER["email"])
    sign_in(client, stranger)
    page = client.get(reverse("people:your_record")).content.decode()
    assert f"{record.team.name} says it keeps a record about you. Is this you?" in page
    assert "Yes, this is me" in page and "No, this is not me" in page
    assert RECORD_SECRET not in page and record.full_name not in page


def test_once_the_resident_confirms_they_see_it_and_export_and_erasure_reach_their_sign_in(
    client, lead, record, stranger
):
    _link(client, lead, record, STRANGER["email"])
    sign_in(client, stranger)
    response = client.post(reverse("people:confirm_account_link", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.confirmed_account == stranger
    assert AuditEvent.objects.filter(
        actor=stranger, action="update", note="sign-in link confirmed", target_id=str(record.pk)
    ).exists()
    assert RECORD_SECRET in client.get(reverse("people:your_record")).content.decode()

    assert sorted(_stranger_data_in(_export(client, lead, record))) == sorted(
        v for k, v in STRANGER.items() if k != "full_name"
    )
    _erase(client, lead, record)
    stranger.refresh_from_db()
    assert STRANGER["email"] != stranger.email and not stranger.is_active


def test_the_resident_can_refuse_a_link_and_it_is_gone(client, lead, record, stranger):
    _link(client, lead, record, STRANGER["email"])
    sign_in(client, stranger)
    response = client.post(reverse("people:refuse_account_link", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.account is None and record.account_confirmed_at is None
    assert AuditEvent.objects.filter(
        actor=stranger, action="update", note="sign-in link refused", target_id=str(record.pk)
    ).exists()
    assert "No team has a record" in client.get(reverse("people:your_record")).content.decode()
    sign_in(client, lead)
    page = client.get(reverse("people:person", args=[record.pk])).content.decode()
    assert "Let them see their record" in page


def test_a_resident_cannot_confirm_or_refuse_a_link_to_someone_elses_sign_in(
    client, lead, record, stranger, make_user
):
    _link(client, lead, record, STRANGER["email"])
    intruder = make_user(Role.RESIDENT)
    sign_in(client, intruder)
    for name in ("people:confirm_account_link", "people:refuse_account_link"):
        assert client.post(reverse(name, args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.account == stranger and record.account_confirmed_at is None
    # Nor through the service, nor the staff who made the link.
    from people.selectors import PersonNotVisible
    from people.services import confirm_account_link

    for user in (intruder, lead):
        with pytest.raises(PersonNotVisible):
            confirm_account_link(user, record)
    sign_in(client, lead)
    assert client.post(reverse("people:confirm_account_link", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.account_confirmed_at is None


def test_a_confirmed_link_cannot_be_refused_or_confirmed_again_through_the_question(
    client, lead, record, stranger
):
    _link(client, lead, record, STRANGER["email"])
    sign_in(client, stranger)
    client.post(reverse("people:confirm_account_link", args=[record.pk]))
    confirmed_at = Person.objects.get(pk=record.pk).account_confirmed_at
    assert client.post(reverse("people:refuse_account_link", args=[record.pk])).status_code == 404
    assert client.post(reverse("people:confirm_account_link", args=[record.pk])).status_code == 404
    assert Person.objects.get(pk=record.pk).account_confirmed_at == confirmed_at


def test_refusals_say_the_same_for_no_sign_in_a_staff_sign_in_and_another_teams_resident(
    client, lead, record, make_user
):
    """The form cannot be used to learn who has a resident sign-in, or who is on another
    team's caseload; and the other team's record is never loaded, so no VIEW names it."""
    other_team = TeamFactory()
    other_coordinator = make_user(Role.COORDINATOR, teams=[other_team])
    resident = make_user(Role.RESIDENT, email="in.crisis@example.org")
    theirs = PersonFactory(team=other_team, coordinator=other_coordinator, account=resident)
    make_user(Role.COORDINATOR, email="colleague@example.org")
    pages = {
        email: _link(client, lead, record, email).content.decode()
        for email in ("nobody@example.org", "colleague@example.org", "IN.CRISIS@example.org")
    }
    message = "That sign-in cannot be linked to this record. Check the address with the person."
    for email, page in pages.items():
        assert message in page, email
        for leak in ("already linked", "There is no resident account"):
            assert leak not in page, (email, leak)
    assert len({_error_summary(page) for page in pages.values()}) == 1
    assert Person.objects.get(pk=record.pk).account is None
    assert not AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Person), target_id=str(theirs.pk)
    ).exists()


def test_the_person_page_says_whether_the_link_waits_for_them(client, lead, record, stranger):
    _link(client, lead, record, STRANGER["email"])
    page = client.get(reverse("people:person", args=[record.pk])).content.decode()
    assert "Sign-in linked: waiting for them to confirm" in page
    Person.objects.filter(pk=record.pk).update(account_confirmed_at="2026-12-01T10:00Z")
    page = client.get(reverse("people:person", args=[record.pk])).content.decode()
    assert "Sign-in linked: they can see their record" in page
    assert "waiting for them to confirm" not in page


def test_linking_again_asks_again(lead, record, stranger, make_user):
    """A new link, even to a sign-in that had confirmed, waits for the resident's yes."""
    from people.services import link_account

    Person.objects.filter(pk=record.pk).update(account=stranger, account_confirmed_at="2026-12-01T10:00Z")
    record = Person.objects.get(pk=record.pk)
    other = make_user(Role.RESIDENT, email="someone.new@example.org")
    link_account(lead, record, other.email)
    record.refresh_from_db()
    assert record.account == other and record.confirmed_account is None
