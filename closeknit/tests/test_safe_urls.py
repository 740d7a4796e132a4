"""Only http, https, mailto and tel addresses are stored or shown as links, however they are dressed."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from common.safe_urls import SafeURLFormField, SafeURLSerializerField, is_safe_url, validate_safe_url

ATTACKS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x00javascript:alert(1)",
    "\x01 javascript:alert(document.cookie)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "/\\evil.example",
    "javascript&#58;alert(1)",
]

SAFE = [
    "https://example.org",
    "http://example.org/path?q=1#top",
    "HTTPS://EXAMPLE.ORG/",
    "mailto:hello@example.org",
    "mailto:hello@example.org?subject=Lunch%20club",
    "tel:+441612345678",
    "tel:0161-234-5678",
]


@pytest.mark.parametrize("address", ATTACKS)
def test_script_data_and_scheme_relative_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        validate_safe_url(address)
    assert not is_safe_url(address)


@pytest.mark.parametrize("address", SAFE)
def test_web_email_and_phone_links_are_allowed(address):
    validate_safe_url(address)
    assert is_safe_url(address)


@pytest.mark.parametrize(
    "address, message",
    [
        (" JaVaScRiPt:alert(1)", "‘javascript:’ addresses are not allowed"),
        ("java\tscript:alert(1)", "‘javascript:’ addresses are not allowed"),
        ("data:text/html,hi", "‘data:’ addresses are not allowed"),
        ("vbscript:msgbox(1)", "‘vbscript:’ addresses are not allowed"),
        ("//evil.example", "Enter an address starting https://, http://, mailto: or tel:"),
        ("https://exa mple.org", "without spaces"),
        ("mailto:not-an-address", "Enter an email link like mailto:name@example.org"),
        ("tel:call-me", "Enter a phone link like tel:+441234567890"),
    ],
)
def test_a_refused_address_says_why(address, message):
    with pytest.raises(ValidationError) as refused:
        validate_safe_url(address)
    assert message in refused.value.messages[0]


def test_form_field_takes_a_bare_web_address_as_https_and_refuses_script():
    field = SafeURLFormField(required=False)
    assert field.clean("example.org") == "https://example.org"
    assert field.clean("mailto:hello@example.org") == "mailto:hello@example.org"
    assert field.clean("tel:+441612345678") == "tel:+441612345678"
    for address in (" JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,hi"):
        with pytest.raises(ValidationError) as refused:
            field.clean(address)
        assert "addresses are not allowed" in refused.value.messages[0]


def test_serializer_field_refuses_script_and_keeps_web_links():
    field = SafeURLSerializerField()
    assert field.run_validation("https://example.org") == "https://example.org"
    from rest_framework.exceptions import ValidationError as APIValidationError

    with pytest.raises(APIValidationError) as refused:
        field.run_validation("javascript:alert(1)")
    assert "‘javascript:’ addresses are not allowed" in str(refused.value.detail)


@pytest.mark.parametrize("address", ATTACKS)
def test_template_filter_never_renders_an_unsafe_address_as_a_link(address):
    html = Template('{% load closeknit_links %}<a href="{{ address|safe_url }}">').render(
        Context({"address": address})
    )
    assert html == '<a href="">'


def test_template_filter_keeps_a_safe_address_escaped():
    html = Template('{% load closeknit_links %}<a href="{{ address|safe_url }}">').render(
        Context({"address": "https://example.org/?a=1&b=2"})
    )
    assert html == '<a href="https://example.org/?a=1&amp;b=2">'
