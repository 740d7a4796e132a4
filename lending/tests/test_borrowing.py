"""Residents asking to borrow: their request, the coordinators' answer, their own loans, and
every way someone else is refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, Role
from accounts.privacy import ERASED_NAME, account_sections, erase_account
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import assert_denied, sign_in
from lending import selectors, services
from lending.models import Item, Reservation
from lending.tests.factories import make_item


def days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT, full_name="Rita Borrower", email="rita@example.org")


def ask(user, item, start=1, end=4, contact="07700 900111", note=""):
    return services.ask_to_borrow(
        user, item, starts_on=days(start), ends_on=days(end), contact=contact, note=note
    )


def another(item, **fields):
    return Item.objects.create(organisation=item.organisation, kind="walker", **fields)


def ask_form(start=1, end=4, contact="07700 900111", note="For my mum's visit"):
    return {
        "starts_on": days(start).isoformat(),
        "ends_on": days(end).isoformat(),
        "contact": contact,
        "note": note,
    }


# Services


def test_a_request_holds_no_days_until_it_is_accepted(resident):
    item, coordinator = make_item()
    request = ask(resident, item, note="  For a wedding  ")
    assert request.status == Reservation.Status.REQUESTED
    assert (request.borrower, request.borrower_name, request.note) == (
        resident,
        "Rita Borrower",
        "For a wedding",
    )
    assert selectors.booked_periods(item, days(0)) == []
    # Another person may ask for the same days, and a coordinator may still book them.
    other = UserFactory(role=Role.RESIDENT)
    ask(other, item)
    services.reserve(coordinator, item, starts_on=days(2), ends_on=days(3), name="Edna", contact="0161")
    # Now the first request cannot be accepted: the days are booked.
    with pytest.raises(ValidationError, match="is booked"):
        services.accept_request(coordinator, request)
    request.refresh_from_db()
    assert request.status == Reservation.Status.REQUESTED


def test_the_database_lets_requests_overlap_but_never_two_bookings(resident):
    """On PostgreSQL the exclusion constraint counts only reserved and out loans: requests for
    booked days may be written, and accepting one onto booked days is refused by the database
    itself (on SQLite, by the service's locked check, tested above)."""
    item, coordinator = make_item()
    services.reserve(coordinator, item, starts_on=days(1), ends_on=days(7), name="Edna", contact="0161")
    fields = {
        "item": item,
        "borrower_name": "x",
        "borrower_contact": "x",
        "starts_on": days(3),
        "ends_on": days(9),
    }
    requests = [Reservation.objects.create(status="requested", **fields) for _ in range(2)]
    Reservation.objects.create(status="declined", **fields)
    Reservation.objects.create(status="cancelled", **fields)
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Reservation.objects.filter(pk=requests[0].pk).update(status="reserved")
    with pytest.raises(ValidationError, match="is booked"):
        services.accept_request(coordinator, requests[0])
    assert Reservation.objects.filter(status="reserved").count() == 1


def test_accepting_makes_a_booking_and_emails_the_borrower(resident, django_capture_on_commit_callbacks):
    item, coordinator = make_item()
    request = ask(resident, item)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_request(coordinator, request)
    request.refresh_from_db()
    assert request.status == Reservation.Status.RESERVED
    assert selectors.booked_periods(item, days(0)) == [(days(1), days(4))]
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]
    assert "booked" in mail.outbox[0].subject and item.name in mail.outbox[0].body
    assert AuditEvent.objects.filter(actor=coordinator, action="update", target_id=str(request.pk)).exists()
    with pytest.raises(ValidationError, match="already answered"):
        services.accept_request(coordinator, request)


def test_no_email_is_sent_when_the_answer_is_not_saved(resident, django_capture_on_commit_callbacks):
    item, coordinator = make_item()
    request = ask(resident, item)
    services.reserve(coordinator, item, starts_on=days(1), ends_on=days(1), name="Edna", contact="0161")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.accept_request(coordinator, request)
    assert mail.outbox == []


def test_declining_needs_a_reason_and_tells_the_borrower(resident, django_capture_on_commit_callbacks):
    item, coordinator = make_item()
    request = ask(resident, item)
    with pytest.raises(ValidationError) as refused:
        services.decline_request(coordinator, request, "   ")
    assert "Say why" in refused.value.message_dict["reason"][0]
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(coordinator, request, "It is going for its service that week.")
    request.refresh_from_db()
    assert (request.status, request.declined_reason) == ("declined", "It is going for its service that week.")
    assert "going for its service" in mail.outbox[0].body and mail.outbox[0].to == ["rita@example.org"]
    with pytest.raises(ValidationError, match="already answered"):
        services.accept_request(coordinator, request)


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-1, 3, "starts_on", "cannot start in the past"),
        (5, 2, "ends_on", "on or after the start date"),
        (1, 15, "ends_on", "at most 14 days"),
    ],
)
def test_bad_requests_are_refused_naming_the_field(resident, start, end, field, message):
    item, _ = make_item(longest_loan_days=14)
    with pytest.raises(ValidationError) as refused:
        ask(resident, item, start, end)
    assert message in refused.value.message_dict[field][0]
    assert not Reservation.objects.exists()


