"""Transport's reports: a trip's purpose (asked by both request forms, a ride to an introduction
being to a group), a scheme's trips in a period by outcome, purpose, ward and IMD decile with the
unmet requests and the passengers carried (no one named, small numbers suppressed, CSV, queries
flat), drivers' hours, awarding them as time credits once a run, and transport in the evaluation
report's reach. Everyone but the scheme's coordinators (and administrators) is refused."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotPermitted, NotVisible, Refusal
from common.suppression import SUPPRESSED
from common.testing import assert_denied, sign_in
from outcomes.report import Period, evaluation_report, report_rows
from people.models import Introduction
from places.tests.factories import LSOAFactory, NeighbourhoodFactory, PostcodeFactory, WardFactory
from timebank import services as timebank
from timebank.models import Account
from transport import report_selectors, services
from transport.models import Driver, Purpose, Run, RunCredit, Trip
from transport.report_selectors import ReportPeriod, last_full_quarter
from transport.tests.factories import (
    at,
    coming,
    journey,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)

QUARTER = last_full_quarter(timezone.localdate())
IN_QUARTER = QUARTER.since + timedelta(days=9)


def past_trip(scheme, passenger, day=IN_QUARTER, hour=10, *, minutes=45, postcode="M33 5AB", **fields):
    """A trip as it stands once its day has passed (made directly: the service asks for the future)."""
    starts = at(day, hour)
    fields.setdefault("status", Trip.Status.COMPLETED)
    fields.setdefault("purpose", Purpose.GROUP)
    return Trip.objects.create(
        scheme=scheme,
        passenger=passenger,
        pickup_address="12 Moss Lane, Sale",
        pickup_postcode=postcode,
        destination="Friendship lunch club",
        destination_postcode="M33 7XZ",
        pickup_at=starts,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        requested_via=Trip.RequestedVia.COORDINATOR,
        **fields,
    )


@pytest.fixture
def places(db):
    sale_moor = PostcodeFactory(
        postcode="M33 5AB", ward=WardFactory(name="Sale Moor"), lsoa=LSOAFactory(imd_decile=2)
    )
    brooklands = PostcodeFactory(
        postcode="M33 3NL", ward=WardFactory(name="Brooklands"), lsoa=LSOAFactory(imd_decile=7)
    )
    return sale_moor, brooklands


@pytest.fixture
def quarter(places):
    """A scheme's last full quarter: six passengers each taken to a group from Sale Moor (decile
    2); two health trips made and six unmet from Brooklands (decile 7); and trips that must not
    count: one the day before the quarter, one of another scheme."""
    scheme, coordinator = make_scheme()
    people = [make_passenger(scheme, coordinator, name=f"Wilhelmina{n} Quartermaine") for n in range(6)]
    for person in people:
        past_trip(scheme, person)
    for person in people[:2]:
        past_trip(scheme, person, hour=14, purpose=Purpose.HEALTH, postcode="M33 3NL")
    reasons = ["No driver free", "no driver free.", "No  driver free", "No driver free", "NO DRIVER FREE"]
    for n, reason in enumerate([*reasons, "Vehicle off the road"]):
        past_trip(
            scheme,
            people[n],
            IN_QUARTER + timedelta(days=1),
            purpose=Purpose.HEALTH,
            postcode="M33 3NL",
            status=Trip.Status.UNMET,
            outcome_reason=reason,
        )
    past_trip(scheme, people[0], QUARTER.since - timedelta(days=1))
    other, other_coordinator = make_scheme(name="Elsewhere cars")
    past_trip(other, make_passenger(other, other_coordinator, name="Olive Other"))
    return {"scheme": scheme, "coordinator": coordinator, "people": people, "other": other}


# --- Purpose ---------------------------------------------------------------------------------------


def test_a_ride_has_a_purpose_defaulting_to_something_else_or_a_group_for_an_introduction(db):
    scheme, coordinator = make_scheme()
    edna = make_passenger(scheme, coordinator)
    monday = coming(0)
    assert make_trip(coordinator, edna, scheme, monday, 9).purpose == Purpose.OTHER
    outward, back = services.request_trip(
        coordinator, edna, scheme, journey(), pickup_at=at(monday, 11), return_pickup_at=at(monday, 13),
        purpose=Purpose.HEALTH,
    )  # fmt: skip
    assert outward.purpose == back.purpose == Purpose.HEALTH
    introduction = Introduction.objects.create(
        person=edna.person, elsewhere="A walking group", made_on=monday
    )
    to_group = make_trip(coordinator, edna, scheme, monday, 15, introduction=introduction)
    assert to_group.purpose == Purpose.GROUP
    with pytest.raises(Refusal) as refused:
        make_trip(coordinator, edna, scheme, monday, 17, purpose="holiday")
    assert "purpose" in refused.value.message_dict
    assert Trip.objects.filter(passenger=edna).count() == 4


def test_the_coordinator_asks_what_a_ride_is_for_and_the_trip_page_shows_it(client, db):
    scheme, coordinator = make_scheme()
    edna = make_passenger(scheme, coordinator)
    monday = coming(0)
    data = {
        "passenger": edna.pk, "scheme": scheme.pk, "on": monday.isoformat(), "pickup_at": "13:00",
        "pickup_address": "12 Moss Lane, Sale", "pickup_postcode": "M33 5AB", "escorts": "0",
        "destination": "Sale Moor surgery", "destination_postcode": "M33 2AA", "mobility_aid": "",
    }  # fmt: skip
    sign_in(client, coordinator)
    form = client.get(reverse("transport:request")).content.decode()
    assert "What the ride is for" in form and "A health appointment" in form
    bad = client.post(reverse("transport:request"), data | {"purpose": "holiday"})
    assert bad.status_code == 200 and "Choose what the ride is for from the list" in bad.content.decode()
    assert not Trip.objects.exists()
    response = client.post(reverse("transport:request"), data | {"purpose": "health"})
    trip = Trip.objects.get()
    assert response.status_code == 302 and trip.purpose == Purpose.HEALTH
    assert "A health appointment" in client.get(reverse("transport:trip", args=[trip.pk])).content.decode()


def test_a_resident_may_say_what_their_ride_is_for(client, db):
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT, full_name="Rita Holt")
    services.register_passenger(coordinator, scheme, account=resident)
    data = {
        "scheme": scheme.pk, "pickup_address": "4 Cherry Lane, Sale", "pickup_postcode": "M33 5AB",
        "place": "elsewhere", "destination": "Sale market", "destination_postcode": "M33 7XZ",
        "on": coming(1).isoformat(), "time_is": "pickup", "pickup_at": "10:30", "mobility_aid": "none",
    }  # fmt: skip
    sign_in(client, resident)
    assert "What is the ride for?" in client.get(reverse("transport:ride_request")).content.decode()
    bad = client.post(reverse("transport:ride_request"), data | {"purpose": "x"})
    assert bad.status_code == 200 and "Choose what the ride is for from the list" in bad.content.decode()
    assert client.post(reverse("transport:ride_request"), data | {"purpose": "shopping"}).status_code == 302
    assert Trip.objects.get().purpose == Purpose.SHOPPING


# --- The period --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, since, until",
    [
        (date(2026, 12, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 1, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 6, 30), date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_the_default_period_is_the_last_full_quarter(today, since, until):
    assert last_full_quarter(today) == ReportPeriod(since, until)


# --- A scheme's report ------------------------------------------------------------------------------


def test_the_report_counts_trips_by_outcome_purpose_ward_and_decile_suppressing_small_numbers(quarter):
    found = report_selectors.scheme_report(quarter["coordinator"], quarter["scheme"], QUARTER)
    assert found.totals == {"asked": 14, "completed": 8, "unmet": 6, "passengers": 6}
    outcomes = {row["label"]: row["count"] for row in found.outcomes}
    assert outcomes["Completed"] == 8 and outcomes["Unmet: we could not provide it"] == 6
    assert outcomes["Cancelled"] is None  # none at all is withheld like one
    purposes = {row["label"]: (row["asked"], row["completed"]) for row in found.purposes}
    assert purposes["A group or activity"] == (6, 6)
    assert purposes["A health appointment"] == (8, None)  # 2 completed: fewer than 5
    wards = {row["label"]: (row["asked"], row["completed"]) for row in found.wards}
    assert wards == {"Brooklands": (8, None), "Sale Moor": (6, 6), "Not known": (None, None)}
    assert [row["label"] for row in found.wards][:2] == ["Brooklands", "Sale Moor"]  # most first
    deciles = {row["label"]: (row["asked"], row["completed"]) for row in found.deciles}
    assert deciles["Decile 2"] == (6, 6) and deciles["Decile 7"] == (8, None)
    assert deciles["Decile 1"] == (None, None)
    assert found.unmet_reasons == [
        {"label": "No driver free", "count": 5},  # the same words, however written, counted together
        {"label": "Vehicle off the road", "count": None},
    ]


def test_the_report_page_names_no_one_and_says_why_counts_are_withheld(client, quarter):
    response = sign_in(client, quarter["coordinator"]).get(
        reverse("transport:report", args=[quarter["scheme"].pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Trips from {QUARTER.since:%-d %B %Y} to {QUARTER.until:%-d %B %Y}" in page
    assert "Sale Moor" in page and "No driver free" in page and "fewer than 5" in page
    assert "stands for a count from 0 to 4" in page
    for name in ("Wilhelmina", "Quartermaine", "Olive", "Moss Lane"):
        assert name not in page


def test_the_csv_has_the_same_tables_and_its_download_is_audited(client, quarter):
    scheme = quarter["scheme"]
    sign_in(client, quarter["coordinator"])
    url = reverse("transport:report_csv", args=[scheme.pk])
    response = client.get(url, {"since": QUARTER.since.isoformat(), "until": QUARTER.until.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["table", "row", "column", "value"]
    assert ["Trips by ward of pick-up", "Sale Moor", "completed", "6"] in rows
    assert ["Trips by ward of pick-up", "Brooklands", "completed", SUPPRESSED] in rows
    assert ["Unmet requests by reason", "No driver free", "trips", "5"] in rows
    assert ["Totals", "passengers", "", "6"] in rows
    assert "Quartermaine" not in response.content.decode()
    assert AuditEvent.objects.filter(action="export", target_id=str(scheme.pk)).count() == 1
    bad = client.get(url, {"since": "2026-02-30", "until": "2026-03-01"}, follow=True)
    assert bad.redirect_chain[0][0].startswith(reverse("transport:report", args=[scheme.pk]))
    assert "The from must be a real date" in bad.content.decode()
    assert AuditEvent.objects.filter(action="export", target_id=str(scheme.pk)).count() == 1


def test_a_period_can_be_chosen_and_a_bad_one_is_named_by_its_field(client, quarter):
    sign_in(client, quarter["coordinator"])
    url = reverse("transport:report", args=[quarter["scheme"].pk])
    day = IN_QUARTER + timedelta(days=1)
    chosen = client.get(url, {"since": day.isoformat(), "until": day.isoformat()}).content.decode()
    assert f"Trips from {day:%-d %B %Y}" in chosen and "Vehicle off the road" in chosen
    assert "Sale Moor</th>" not in chosen  # that day's trips all picked up in Brooklands
    for params, message in [
        ({"since": "2026-13-01", "until": "2026-12-31"}, "The from must be a real date"),
        (
            {"since": "2026-06-01", "until": "2026-05-01"},
            "The day to must be the same as or after the day from",
        ),
        ({"since": "2026-06-01", "until": ""}, "Enter both days, or neither for the last full quarter"),
        ({"since": "2016-06-01", "until": "2026-05-01"}, "Choose a period of at most three years"),
    ]:
        response = client.get(url, params)
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page and message in page, params
        assert page.startswith("<!DOCTYPE") and "<title>Error:" in page
        assert f"Trips from {QUARTER.since:%-d %B %Y}" in page  # the default period is shown meanwhile


def test_only_the_schemes_coordinators_and_administrators_see_its_reports(client, quarter):
    scheme = quarter["scheme"]
    urls = [
        reverse("transport:report", args=[scheme.pk]),
        reverse("transport:report_csv", args=[scheme.pk]),
        reverse("transport:hours", args=[scheme.pk]),
    ]
    for url in urls:
        assert_denied(client.get(url))  # signed out
    strangers = [
        UserFactory(role=Role.COORDINATOR, teams=[quarter["other"].team]),  # another scheme's
        UserFactory(role=Role.LINK_WORKER, teams=[TeamFactory()]),
        UserFactory(role=Role.RESIDENT),
        UserFactory(role=Role.COMMISSIONER, teams=[scheme.team]),
        UserFactory(role=Role.ORGANISATION_EDITOR, teams=[scheme.team]),
    ]
    for user in strangers:
        sign_in(client, user)
        for url in urls:
            assert_denied(client.get(url))
    sign_in(client, UserFactory(role=Role.ADMINISTRATOR))
    assert all(client.get(url).status_code == 200 for url in urls)
    with pytest.raises(NotVisible):
        report_selectors.scheme_report(strangers[0], scheme, QUARTER)
    assert client.get(reverse("transport:report", args=[999999])).status_code == 404


def test_the_reports_queries_do_not_grow_with_the_trips(client, quarter):
    sign_in(client, quarter["coordinator"])
    url = reverse("transport:report", args=[quarter["scheme"].pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    people = quarter["people"]
    for n in range(40):
        postcode = PostcodeFactory(ward=WardFactory(), lsoa=LSOAFactory(imd_decile=1 + n % 10)).postcode
        past_trip(
            quarter["scheme"], people[n % 6], IN_QUARTER + timedelta(days=2 + n), postcode=postcode,
            purpose=Purpose.values[n % 6], status=Trip.Status.UNMET if n % 3 else Trip.Status.COMPLETED,
            outcome_reason=f"Reason {n}" if n % 3 else "",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- Drivers' hours and time credits ------------------------------------------------------------


@pytest.fixture
def runs(places):
    """A volunteer's run in the quarter: trips 10:00 to 10:45, a no-show 11:00 to 11:30 and one
    completed 12:00 to 12:45 (2.75 hours); a cancelled trip does not count. A paid driver's run,
    and a run with nothing done. The scheme's team's organisation takes part in a credit scheme
    the scheme is linked to."""
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator)
    volunteer = make_driver(scheme, name="Vera Volunteer")
    paid = make_driver(scheme, name="Paul Paid", kind=Driver.Kind.PAID)
    car = make_vehicle(scheme)
    run = Run.objects.create(driver=volunteer, vehicle=car, on=IN_QUARTER)
    past_trip(scheme, passenger, hour=10, run=run)
    past_trip(scheme, passenger, hour=11, minutes=30, run=run, status="no_show", outcome_reason="Not in")
    past_trip(scheme, passenger, hour=12, run=run)
    past_trip(scheme, passenger, hour=16, status="cancelled", outcome_reason="Unwell")
    paid_run = Run.objects.create(driver=paid, vehicle=car, on=IN_QUARTER)
    past_trip(scheme, passenger, IN_QUARTER, 14, run=paid_run)
    idle = Run.objects.create(driver=volunteer, vehicle=car, on=IN_QUARTER + timedelta(days=1))
    past_trip(scheme, passenger, IN_QUARTER + timedelta(days=1), 9, run=idle, status="scheduled")
    organisation = scheme.team.organisation
    credits = timebank.create_credit_scheme("Trafford Time Credits", organisation, awarding=[organisation])
    scheme.credit_scheme = credits
    scheme.save()
    return {"scheme": scheme, "coordinator": coordinator, "run": run, "paid_run": paid_run, "idle": idle,
            "volunteer": volunteer, "credits": credits, "passenger": passenger}  # fmt: skip


def test_a_runs_hours_go_from_its_first_start_to_its_last_end_of_trips_done(runs):
    hours = report_selectors.driver_hours(runs["coordinator"], runs["scheme"], QUARTER)
    by_driver = {row.driver.user.full_name: row for row in hours}
    assert set(by_driver) == {"Vera Volunteer", "Paul Paid"}  # the idle run is not listed
    vera = by_driver["Vera Volunteer"]
    assert [(r.run, r.hours, r.trips, r.credited) for r in vera.runs] == [
        (runs["run"], Decimal("2.75"), 3, None)
    ]
    assert by_driver["Paul Paid"].hours == Decimal("0.75")
    assert report_selectors.hours_to_credit(Decimal("2.83")) == Decimal("2.75")


def test_a_coordinator_awards_a_runs_hours_as_time_credits_once(client, runs):
    coordinator, run = runs["coordinator"], runs["run"]
    sign_in(client, coordinator)
    page = client.get(reverse("transport:hours", args=[runs["scheme"].pk])).content.decode()
    assert "Vera Volunteer (volunteer): 2.75 hours" in page and page.count("Award time credits<") == 1
    url = reverse("transport:award_credits", args=[run.pk])
    response = client.post(url, {"query": f"since={QUARTER.since}&until={QUARTER.until}"}, follow=True)
    assert "is awarded time credits for 2.75 hours" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"?since={QUARTER.since}&until={QUARTER.until}")
    credit = RunCredit.objects.get(run=run)
    assert credit.hours == Decimal("2.75") and credit.awarded_by == coordinator
    account = Account.objects.get(ledger=runs["credits"].ledger, holder=runs["volunteer"].user)
    assert account.balance == Decimal("2")  # one credit for each whole hour
    assert AuditEvent.objects.filter(action="create", target_id=str(credit.pk)).exists()
    again = client.post(url, follow=True).content.decode()
    assert "Time credits have already been awarded for this run." in again
    assert RunCredit.objects.count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("2")
    assert (
        "Credits awarded for 2.75 hours"
        in client.get(reverse("transport:hours", args=[runs["scheme"].pk])).content.decode()
    )


def test_only_volunteers_runs_with_trips_done_in_a_linked_scheme_are_awarded(runs):
    coordinator = runs["coordinator"]
    with pytest.raises(Refusal, match="this run's driver is paid"):
        services.award_run_credits(coordinator, runs["paid_run"])
    with pytest.raises(Refusal, match="no hours to award"):
        services.award_run_credits(coordinator, runs["idle"])
    short = Run.objects.create(
        driver=runs["volunteer"], vehicle=runs["run"].vehicle, on=IN_QUARTER - timedelta(days=1)
    )
    past_trip(runs["scheme"], runs["passenger"], short.on, 9, minutes=50, run=short)
    with pytest.raises(Refusal, match="this run's 0.83 hours earn none"):
        services.award_run_credits(coordinator, short)
    runs["credits"].awarding_organisations.clear()
    with pytest.raises(Refusal, match="does not take part in Trafford Time Credits"):
        services.award_run_credits(coordinator, runs["run"])
    runs["scheme"].credit_scheme = None
    runs["scheme"].save()
    with pytest.raises(Refusal, match="is not linked to a time credit scheme"):
        services.award_run_credits(coordinator, runs["run"])
    assert not RunCredit.objects.exists()
    assert not Account.objects.filter(holder=runs["volunteer"].user).exists()


def test_nobody_else_awards_a_runs_credits(client, runs):
    run = runs["run"]
    url = reverse("transport:award_credits", args=[run.pk])
    assert_denied(client.post(url))
    others = [
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        UserFactory(role=Role.RESIDENT),
        runs["volunteer"].user,  # the driver themselves
        UserFactory(role=Role.ORGANISATION_EDITOR, teams=[runs["scheme"].team]),
    ]
    for user in others:
        assert sign_in(client, user).post(url).status_code == 404
        with pytest.raises(NotPermitted):
            services.award_run_credits(user, run)
    assert client.get(url).status_code == 405
    assert client.post("/transport/runs/99999999999999999999/credits/").status_code == 404
    assert not RunCredit.objects.exists()


def test_the_database_holds_one_credit_a_run(runs):
    services.award_run_credits(runs["coordinator"], runs["run"])
    first = RunCredit.objects.get()
    entry = timebank.award_credits_for(
        runs["scheme"].team.organisation,
        runs["credits"],
        runs["volunteer"].user,
        1,
        "x",
        by=runs["coordinator"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RunCredit.objects.create(run=first.run, entry=entry, hours=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_coordinators_awarding_a_run_at_once_award_it_once(places):
    scheme, coordinator = make_scheme()
    second = UserFactory(role=Role.COORDINATOR, teams=[scheme.team])
    passenger = make_passenger(scheme, coordinator)
    driver, car = make_driver(scheme), make_vehicle(scheme)
    run = Run.objects.create(driver=driver, vehicle=car, on=IN_QUARTER)
    past_trip(scheme, passenger, hour=10, minutes=90, run=run)
    organisation = scheme.team.organisation
    scheme.credit_scheme = timebank.create_credit_scheme("Credits", organisation, awarding=[organisation])
    scheme.save()
    gate, made, refused, failures = threading.Barrier(4), [], [], []

    def go(n):
        try:
            gate.wait()
            made.append(services.award_run_credits(coordinator if n % 2 else second, run))
        except Refusal as error:
            refused.append(error)
        except Exception as error:  # noqa: BLE001 - anything else fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(made) == 1 and len(refused) == 3
    assert all("already been awarded" in " ".join(e.messages) for e in refused)
    assert RunCredit.objects.count() == 1
    assert Account.objects.get(holder=driver.user).balance == Decimal("1")


# --- The evaluation report's reach --------------------------------------------------------------------


def test_the_evaluation_report_counts_transport_with_the_same_suppression(quarter, places):
    sale_moor, _brooklands = places
    period = Period(QUARTER.since, QUARTER.until)
    transport = evaluation_report(period)["reach"]["transport"]
    # Every scheme's trips count: the other scheme's completed trip makes 9 (its passenger a 7th).
    assert (transport["completed"], transport["passengers"], transport["unmet"]) == (9, 7, 6)
    assert {r["label"]: r["count"] for r in transport["wards"]} == {"Sale Moor": 7, "Brooklands": None}
    assert transport["deciles"][1] == {"label": "Decile 2", "count": 7}
    assert transport["unknown_ward"] is None
    area = NeighbourhoodFactory()
    area.wards.add(sale_moor.ward)
    local = evaluation_report(Period(QUARTER.since, QUARTER.until, area))["reach"]["transport"]
    assert (local["completed"], local["passengers"], local["unmet"]) == (7, 7, None)
    rows = report_rows(evaluation_report(period))
    assert ("Community transport", "Trips completed", "9") in rows
    assert ("Community transport trips by ward", "Brooklands", SUPPRESSED) in rows


def test_the_evaluation_report_page_has_a_transport_section(client, quarter):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    query = {"since": QUARTER.since.isoformat(), "until": QUARTER.until.isoformat()}
    for name in ("outcomes:report", "outcomes:reach"):
        page = client.get(reverse(name), query).content.decode()
        assert "Community transport" in page and "Community transport trips completed by ward" in page
        assert "Quartermaine" not in page
