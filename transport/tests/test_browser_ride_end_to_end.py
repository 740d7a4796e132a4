"""One ride from end to end in Chromium, through the real pages only, with three people each in
their own browser: a resident asks for a ride (and a ride home) on a phone; a coordinator, signed
in with their second factor at a desk, assigns the suggested driver; the resident sees the ride
booked with the driver's first name; the driver sees it on their manifest on a phone (first name,
no surname); and on the day, after the ride, the driver records the odometer and sees the claim at
45p a mile. Every page visited is axe-clean, and at 390 px none scrolls sideways.

Only the scheme, the passenger, the driver, their car and checks are made in code. The ride is
tomorrow; to reach the day of the ride, the clock (``django.utils.timezone.now``, read by the
test server in this same process) is moved to tomorrow afternoon, as it would be for real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from places.tests.factories import PostcodeFactory
from transport import services
from transport.models import MileageClaim, Trip
from transport.tests.factories import at, make_driver, make_scheme, make_vehicle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _open(browser, live_server, viewport, *, phone: bool):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def test_a_ride_asked_for_on_a_phone_is_assigned_driven_and_claimed(
    browser, live_server, axe, transactional_db, monkeypatch, hmrc
):
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT, full_name="Rita Holt")
    services.register_passenger(
        coordinator, scheme, account=resident, usual_places="Friendship lunch club, M33 7XZ"
    )
    PostcodeFactory(postcode="M33 5AB", latitude=53.42, longitude=-2.31)
    driver = make_driver(
        scheme, name="Dev Patel", home_postcode=PostcodeFactory(latitude=53.421, longitude=-2.31)
    )
    make_vehicle(scheme, name="Dev's Corsa", owner=driver, odometer_miles=31200)
    tomorrow = timezone.localdate() + timedelta(days=1)

    # 1. The resident asks for a ride to the lunch club and home again, on their phone.
    rider, page = _open(browser, live_server, PHONE, phone=True)
    sign_in_on_page(page, resident)
    page.goto("/transport/")
    _check(page, axe)
    page.click("a:has-text('Ask for a ride')")
    assert page.locator("h1").inner_text() == "Ask for a ride"
    _check(page, axe)
    page.fill("#id_pickup_address", "4 Cherry Lane, Sale")
    page.fill("#id_pickup_postcode", "M33 5AB")
    page.check("input[name='place'][value='usual:0']")
    page.fill("#id_on", tomorrow.isoformat())
    page.fill("#id_pickup_at", "10:30")
    page.fill("#id_return_pickup_at", "14:00")
    page.click("button:has-text('Ask for the ride')")
    assert page.locator("h1").inner_text() == "Your rides"
    main = page.locator("main").inner_text()
    assert "You have asked for a ride and a ride home." in main
    assert main.count("Asked for: finding a driver") == 2 and "Booked" not in main
    _check(page, axe)

    # 2. The coordinator, at a desk, finds tomorrow on the day board and assigns the suggested driver
    #    to the ride there and to the ride home.
    desk, board = _open(browser, live_server, DESK, phone=False)
    assert coordinator.needs_two_factor
    sign_in_on_page(board, coordinator)  # with the code from their authenticator
    board.goto("/transport/")
    _check(board, axe)
    board.click("text=Nellie the tuk-tuk: today's trips")
    board.fill("#id_day", tomorrow.isoformat())
    board.click("button:has-text('Show the day')")
    assert "2 trips · 2 need a driver" in board.locator("main").inner_text()
    _check(board, axe)
    for pickup in ("10:30", "14:00"):
        board.click(f"a:has-text('Rita Holt, {pickup}')")
        assert board.locator("h1").inner_text().startswith("Rita Holt")
        suggested = board.locator("main li", has=board.locator("button:has-text('Assign')"))
        assert "Dev Patel" in suggested.first.inner_text()
        _check(board, axe)
        suggested.first.locator("button").click()
        assert (
            "Dev Patel will take this trip in Dev's Corsa."
            in board.locator(".govuk-notification-banner").inner_text()
        )
        _check(board, axe)
        board.click("text=Back to the day board")
    main = board.locator("main").inner_text()
    assert "2 trips · 0 need a driver" in main and "Dev Patel in Dev's Corsa" in main
    _check(board, axe)
    desk.close()

    # 3. The resident sees both rides booked, with the driver's first name only.
    page.reload()
    main = page.locator("main").inner_text()
    assert main.count("Booked") == 2 and "Asked for" not in main
    assert main.count("Dev, in Dev's Corsa") == 2 and "Patel" not in main
    _check(page, axe)
    screenshot_for_guide(page, "transport-ride-booked")
    rider.close()

    # 4. The driver looks ahead to tomorrow on their phone: Rita, not her surname.
    driving, page = _open(browser, live_server, PHONE, phone=True)
    sign_in_on_page(page, driver.user)
    page.goto("/transport/")
    page.click("a:has-text('Your trips today')")
    assert "You have no trips on this day." in page.locator("main").inner_text()
    _check(page, axe)
    page.click("a:has-text('Next day')")
    main = page.locator("main").inner_text()
    assert "10:30 Rita" in main and "14:00 Rita" in main and "Holt" not in main
    assert "4 Cherry Lane, Sale, M33 5AB" in main and "Friendship lunch club" in main
    assert "record the readings on the day" in main
    _check(page, axe)
    driving.close()

    # 5. Tomorrow at five, the rides done, the driver signs in again (yesterday's session has
    #    lapsed), records the odometer and sees the claim: 24 miles at 45p is £10.80.
    real_now = timezone.now
    moved = at(tomorrow, 17) - real_now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: real_now() + moved)
    assert timezone.localdate() == tomorrow
    driving, page = _open(browser, live_server, PHONE, phone=True)
    sign_in_on_page(page, driver.user)
    page.goto("/transport/driving/")
    assert page.locator("h1").inner_text().startswith("Today, ")
    assert "10:30 Rita" in page.locator("main").inner_text()
    _check(page, axe)
    page.click("a:has-text('record the readings')")
    assert page.locator("#id_start_odometer").input_value() == "31200"
    _check(page, axe)
    page.fill("#id_end_odometer", "31224")
    page.click("button:has-text('Save the readings')")
    assert page.locator("h1").inner_text() == "Your mileage claims"
    assert (
        "The readings are saved: 24 miles. Your claim is below."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    main = page.locator("main").inner_text()
    assert "24 miles" in main and "£10.80" in main
    assert "9,976 miles are left at the first rate" in main
    _check(page, axe)
    driving.close()

    claim = MileageClaim.objects.get(driver=driver)
    assert (claim.miles, claim.total) == (24, Decimal("10.80"))
    rides = Trip.objects.filter(passenger__account=resident)
    assert set(rides.values_list("run", flat=True)) == {claim.run_id}