def test_a_request_for_booked_days_or_an_item_not_lent_is_refused(resident):
    item, coordinator = make_item()
    services.reserve(coordinator, item, starts_on=days(3), ends_on=days(5), name="Edna", contact="0161")
    with pytest.raises(ValidationError, match="is booked"):
        ask(resident, item, 1, 3)
    ask(resident, item, 6, 8)
    with pytest.raises(ValidationError, match="already asked"):
        ask(resident, item, 7, 9)
    with pytest.raises(ValidationError) as refused:
        ask(resident, item, 10, 11, contact="  ")
    assert "contact" in refused.value.message_dict
    repair = another(item, name="Broken scooter", condition=Item.Condition.NEEDS_REPAIR)
    with pytest.raises(ValidationError, match="being repaired"):
        ask(resident, repair)
    retired = another(item, name="Old scooter", is_retired=True)
    with pytest.raises(ValidationError, match="no longer lent"):
        ask(resident, retired)
    assert Reservation.objects.filter(borrower=resident).count() == 1


def test_one_person_has_only_a_few_requests_waiting_at_once(resident):
    first, _ = make_item()
    for n in range(services.MAX_OPEN_REQUESTS):
        ask(resident, another(first, name=f"Walker {n}"))
    with pytest.raises(ValidationError, match="withdraw one"):
        ask(resident, another(first, name="One more"))


def test_only_the_items_coordinators_answer_a_request(resident):
    item, coordinator = make_item()
    request = ask(resident, item)
    elsewhere = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory(name="Elsewhere"))
    for someone in (elsewhere, resident, UserFactory(role=Role.COORDINATOR)):
        with pytest.raises(NotPermitted):
            services.accept_request(someone, request)
        with pytest.raises(NotPermitted):
            services.decline_request(someone, request, "No")
    request.refresh_from_db()
    assert request.status == Reservation.Status.REQUESTED


def test_the_borrower_alone_withdraws_a_request_or_cancels_a_booking_not_yet_lent(resident):
    item, coordinator = make_item()
    request = ask(resident, item)
    with pytest.raises(NotVisible):
        services.withdraw(UserFactory(role=Role.RESIDENT), request)
    with pytest.raises(NotVisible):
        services.withdraw(coordinator, request)
    services.withdraw(resident, request)
    request.refresh_from_db()
    assert request.status == Reservation.Status.CANCELLED
    booked = services.accept_request(coordinator, ask(resident, item))
    services.lend(coordinator, booked, condition="good", agreement_signed=True)
    with pytest.raises(ValidationError, match="not yet lent"):
        services.withdraw(resident, booked)


def test_loans_of_lists_the_persons_current_loans_soonest_first(resident):
    item, coordinator = make_item()
    later = ask(resident, item, 10, 12)
    sooner = services.accept_request(coordinator, ask(resident, item, 1, 2))
    gone = ask(resident, item, 20, 21)
    services.withdraw(resident, gone)
    ask(UserFactory(role=Role.RESIDENT), item, 5, 6)  # someone else's
    assert list(selectors.loans_of(resident)) == [sooner, later]
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.loans_of(AnonymousUser()).exists()


def test_requests_are_in_subject_access_and_go_on_erasure(resident):
    item, _ = make_item()
    ask(resident, item, note="My address is 3 Elm Road")
    loans = next(s for s in account_sections(resident) if s["key"] == "loans")
    assert loans["records"][0]["status"] == "Asked for"
    assert loans["records"][0]["note_given"] == "My address is 3 Elm Road"
    erase_account(resident)
    request = Reservation.objects.get()
    assert (request.borrower_name, request.borrower_contact, request.note) == (ERASED_NAME, "", "")
    assert request.status == Reservation.Status.CANCELLED


# Pages


