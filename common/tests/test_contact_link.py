"""contact_link: phone numbers become tel: links, email addresses mailto: links, anything else
stays plain, escaped text; hostile values never become a link of another kind."""

import pytest
from django.template import Context, Template

from common.templatetags.closeknit_contact import contact_link


def render(value) -> str:
    return Template("{% load closeknit_contact %}{{ value|contact_link }}").render(Context({"value": value}))


@pytest.mark.parametrize(
    "value, href",
    [
        ("0161 912 2000", "tel:01619122000"),
        ("+44 (0)161 912 2000", "tel:+441619122000"),
        ("07700-900123", "tel:07700900123"),
        ("(0161) 912.2000", "tel:01619122000"),
        ("999", "tel:999"),
    ],
)
def test_a_phone_number_is_a_tel_link_showing_the_number_as_written(value, href):
    assert render(value) == f'<a class="govuk-link" href="{href}">{value}</a>'


@pytest.mark.parametrize(
    "value, href, shown",
    [
        ("jo@example.org", "mailto:jo@example.org", "jo@example.org"),
        ("Jo.Bloggs+lunch@Example.ORG", "mailto:Jo.Bloggs+lunch@Example.ORG", "Jo.Bloggs+lunch@Example.ORG"),
        ("o'neil@example.org", "mailto:o&#x27;neil@example.org", "o&#x27;neil@example.org"),
    ],
)
def test_an_email_address_is_a_mailto_link(value, href, shown):
    assert render(value) == f'<a class="govuk-link" href="{href}">{shown}</a>'


def test_an_email_cannot_add_recipients_or_a_subject_to_the_mailto():
    # A valid address by Django's rules, whose ? would start a mailto: query.
    html = render("jo?bcc=all@example.org")
    assert 'href="mailto:jo%3Fbcc%3Dall@example.org"' in html
    assert "?bcc" not in html.split(">", 1)[0]


@pytest.mark.parametrize(
    "value, shown",
    [
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("JaVaScRiPt:alert('x')//@example.org", "JaVaScRiPt:alert(&#x27;x&#x27;)//@example.org"),
        ('"><script>alert(1)</script>', "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("tel:0161 912 2000", "tel:0161 912 2000"),
        ("mailto:jo@example.org?cc=x@example.org", "mailto:jo@example.org?cc=x@example.org"),
        ("data:text/html,<b>x</b>", "data:text/html,&lt;b&gt;x&lt;/b&gt;"),
        ("Ring Jo on 0161 912 2000", "Ring Jo on 0161 912 2000"),
        ("12", "12"),
        ("1234567890123456", "1234567890123456"),
        ("+", "+"),
        ("--", "--"),
    ],
)
def test_a_value_that_is_neither_stays_plain_escaped_text(value, shown):
    html = render(value)
    assert html == shown
    assert "<a" not in html and "href" not in html


@pytest.mark.parametrize("value", [None, "", "   "])
def test_nothing_shows_nothing(value):
    assert contact_link(value) == ""
