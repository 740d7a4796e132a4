"""Every page carries a Content-Security-Policy that refuses inline script, and no template relies on
inline script, inline styles or event-handler attributes that the policy would block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "common",
    "closeknit",
    "accounts",
    "places",
    "directory",
    "people",
    "timebank",
    "volunteering",
    "lending",
    "outcomes",
    "neighbourhoods",
]
# PDFs are drawn by WeasyPrint on the server, never served as pages: their <style> is not inline
# style in a browser.
NOT_PAGES = {"pdf_base.html"}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_public_pages_carry_a_policy_that_refuses_inline_script(client):
    listing = ServiceFactory(name="Tuesday lunch club")
    for path in (
        "/",
        reverse("directory:search"),
        reverse("directory:listing", args=[listing.pk]),
        f"/directory/organisations/{listing.provider_id}/",
        reverse("accounts:sign_in"),
        "/no-such-page/",
    ):
        response = client.get(path)
        assert_strict(response)


def test_signed_in_pages_and_redirects_carry_the_policy(client, make_user, team):
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    # Half signed in: the two-factor middleware answers with a redirect, and it carries the policy too.
    sign_in(client, coordinator, two_factor=False)
    assert_strict(client.get(reverse("people:person", args=[person.pk])))
    sign_in(client, coordinator)
    response = client.get(reverse("people:person", args=[person.pk]))
    assert response.status_code == 200 and "Ada Whitfield" in response.content.decode()
    assert_strict(response)


@pytest.mark.django_db
def test_api_docs_page_has_no_inline_script_or_style_and_loads_its_own_start_up_script(client):
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    assert_strict(response)
    page = response.content.decode()
    assert "<style" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all("src=" in attributes and not body.strip() for attributes, body in scripts)
    start_up = re.search(r'<script src="([^"]*script=[^"]*)"', page)[1].replace("&amp;", "&")
    script = client.get(start_up)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def templates():
    for app in APPS:
        for path in sorted((ROOT / app / "templates").rglob("*.html")):
            if path.name not in NOT_PAGES:
                yield path


def test_no_template_has_inline_script_styles_or_event_handlers():
    found = []
    for path in templates():
        # Django comments are never sent to the browser (and may mention what they avoid).
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        for pattern, what in (
            (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", "inline <script>"),
            (r"<style[\s>]", "<style> element"),
            (r"\sstyle=", "style attribute"),
            (r"\son[a-z]+\s*=", "event-handler attribute"),
            (r"javascript:", "javascript: link"),
        ):
            if re.search(pattern, text, re.I):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert not found, "\n".join(found)
