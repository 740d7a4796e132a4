"""Replacing the authenticator app, in a browser, as a person would."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from common.testing import PASSWORD, current_code, sign_in_on_page

pytestmark = pytest.mark.browser


def test_coordinator_replaces_their_authenticator_app(page, axe, make_user):
    coordinator = make_user(Role.COORDINATOR, email="coordinator@example.org")
    sign_in_on_page(page, coordinator)
    page.goto("/account/")
    page.click("a:has-text('Replace authenticator app')")
    assert page.locator("h1").inner_text() == "Replace your authenticator app"
    axe(page)
    page.fill("#id_password", "not the password")
    page.fill("#id_token", "123456")
    page.click("button:has-text('Replace authenticator app')")
    assert "The password is not right" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_token", current_code(new))
    page.click("button:has-text('Replace authenticator app')")
    assert "The old one no longer works" in page.locator(".govuk-notification-banner").inner_text()
    assert list(TOTPDevice.objects.filter(user=coordinator).values_list("pk", flat=True)) == [new.pk]
