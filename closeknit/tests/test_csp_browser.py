"""Key pages in Chromium under the Content-Security-Policy: nothing is refused, and scripts still run."""

import pytest
from django.urls import reverse

from accounts.models import Role
from common.testing import sign_in_on_page
from directory.models import Service
from directory.tests.factories import ServiceFactory
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.browser

# Chromium reports each refusal on the console ("Refused to execute inline script because it
# violates ...") and as a securitypolicyviolation event; this records the events from the start of
# every document, through the devtools channel the policy does not govern.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The browser tab, and a list that collects every CSP refusal it reports."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.text.startswith("Refused to")
            else None
        ),
    )
    page.context.add_init_script(RECORD_VIOLATIONS)
    return page, refused


def visit(page, refused, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    refused += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]


def test_key_pages_work_under_the_policy_with_nothing_refused(watched, make_user, team):
    page, refused = watched
    listing = ServiceFactory(name="Tuesday lunch club", url="https://lunch.example/")
    Service.objects.filter(pk=listing.pk).update(description="<script>window.alerted = 1</script> Hot food")
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")

    for path in (
        "/",
        reverse("directory:search") + "?q=lunch",
        reverse("directory:listing", args=[listing.pk]),
        f"/directory/organisations/{listing.provider_id}/",
        reverse("accounts:sign_in"),
    ):
        visit(page, refused, path)
        # The site's own scripts ran: GOV.UK Frontend marks the page as supported.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), path

    visit(page, refused, reverse("directory:listing", args=[listing.pk]))
    assert page.get_by_role("link", name="https://lunch.example/").count() == 1
    assert page.evaluate("window.alerted === undefined")

    sign_in_on_page(page, coordinator)
    visit(page, refused, reverse("people:person", args=[person.pk]))
    assert page.get_by_role("heading", name="Ada Whitfield").count() >= 1

    visit(page, refused, reverse("api_docs"))
    page.get_by_role("heading", name="Closeknit API").first.wait_for()
    page.locator(".opblock-summary").first.click()  # Swagger UI draws an operation's details
    page.locator(".opblock-body").first.wait_for()
    refused += [f"api docs: {v}" for v in page.evaluate("window.__cspViolations")]

    assert not refused, "\n".join(refused)


def test_an_injected_inline_script_does_not_run(watched):
    page, refused = watched
    visit(page, refused, "/")
    # As if markup had slipped through: the policy, not only escaping, stops it running.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.appendChild(script);
          const image = document.createElement("img");
          image.setAttribute("src", "/nothing.png");
          image.setAttribute("onerror", "window.__ran = true");
          document.body.appendChild(image);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran === undefined")
    violations = page.evaluate("window.__cspViolations")
    assert any(v.startswith("script-src") for v in violations), violations
