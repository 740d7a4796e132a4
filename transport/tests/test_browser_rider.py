"""In Chromium at a phone's width (390 px): a resident asks for a ride with a ride home (getting a
field wrong first) and sees it listed; a coordinator assigns it and the driver sees it on their
manifest; the driver records a run's odometer and sees the claim and the running total; the
public open slots. Every page axe-clean with no sideways scroll. And the manifest drawn with the
demo district's data, for the guide."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from common.testing import PASSWORD, assert_fits_width, screenshot_for_guide, sign_in_on_page
from transport import services
from transport.assignment import assign_trip
from transport.models import MileageClaim, Run, Trip
from transport.tests.factories import coming, make_driver, make_scheme, make_vehicle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def test_a_resident_asks_for_a_ride_the_coordinator_assigns_it_and_the_driver_claims(
    browser, live_server, axe, transactional_db, hmrc
):
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT, full_name="Rita Holt")
    services.register_passenger(
        coordinator, scheme, account=resident, usual_places="Friendship lunch club, M33 7XZ"
    )
    driver = make_driver(scheme, name="Dev Patel")
    car = make_vehicle(scheme, name="Dev's Corsa", owner=driver, odometer_miles=31200)
    tuesday = coming(weekday=1)

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, resident)
    page.goto("/transport/")
    page.click("a:has-text('Ask for a ride')")
    assert page.locator("h1").inner_text() == "Ask for a ride"
    _check(page, axe)
    page.fill("#id_pickup_address", "4 Cherry Lane, Sale")
    page.fill("#id_pickup_postcode", "M33 5AB")
    page.check("input[name='place'][value='usual:0']")
    page.fill("#id_on", tuesday.isoformat())
    page.fill("#id_pickup_at", "10:30")
    page.fill("#id_return_pickup_at", "09:00")  # before the ride there: refused, by name
    page.click("button:has-text('Ask for the ride')")
    assert "after the outward journey ends" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_return_pickup_at", "14:00")
    page.click("button:has-text('Ask for the ride')")
    assert page.locator("h1").inner_text() == "Your rides"
    assert "You have asked for a ride and a ride home." in page.content()
    assert page.locator("button:has-text('Cancel this ride')").count() == 2
    _check(page, axe)
    screenshot_for_guide(page, "transport-your-rides")
    context.close()

    outward, back = Trip.objects.filter(passenger__account=resident).order_by("starts_at")
    assign_trip(coordinator, outward, driver, car)
    assign_trip(coordinator, back, driver, car)

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, driver.user)
    page.goto(f"/transport/driving/{tuesday.isoformat()}/")
    main = page.locator("main").inner_text()
    assert "10:30 Rita" in main and "14:00 Rita" in main and "Holt" not in main
    _check(page, axe)

    # Earlier today the driver took someone in their own car: the readings make the claim.
    Run.objects.create(driver=driver, vehicle=car, on=timezone.localdate())
    page.goto("/transport/driving/")
    page.click("a:has-text('record the readings')")
    _check(page, axe)
    page.fill("#id_start_odometer", "31200")
    page.fill("#id_end_odometer", "31190")
    page.click("button:has-text('Save the readings')")
    assert "must not be below the start" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_end_odometer", "31222")
    page.fill("#id_parking", "1.50")
    page.click("button:has-text('Save the readings')")
    assert page.locator("h1").inner_text() == "Your mileage claims"
    main = page.locator("main").inner_text()
    assert "22 miles" in main and "£11.40" in main  # 22 x 45p + £1.50 parking
    assert "9,978 miles are left at the first rate" in main
    _check(page, axe)
    screenshot_for_guide(page, "transport-claims")
    assert MileageClaim.objects.get(driver=driver).total == Decimal("11.40")
    context.close()


def test_the_open_slots_page_for_anyone(page, axe, transactional_db):
    scheme, _ = make_scheme(who_can_use="Anyone in Sale Moor who finds buses hard.")
    make_driver(scheme)
    make_vehicle(scheme, name="The car")
    page.set_viewport_size(PHONE)
    page.goto(f"/transport/schemes/{scheme.pk}/slots/")
    assert "open slots" in page.locator("h1").inner_text()
    assert "3 seats" in page.locator("main").inner_text()
    _check(page, axe)


def test_the_manifest_with_the_demo_district_on_a_phone(browser, live_server, axe, transactional_db):
    """The demo's busiest driver's next day of trips: the picture in the guide."""
    call_command("seed_demo", residents=5, verbosity=0)
    run = (
        Run.objects.filter(on__gt=timezone.localdate(), trips__isnull=False)
        .order_by("on", "pk")
        .select_related("driver__user")
        .first()
    )
    assert run is not None
    user: User = run.driver.user
    user.set_password(PASSWORD)
    user.save()
    context, page = _phone(browser, live_server)
    sign_in_on_page(page, user)
    page.goto(f"/transport/driving/{run.on.isoformat()}/")
    assert page.locator(".ck-stop").count() >= 1
    _check(page, axe)
    screenshot_for_guide(page, "transport-manifest")
    page.emulate_media(media="print")
    assert not page.locator(".ck-header").is_visible() and not page.locator("nav").first.is_visible()
    context.close()
