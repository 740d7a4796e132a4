"""The coordinators' registers in Chromium at a phone's width (390 px): every page axe-clean with
no sideways scroll, forms with errors included; a coordinator records a DBS check and sees it in
date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from transport import mileage
from transport.models import ComplianceCheck, MileageRate, Run
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)

pytestmark = pytest.mark.browser


def _phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def _scene():
    MileageRate.objects.get_or_create(
        applies_from=date(2011, 4, 6), defaults={"first_rate": Decimal("0.45"), "later_rate": Decimal("0.25")}
    )
    today = timezone.localdate()
    scheme, coordinator = make_scheme(name="Sale Moor community minibus", minimum_age=60)
    passenger = make_passenger(
        scheme, coordinator, name="Edna Marsh", date_of_birth=date(1941, 3, 2), notes_for_driver="Side door."
    )
    make_passenger(scheme, coordinator, name="Jo Young", date_of_birth=date(1990, 3, 2))
    make_trip(coordinator, passenger, scheme, coming())
    driver = make_driver(scheme, name="Dev Patel", checks=("licence", "insurance"))
    ComplianceCheck.objects.create(
        driver=driver,
        kind="dbs",
        checked_on=today - timedelta(days=1100),
        expires_on=today - timedelta(days=5),
    )
    make_driver(scheme, name="Mo Khan", expires_on=today + timedelta(days=20))
    car = make_vehicle(scheme, name="Dev's Corsa", owner=driver, mot_expires_on=today + timedelta(days=200))
    make_vehicle(
        scheme,
        "minibus",
        name="The Sale Moor bus",
        seats=12,
        wheelchair_spaces=2,
        has_lift_or_ramp=True,
        permit="s19",
        permit_number="PH1020304",
        service_due_on=today - timedelta(days=3),
    )
    run = Run.objects.create(driver=driver, vehicle=car, on=today)
    mileage.record_odometer(driver.user, run, start=1000, end=1023, parking="2.50")
    return scheme, coordinator, passenger, driver


def test_the_register_pages_are_accessible_and_fit_a_phone(page, axe, transactional_db, hmrc):
    scheme, coordinator, passenger, driver = _scene()
    _phone(page)
    sign_in_on_page(page, coordinator)
    pages = {
        "transport-passengers": f"/transport/schemes/{scheme.pk}/passengers/",
        "transport-passenger": f"/transport/passengers/{passenger.pk}/",
        "transport-register-passenger": f"/transport/schemes/{scheme.pk}/passengers/new/?q=edna",
        "transport-drivers": f"/transport/schemes/{scheme.pk}/drivers/",
        "transport-driver": f"/transport/drivers/{driver.pk}/",
        "transport-vehicles": f"/transport/schemes/{scheme.pk}/vehicles/",
        "transport-claims": f"/transport/schemes/{scheme.pk}/claims/",
    }
    for name, url in pages.items():
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)
        assert_fits_width(page)
        screenshot_for_guide(page, name)
    # Forms drawn again with their errors are accessible too.
    for url in (
        f"/transport/schemes/{scheme.pk}/passengers/new-person/",
        f"/transport/passengers/{passenger.pk}/schemes/{scheme.pk}/decide/",
        f"/transport/drivers/{driver.pk}/availability/",
        f"/transport/drivers/{driver.pk}/leave/",
        f"/transport/drivers/{driver.pk}/keep-apart/",
        f"/transport/vehicles/{driver.own_vehicles.first().pk}/service/",
        f"/transport/vehicles/{driver.own_vehicles.first().pk}/mot/",
        f"/transport/vehicles/{driver.own_vehicles.first().pk}/permit/",
    ):
        page.goto(url)
        axe(page)
        page.locator("main button[type=submit]").last.click()
        assert page.locator(".govuk-error-summary").is_visible(), url
        axe(page)
        assert_fits_width(page)
    page.goto(pages["transport-register-passenger"])
    page.click("button:has-text('Register')")
    assert "Choose who to register" in page.locator(".govuk-error-summary").inner_text()
    axe(page)


def test_a_coordinator_on_a_phone_records_a_dbs_check_and_sees_it_in_date(page, axe, transactional_db):
    scheme, coordinator, _, driver = _scene()
    _phone(page)
    sign_in_on_page(page, coordinator)
    page.goto("/transport/")
    page.click(f"text={scheme.name}: passengers, drivers, vehicles and claims")
    page.click("a:has-text('Drivers and compliance')")
    card = page.locator(".govuk-summary-card", has_text="Dev Patel")
    assert "Expired" in card.inner_text() and "Dev Patel cannot be assigned" in card.inner_text()
    assert "Expires in 20 days" in page.locator(".govuk-summary-card", has_text="Mo Khan").inner_text()
    assert_fits_width(page)
    screenshot_for_guide(page, "transport-compliance-register")
    page.click("a:has-text('Dev Patel')")
    page.check("input[value='dbs']")
    page.fill("#id_reference", "001234567890")
    page.fill("#id_checked_on", timezone.localdate().isoformat())
    page.click("button:has-text('Record the check')")
    assert "Enter the date it runs out" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)
    page.fill("#id_expires_on", (timezone.localdate() + timedelta(days=3 * 365)).isoformat())
    page.click("button:has-text('Record the check')")
    assert "Recorded: DBS check" in page.content()
    assert "cannot be assigned" not in page.content()
    page.click("a:has-text('drivers')")
    card = page.locator(".govuk-summary-card", has_text="Dev Patel")
    assert "In date" in card.inner_text() and "Expired" not in card.inner_text()
    axe(page)
    assert_fits_width(page)
