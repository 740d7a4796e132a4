"""The coordinator's day board in Chromium: at a desk and on a phone, the coordinator opens the day,
opens a trip, assigns the driver suggested first and sees the trip on that driver's run. Every page
is axe-clean (with a form's errors too) and never scrolls sideways at 390 px; the date form works
without JavaScript; and the demo's board is pictured for the guide."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from common.testing import PASSWORD, assert_fits_width, screenshot_for_guide, sign_in_on_page
from places.tests.factories import PostcodeFactory
from transport.models import Scheme, Trip
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def monday(transactional_db):
    scheme, coordinator = make_scheme()
    edna = make_passenger(scheme, coordinator, name="Edna Marsh")
    fred = make_passenger(scheme, coordinator, name="Fred Oldham")
    PostcodeFactory(postcode="M33 5AB", latitude=53.42, longitude=-2.31)
    near = PostcodeFactory(latitude=53.421, longitude=-2.31)
    make_driver(scheme, name="Nia Near", home_postcode=near)
    make_driver(scheme, name="Fay Far", home_postcode=PostcodeFactory(latitude=53.5, longitude=-2.2))
    make_driver(scheme, name="Lou Lapsed", checks=("licence",))
    make_vehicle(scheme, name="The Corsa")
    day = coming(0)
    trips = [make_trip(coordinator, edna, scheme, day, 10), make_trip(coordinator, fred, scheme, day, 11)]
    return {"scheme": scheme, "coordinator": coordinator, "day": day, "trips": trips}


@pytest.mark.parametrize("width", [1024, 390])
def test_a_coordinator_assigns_the_suggested_driver_and_sees_the_run(
    browser, live_server, axe, monday, width
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_on_page(page, monday["coordinator"])
    page.goto("/transport/")
    page.click("text=Nellie the tuk-tuk: today's trips")
    assert page.locator("h1").inner_text().startswith("Today, ")
    page.fill("#id_day", monday["day"].isoformat())
    page.click("button:has-text('Show the day')")
    assert page.url.endswith(f"/day/{monday['day'].isoformat()}/")
    assert "2 trips · 2 need a driver · 0 unmet" in page.locator("main").inner_text()
    axe(page)
    assert_fits_width(page)

    page.click("a:has-text('Edna Marsh')")
    assert page.locator("h1").inner_text() == "Edna Marsh"
    suggested = page.locator("main li", has=page.locator("button:has-text('Assign')"))
    assert (
        "Nia Near" in suggested.first.inner_text()
        and "miles from the pick-up" in suggested.first.inner_text()
    )
    page.click("summary:has-text('Drivers left out')")
    assert "Lou Lapsed has no DBS check on record." in page.locator("details").inner_text()
    axe(page)
    assert_fits_width(page)

    page.click("#assign-yourself button")  # the manual form, nothing chosen
    assert "Choose a driver" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)

    suggested.first.locator("button").click()
    assert (
        "Nia Near will take this trip in The Corsa."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "On the same run" in page.locator("main").inner_text()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "transport-trip")

    page.click("text=Back to the day board")
    main = page.locator("main").inner_text()
    assert "Nia Near in The Corsa" in main and "2 trips · 1 needs a driver" in main
    assert main.index("Not on a run") < main.index("Fred Oldham") < main.index("Nia Near in The Corsa")
    axe(page)
    assert_fits_width(page)
    assert Trip.objects.get(pk=monday["trips"][0].pk).run.driver.user.full_name == "Nia Near"
    context.close()


def test_the_date_form_works_without_javascript(no_js_page, monday):
    sign_in_on_page(no_js_page, monday["coordinator"])
    no_js_page.goto(f"/transport/schemes/{monday['scheme'].pk}/day/")
    no_js_page.fill("#id_day", monday["day"].isoformat())
    no_js_page.click("button:has-text('Show the day')")
    assert "Edna Marsh" in no_js_page.locator("main").inner_text()
    no_js_page.click("text=Day after")
    assert "No trips on this day." in no_js_page.locator("main").inner_text()


def test_the_demo_day_board_for_the_guide(browser, live_server, axe, transactional_db):
    """The demo's minibus or tuk-tuk on the coming Tuesday (the lunch club), pictured at a desk."""
    call_command("seed_demo", residents=5, verbosity=0)
    coordinator = User.objects.get(email=demo_email("coordinator"))
    coordinator.set_password(PASSWORD)
    coordinator.save()
    scheme = Scheme.objects.get(name="Nellie the tuk-tuk", is_demo=True)
    busiest = max(  # the coming day with most trips on runs, then most trips
        {timezone.localdate(t.starts_at) for t in scheme.trips.filter(status__in=Trip.OPEN)},
        key=lambda d: (
            scheme.trips.filter(starts_at__date=d, run__isnull=False).count(),
            scheme.trips.filter(starts_at__date=d).count(),
        ),
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_on_page(page, coordinator)
    page.goto(f"/transport/schemes/{scheme.pk}/day/{busiest.isoformat()}/")
    assert "trips" in page.locator("main").inner_text()
    axe(page)
    screenshot_for_guide(page, "transport-day-board")
    page.set_viewport_size({"width": 390, "height": 900})
    assert_fits_width(page)
    axe(page)
    context.close()


def test_asking_for_a_ride_and_recording_what_happened_on_a_phone(browser, live_server, axe, monday):
    """From the person's page: the rides panel, the request (a mistake first), then the outcome
    (the reason forgotten first). Each page at 390 px, axe-clean."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_on_page(page, monday["coordinator"])
    edna = monday["trips"][0].passenger.person
    page.goto(f"/people/{edna.pk}/")
    panel = page.locator("main").inner_text()
    assert "Community transport" in panel and "waiting for a driver" in panel
    axe(page)
    assert_fits_width(page)

    page.click("text=Ask for a ride for Edna")
    assert page.locator("h1").inner_text() == "Ask for a ride"
    page.select_option("#id_scheme", label="Nellie the tuk-tuk")
    page.fill("#id_on", monday["day"].isoformat())
    page.fill("#id_pickup_at", "15:00")
    page.fill("#id_pickup_address", "12 Moss Lane, Sale")
    page.fill("#id_pickup_postcode", "M33 5AB")
    page.fill("#id_destination_postcode", "M33 2AA")
    page.click("button:has-text('Ask for the ride')")
    assert "Enter where they are going." in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "transport-request")
    page.fill("#id_destination", "Sale Moor surgery")
    page.click("button:has-text('Ask for the ride')")
    assert "Asked for 1 trip." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1").inner_text() == "Edna Marsh"

    page.click("text=Record what happened")
    page.check("input[value='turned_down']")
    page.click("button:has-text('Record it')")
    assert "Say why the trip was not completed." in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)
    page.fill("#id_reason", "Her daughter is taking her")
    page.click("button:has-text('Record it')")
    assert (
        "Recorded: turned down by the passenger." in page.locator(".govuk-notification-banner").inner_text()
    )
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "transport-trip-outcome")
    context.close()
