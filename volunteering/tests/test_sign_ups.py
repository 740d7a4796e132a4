"""Signing up to shifts: places, the waiting list, cancelling, attendance and time credits."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from accounts.tests.factories import UserFactory
from timebank import ledger
from timebank import services as timebank
from timebank.models import Account, Entry
from volunteering import services
from volunteering.models import Shift, SignUp
from volunteering.tests.factories import make_opportunity, make_shift


def test_places_fill_then_people_wait_and_a_cancellation_lets_the_first_in(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=2)
    people = [UserFactory() for _ in range(4)]
    statuses = [services.sign_up(shift, user=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    services.cancel(people[0], SignUp.objects.get(user=people[0]))
    assert SignUp.objects.get(user=people[2]).status == "confirmed"
    assert SignUp.objects.get(user=people[3]).status == "waiting"


def test_someone_without_an_account_signs_up_with_a_name_and_a_way_to_reach_them(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity)
    with pytest.raises(ValidationError, match="Give an email address or a phone number"):
        services.sign_up(shift, name="Stan")
    first = services.sign_up(shift, name="Stan", email="Stan@example.org")
    again = services.sign_up(shift, name="Stanley", email="stan@example.org")
    assert again.pk == first.pk and again.is_repeat
    assert SignUp.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "Stan Smith", "phone": "07700 900123"}, {"name": "stan  SMITH ", "phone": "07700900123"}),
        (
            {"name": "Stan Smith", "phone": "0770-090 0123"},
            {"name": "Stan Smith", "phone": " 077 00 90 01 23"},
        ),
        ({"name": "Stan", "email": "Stan@Example.org"}, {"name": "Stan", "email": "STAN@example.ORG "}),
        ({"name": "Stan", "email": "stan@example.org"}, {"name": "S. Smith", "email": "Stan@example.org"}),
    ],
)
def test_the_same_person_signing_up_twice_gets_one_place(db, first, second):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=2)
    made = services.sign_up(shift, **first)
    again = services.sign_up(shift, **second)
    assert again.pk == made.pk and again.is_repeat and not made.is_repeat
    assert SignUp.objects.filter(shift=shift).count() == 1
    assert services.sign_up(shift, name="Someone Else", phone="07700 900999").status == "confirmed"


def test_someone_else_with_the_same_phone_is_not_taken_for_the_first(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=2)
    services.sign_up(shift, name="Stan Smith", phone="0161 000 0000")
    other = services.sign_up(shift, name="Jo Smith", phone="0161 000 0000")  # a shared landline
    assert not other.is_repeat and SignUp.objects.filter(status="confirmed").count() == 2


def test_a_signed_in_volunteer_signing_up_twice_keeps_one_place(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity)
    volunteer = UserFactory(email="Vol@Example.org")
    made = services.sign_up(shift, user=volunteer)
    assert services.sign_up(shift, user=volunteer).pk == made.pk
    same_email = services.sign_up(shift, name="Vol", email="vol@example.org")  # signed out this time
    assert same_email.pk == made.pk and SignUp.objects.count() == 1


def test_someone_waiting_who_signs_up_again_keeps_one_place_in_the_queue(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=1)
    services.sign_up(shift, user=UserFactory())
    waiting = services.sign_up(shift, name="Stan", phone="07700 900123")
    again = services.sign_up(shift, name="STAN", phone="07700900123")
    assert again.pk == waiting.pk and again.status == "waiting"
    assert SignUp.objects.filter(status="waiting").count() == 1


def test_signing_up_again_after_cancelling_takes_a_new_place(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity)
    volunteer = UserFactory()
    services.cancel(volunteer, services.sign_up(shift, user=volunteer))
    again = services.sign_up(shift, user=volunteer)
    assert not again.is_repeat and again.status == "confirmed"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": -1}, "ends_at", "The end must be after the start"),
        ({"starts_at": -72}, "starts_at", "cannot start in the past"),
        ({"places": 0}, "places", "between 1 and 500"),
    ],
)
def test_bad_shifts_are_refused_and_nothing_is_written(db, change, field, message):
    opportunity, organiser = make_opportunity()
    starts = timezone.now() + timedelta(days=1)
    args = {"starts_at": starts, "ends_at": starts + timedelta(hours=2), "places": 4}
    if "ends_at" in change:
        args["ends_at"] = starts + timedelta(hours=change["ends_at"])
    if "starts_at" in change:
        args["starts_at"] = starts + timedelta(hours=change["starts_at"])
        args["ends_at"] = args["starts_at"] + timedelta(hours=2)
    if "places" in change:
        args["places"] = change["places"]
    with pytest.raises(ValidationError) as refused:
        services.add_shifts(organiser, opportunity, **args)
    assert message in refused.value.message_dict[field][0]
    assert not Shift.objects.exists()


def test_a_shift_cannot_shrink_below_the_people_signed_up(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=3)
    for _ in range(3):
        services.sign_up(shift, user=UserFactory())
    with pytest.raises(ValidationError, match="3 people have places: the shift needs at least 3"):
        services.change_places(organiser, shift, 2)
    shift.refresh_from_db()
    assert shift.places == 3


def test_weekly_shifts_are_made_in_one_go(db):
    opportunity, organiser = make_opportunity()
    starts = timezone.now() + timedelta(days=1)
    shifts = services.add_shifts(
        organiser, opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2), places=5, weeks=4
    )
    assert [s.starts_at - starts for s in shifts] == [timedelta(weeks=n) for n in range(4)]


def test_time_credits_are_awarded_exactly_once_per_attended_shift(db):
    opportunity, organiser = make_opportunity()
    scheme = timebank.create_credit_scheme("Trafford Time Credits", opportunity.organisation)
    opportunity.credit_scheme = scheme
    opportunity.save()
    shift = make_shift(opportunity, hours=3)
    volunteer = UserFactory()
    signup = services.sign_up(shift, user=volunteer)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )
    for _ in range(3):
        services.mark_attendance(organiser, signup, attended=True)
    signup.refresh_from_db()
    assert signup.hours == Decimal("3") and signup.status == "attended"
    assert Entry.objects.filter(kind="award").count() == 1
    assert Account.objects.get(holder=volunteer).balance == 3
    with pytest.raises(ValidationError, match="Credits were awarded"):
        services.mark_attendance(organiser, signup, attended=False)


def test_attendance_is_for_organisers_after_the_shift_starts(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity)
    signup = services.sign_up(shift, user=UserFactory())
    with pytest.raises(ValidationError, match="once the shift has started"):
        services.mark_attendance(organiser, signup, attended=True)
    with pytest.raises(ValidationError, match="Only Sale parkrun's organisers"):
        services.mark_attendance(UserFactory(), signup, attended=True)
    signup.refresh_from_db()
    assert signup.status == "confirmed" and signup.hours is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_eight_people_racing_for_three_places_on_postgresql():
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=3)
    people = [UserFactory() for _ in range(8)]
    gate, failures = threading.Barrier(8), []

    def go(person):
        try:
            gate.wait()
            services.sign_up(shift, user=person)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert SignUp.objects.filter(status="confirmed").count() == 3
    assert SignUp.objects.filter(status="waiting").count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_one_person_submitting_eight_times_at_once_gets_one_place_on_postgresql():
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, places=3)
    gate, made, failures = threading.Barrier(8), [], []
    typed = ["Stan Smith", "stan smith", "STAN SMITH", " Stan  Smith"]

    def go(n):
        try:
            gate.wait()
            phone = "07700 900123" if n % 2 else "07700900123"
            made.append(services.sign_up(shift, name=typed[n % 4], phone=phone).pk)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(made) == 8 and len(set(made)) == 1
    assert SignUp.objects.filter(shift=shift).count() == 1


def _started(shift):
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )


def _with_credits(opportunity):
    scheme = timebank.create_credit_scheme("Trafford Time Credits", opportunity.organisation)
    opportunity.credit_scheme = scheme
    opportunity.save()
    return scheme


def test_the_organiser_records_the_hours_actually_given_defaulting_to_the_scheduled(db):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity, hours=3)
    stayed, left_early = (services.sign_up(shift, user=UserFactory()) for _ in range(2))
    _started(shift)
    assert services.mark_attendance(organiser, stayed, attended=True).hours == Decimal("3")
    assert services.mark_attendance(organiser, left_early, True, Decimal("1.75")).hours == Decimal("1.75")
    again = services.mark_attendance(organiser, left_early, attended=True)  # no hours: keeps 1.75
    assert again.hours == Decimal("1.75")


@pytest.mark.parametrize("hours", ["0", "0.3", "24.25", "-2"])
def test_hours_outside_quarter_hours_up_to_a_day_are_refused_naming_the_field(db, hours):
    opportunity, organiser = make_opportunity()
    shift = make_shift(opportunity)
    signup = services.sign_up(shift, user=UserFactory())
    _started(shift)
    with pytest.raises(ValidationError) as refused:
        services.mark_attendance(organiser, signup, True, Decimal(hours))
    assert "quarter hours from 0.25 to 24" in refused.value.message_dict["hours"][0]
    signup.refresh_from_db()
    assert signup.status == "confirmed" and signup.hours is None


def test_changing_the_hours_after_marking_corrects_the_credits_and_never_awards_twice(db):
    opportunity, organiser = make_opportunity()
    _with_credits(opportunity)
    shift = make_shift(opportunity, hours=3)
    volunteer = UserFactory()
    signup = services.sign_up(shift, user=volunteer)
    _started(shift)
    services.mark_attendance(organiser, signup, attended=True)
    account = Account.objects.get(holder=volunteer)
    assert account.balance == 3
    services.mark_attendance(organiser, signup, True, Decimal("4.5"))  # stayed on: one more credit
    account.refresh_from_db()
    assert account.balance == 4
    services.mark_attendance(organiser, signup, True, Decimal("4.75"))  # same whole hours: no entry
    services.mark_attendance(organiser, signup, True, Decimal("1"))
    account.refresh_from_db()
    assert account.balance == 1
    assert Entry.objects.filter(kind="award").count() == 1
    corrections = Entry.objects.filter(kind="reversal").order_by("pk")
    assert [p.amount for c in corrections for p in c.postings.filter(account=account)] == [1, -3]
    assert all("Correction: Marshal at parkrun" in c.memo for c in corrections)
    signup.refresh_from_db()
    assert signup.credits_entry.kind == "award" and signup.hours == Decimal("1")
    assert ledger.audit() == []


def test_hours_below_one_then_raised_award_the_credits_once(db):
    opportunity, organiser = make_opportunity()
    _with_credits(opportunity)
    shift = make_shift(opportunity, hours=2)
    volunteer = UserFactory()
    signup = services.sign_up(shift, user=volunteer)
    _started(shift)
    services.mark_attendance(organiser, signup, True, Decimal("0.5"))
    assert not Entry.objects.filter(kind="award").exists()
    services.mark_attendance(organiser, signup, True, Decimal("2"))
    services.mark_attendance(organiser, signup, True, Decimal("2"))
    assert Entry.objects.filter(kind="award").count() == 1
    assert Account.objects.get(holder=volunteer).balance == 2


def test_only_the_organiser_corrects_credits_through_the_ledger(db):
    opportunity, organiser = make_opportunity()
    _with_credits(opportunity)
    shift = make_shift(opportunity, hours=3)
    signup = services.sign_up(shift, user=UserFactory())
    _started(shift)
    services.mark_attendance(organiser, signup, attended=True)
    signup.refresh_from_db()
    with pytest.raises(ValidationError, match="correct its credits"):
        timebank.correct_award(UserFactory(), signup.credits_entry, 1, "Marshal")
    with pytest.raises(ValidationError, match="Only Sale parkrun's organisers"):
        services.mark_attendance(UserFactory(), signup, True, Decimal("5"))
    assert not Entry.objects.filter(kind="reversal").exists()


@pytest.mark.parametrize(
    ("hours", "shown"), [("10", "10"), ("10.00", "10"), ("1.50", "1.5"), ("2.25", "2.25")]
)
def test_hours_are_shown_as_a_person_writes_them(hours, shown):
    assert SignUp(hours=Decimal(hours)).hours_shown == shown