def test_signed_out_people_are_asked_to_sign_in_and_cannot_post(client, resident):
    item, _ = make_item()
    url = reverse("lending:ask", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith(
        reverse("accounts:sign_in")
    )
    assert_denied(client.post(url, ask_form()))
    assert_denied(client.get(reverse("lending:yours")))
    request = ask(resident, item)
    assert_denied(client.post(reverse("lending:withdraw", args=[request.pk])))
    assert_denied(client.post(reverse("lending:accept", args=[request.pk])))
    assert_denied(client.post(reverse("lending:decline", args=[request.pk]), {"reason": "No"}))
    assert Reservation.objects.get().status == Reservation.Status.REQUESTED


def test_a_resident_asks_on_the_page_with_their_name_and_email_filled_in(client, resident):
    item, _ = make_item()
    sign_in(client, resident)
    url = reverse("lending:ask", args=[item.pk])
    text = client.get(url).content.decode()
    assert "Rita Borrower" in text and 'value="rita@example.org"' in text
    response = client.post(url, ask_form(contact="0161 496 0123"))
    assert response.status_code == 302 and response.headers["Location"] == reverse("lending:yours")
    request = Reservation.objects.get()
    assert (request.borrower, request.borrower_contact, request.status) == (
        resident,
        "0161 496 0123",
        "requested",
    )
    assert AuditEvent.objects.filter(actor=resident, action="create", target_id=str(request.pk)).exists()
    text = client.get(reverse("lending:yours")).content.decode()
    assert item.name in text and "Waiting for an answer" in text and "Withdraw the request" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (ask_form(start=-2), "starts_on", "cannot start in the past"),
        (ask_form(start=5, end=2), "ends_on", "on or after the start date"),
        (ask_form(end=40), "ends_on", "at most 14 days"),
        (ask_form() | {"starts_on": "31/02/2026"}, "starts_on", "must be a real date"),
        (ask_form() | {"ends_on": ""}, "ends_on", "Enter the until"),
        (ask_form(contact=""), "contact", "Give a phone number or email address"),
        (ask_form(contact="x" * 201), "contact", "200 characters or fewer"),
        (ask_form(note="x" * 501), "note", "500 characters or fewer"),
    ],
)
def test_bad_input_on_the_ask_page_is_answered_beside_the_field(client, resident, data, field, message):
    item, _ = make_item(longest_loan_days=14)
    sign_in(client, resident)
    response = client.post(reverse("lending:ask", args=[item.pk]), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "<title>Error:" in response.content.decode()
    assert not Reservation.objects.exists()


def test_asking_for_a_retired_item_is_not_found(client, resident):
    item, _ = make_item(is_retired=True)
    sign_in(client, resident)
    assert client.post(reverse("lending:ask", args=[item.pk]), ask_form()).status_code == 404
    assert not Reservation.objects.exists()


def test_a_resident_never_sees_or_acts_on_anothers_request(client, resident):
    item, _ = make_item()
    theirs = ask(UserFactory(role=Role.RESIDENT, full_name="Other Person", email="other@example.org"), item)
    sign_in(client, resident)
    text = client.get(reverse("lending:yours")).content.decode()
    assert "Other Person" not in text and "other@example.org" not in text and item.name not in text
    assert client.post(reverse("lending:withdraw", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("lending:withdraw", args=[theirs.pk + 1000])).status_code == 404
    assert_denied(client.post(reverse("lending:accept", args=[theirs.pk])))
    assert_denied(client.get(reverse("lending:decline", args=[theirs.pk])))
    assert "Other Person" not in client.get(reverse("lending:borrowable", args=[item.pk])).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Reservation.Status.REQUESTED


def test_the_borrower_withdraws_on_their_loans_page(client, resident):
    item, _ = make_item()
    request = ask(resident, item)
    sign_in(client, resident)
    response = client.post(reverse("lending:withdraw", args=[request.pk]), follow=True)
    assert "Your request is withdrawn." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Reservation.Status.CANCELLED
    assert AuditEvent.objects.filter(actor=resident, target_id=str(request.pk), action="update").exists()
    # Now it is not theirs to act on any more: not found.
    assert client.post(reverse("lending:withdraw", args=[request.pk])).status_code == 404


def test_coordinators_see_requests_on_their_dashboard_and_accept_or_decline(client, resident):
    item, coordinator = make_item()
    first = ask(resident, item, 1, 2, note="For my mum's visit")
    second = ask(UserFactory(role=Role.RESIDENT, full_name="Sam Second"), item, 5, 6)
    sign_in(client, coordinator)
    text = client.get(reverse("lending:dashboard")).content.decode()
    assert "Rita Borrower" in text and "For my mum&#x27;s visit" in text and "Sam Second" in text
    response = client.post(reverse("lending:accept", args=[first.pk]), follow=True)
    assert "Booked for Rita Borrower" in response.content.decode()
    response = client.post(reverse("lending:decline", args=[second.pk]), {"reason": ""})
    assert response.status_code == 200 and "Say why, for the borrower" in response.content.decode()
    response = client.post(reverse("lending:decline", args=[second.pk]), {"reason": "Booked for servicing"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("reserved", "declined")
    assert "No requests waiting" in client.get(reverse("lending:dashboard")).content.decode()


def test_accepting_an_overlap_is_refused_with_a_clear_message(client, resident):
    item, coordinator = make_item()
    first = ask(resident, item, 1, 4)
    second = ask(UserFactory(role=Role.RESIDENT), item, 3, 6)
    sign_in(client, coordinator)
    client.post(reverse("lending:accept", args=[first.pk]))
    response = client.post(reverse("lending:accept", args=[second.pk]), follow=True)
    assert "is booked" in response.content.decode() and "choose other days" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Reservation.Status.REQUESTED


def test_coordinators_of_another_organisation_cannot_answer(client, resident):
    item, _ = make_item()
    request = ask(resident, item)
    garage = OrganisationFactory(name="Sale Mobility Repairs", kind=Organisation.Kind.BUSINESS)
    Item.objects.create(organisation=garage, name="Their own hoist", kind="hoist")
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage))
    assert "Rita Borrower" not in client.get(reverse("lending:dashboard")).content.decode()
    assert_denied(client.post(reverse("lending:accept", args=[request.pk])))
    assert_denied(client.post(reverse("lending:decline", args=[request.pk]), {"reason": "No"}))
    request.refresh_from_db()
    assert request.status == Reservation.Status.REQUESTED
