"""The fund officer's 360Giving page on the demo, at 390 px and on a desk: reached from their funds,
it fits a phone, passes axe, and links files anyone downloads: the demo's offered award (the parish
timebank; the community fridge's offer is not sent yet, so it is not published).

Run with ``CLOSEKNIT_SCREENSHOTS=docs/images`` to take the guide's picture again."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page

pytestmark = pytest.mark.browser


def test_the_fund_officer_finds_what_is_published_on_a_phone(browser, live_server, transactional_db, axe):
    call_command("seed_demo", residents=20, verbosity=0)
    officer = User.objects.get(email=demo_email("grants"))

    # One sign-in (a code is good once), the page seen at each width.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_on_page(page, officer, password=DEMO_PASSWORD)
    for width in (390, 1024):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/grants/funds/")
        page.click("a:has-text('360Giving data')")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "360Giving data"
        assert "1 grant awarded from Innovate and Cultivate is published" in page.content()
        axe(page)
        assert_fits_width(page)
        if width == 390:
            screenshot_for_guide(page, "grants-360giving")
    href = page.locator("a:has-text('360Giving JSON')").get_attribute("href")
    context.close()

    response = browser.new_context().request.get(href)  # anyone: no sign-in
    assert response.status == 200
    titles = sorted(grant["title"] for grant in response.json()["grants"])
    assert titles == ["Start a Carrington Moss timebank"]
