"""Every page this foundation adds, in Chromium: axe-clean, usable with and without JavaScript."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from common.testing import PASSWORD, current_code, totp_device
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory

pytestmark = pytest.mark.browser


def sign_in(page, email, password=PASSWORD):
    page.goto("/account/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")


@pytest.fixture
def district(transactional_db):
    postcode = PostcodeFactory(postcode="M32 0TH", ward__name="Gorse Hill", lsoa__imd_decile=2)
    NeighbourhoodFactory(name="North").wards.add(postcode.ward)
    return postcode


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", "Local support, built from what your place already has"),
        ("/about/data/", "Data sources and licences"),
        ("/places/postcode/", "Your area"),
        ("/places/postcode/?postcode=M32+0TH", "Your area"),
        ("/places/postcode/?postcode=banana", "Your area"),
        ("/account/sign-in/", "Sign in"),
        ("/no/such/page/", "Page not found"),
    ],
)
def test_public_pages_are_accessible(page, axe, district, path, heading):
    page.goto(path)
    assert page.locator("h1").first.inner_text() == heading
    axe(page)


def test_sign_in_errors_are_accessible_and_link_to_their_fields(page, axe):
    page.goto("/account/sign-in/")
    page.click("button:has-text('Sign in')")
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    axe(page)
    summary.locator("a", has_text="Enter your password").click()
    assert page.evaluate("document.activeElement.id") == "id_password"


def test_locked_out_page_is_accessible(page, axe, make_user, settings):
    make_user(Role.RESIDENT, email="resident@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "resident@example.org", "wrong password")
    assert page.locator("h1").inner_text() == "Too many attempts to sign in"
    axe(page)


def test_coordinator_sets_up_two_factor_sign_in_like_a_person_would(page, axe, make_user):
    coordinator = make_user(Role.COORDINATOR, email="coordinator@example.org")
    sign_in(page, "coordinator@example.org")
    assert page.locator("h1").inner_text() == "Set up two-factor sign-in"
    axe(page)
    page.fill("#id_token", "12")
    page.click("button:has-text('Confirm and continue')")
    assert "Enter the 6 digits" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    device = TOTPDevice.objects.get(user=coordinator)
    typed_key = page.locator("#totp-key").inner_text().replace(" ", "")
    assert typed_key  # the key a person could type instead of scanning
    page.fill("#id_token", current_code(device))
    page.click("button:has-text('Confirm and continue')")
    assert page.locator(".govuk-notification-banner").inner_text().endswith("Two-factor sign-in is set up.")
    axe(page)


def test_two_factor_verification_page_is_accessible(page, axe, make_user):
    link_worker = make_user(Role.LINK_WORKER, email="lw@example.org")
    device = totp_device(link_worker)
    sign_in(page, "lw@example.org")
    assert page.locator("h1").inner_text() == "Code from your authenticator app"
    axe(page)
    page.fill("#id_token", current_code(device))
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Hello, " + link_worker.get_short_name()
    axe(page)


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER])
def test_signed_in_pages_are_accessible(page, axe, make_user, district, role):
    make_user(role, email="someone@example.org")
    sign_in(page, "someone@example.org")
    assert page.locator("nav[aria-label='Main']").is_visible()
    axe(page)
    page.goto("/account/")
    assert page.locator("h1").inner_text() == "Your account"
    axe(page)


@pytest.mark.urls("closeknit.tests.test_pages")
@pytest.mark.parametrize(
    "path, heading",
    [
        ("/test/forbidden/", "You cannot see this page"),
        ("/test/csrf/", "This page was open too long"),
        ("/test/bad-request/", "Sorry, we could not understand that request"),
        ("/test/broken/", "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_are_accessible(page, axe, path, heading):
    page.goto(path)
    assert page.locator("h1").inner_text() == heading
    axe(page)


def test_sign_in_and_out_work_without_javascript(no_js_page, make_user):
    make_user(Role.RESIDENT, email="resident@example.org", full_name="Ada Lovelace")
    sign_in(no_js_page, "resident@example.org")
    assert no_js_page.locator("h1").inner_text() == "Hello, Ada"
    no_js_page.click("button:has-text('Sign out')")
    assert no_js_page.locator(".ck-header__link", has_text="Sign in").is_visible()


def test_postcode_search_works_without_javascript(no_js_page, district):
    no_js_page.goto("/places/postcode/")
    no_js_page.fill("#id_postcode", "m32 0th")
    no_js_page.click("button:has-text('Find')")
    assert "Gorse Hill" in no_js_page.locator(".govuk-summary-list").inner_text()


def test_home_page_fits_a_phone_and_is_accessible(phone_page, axe, district):
    phone_page.goto("/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    axe(phone_page)
