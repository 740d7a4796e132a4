"""The back office answers every address, however mangled, without a server error, and never shows
anyone's second-factor secret."""

import base64
import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from common.testing import sign_in, totp_device

BAD_IDS = ["999999999", "not-a-number", "00000000-0000-0000-0000-000000000000", "9" * 30, "-1"]
CONVERTER = re.compile(r"<[^>]+>")


@pytest.fixture
def back_office(make_user):
    """A superuser's verified session, and another person with every kind of second factor."""
    superuser = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = sign_in(Client(raise_request_exception=False), superuser)
    coordinator = make_user(Role.COORDINATOR)
    totp_device(coordinator)
    TOTPDevice.objects.create(user=coordinator, name="Being set up", confirmed=False)
    backup = StaticDevice.objects.create(user=coordinator, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=backup, token=StaticToken.random_token())
    return client


def secrets() -> list[str]:
    """Every second-factor secret held: TOTP keys in hex and base32, and static codes."""
    found = []
    for device in TOTPDevice.objects.all():
        found += [device.key.lower(), base64.b32encode(device.bin_key).decode().lower()]
    found += [token.token.lower() for token in StaticToken.objects.all()]
    return found


def admin_urls() -> list[str]:
    """Every address of every registered model's admin, with each bad id and a real one."""
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(f"/admin/{opts.app_label}/")
        real = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        ids = [*BAD_IDS, *([str(real)] if real is not None else [])]
        for pattern in model_admin.get_urls():
            if not isinstance(pattern.pattern, RoutePattern):
                continue
            route = str(pattern.pattern)
            prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
            if CONVERTER.search(route):
                urls += [prefix + CONVERTER.sub(object_id, route) for object_id in ids]
            else:
                urls.append(prefix + route)
        urls.append(f"/admin/{opts.app_label}/{opts.model_name}//change/")  # a missing id
    return urls


def view_on_site_urls() -> list[str]:
    urls = ["/admin/r/not-a-number/1/", "/admin/r/999999999/1/"]
    for content_type in ContentType.objects.all():
        urls += [f"/admin/r/{content_type.pk}/{object_id}/" for object_id in BAD_IDS]
    return urls


def assert_walk_is_safe(client, urls):
    errors, leaks = [], []
    keys = secrets()
    assert len(keys) == 7  # three TOTP devices (the superuser's own too) and one static code
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code))
        page = re.sub(r"\s+", "", response.content.decode(errors="replace")).lower()
        leaks += [(url, key[:6]) for key in keys if key in page]
    assert (errors, leaks) == ([], []), f"server errors: {errors}; second-factor secrets shown: {leaks}"


@pytest.mark.django_db
def test_every_admin_page_of_every_model_answers_without_error_and_shows_no_secret(back_office):
    urls = admin_urls()
    assert "/admin/otp_totp/totpdevice/" in urls
    assert_walk_is_safe(back_office, urls)


@pytest.mark.django_db
def test_view_on_site_with_a_bad_id_is_not_found_for_every_content_type(back_office):
    assert_walk_is_safe(back_office, view_on_site_urls())
    person_type = ContentType.objects.get(app_label="people", model="person")
    assert back_office.get(f"/admin/r/{person_type.pk}/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_device_pages_name_the_device_but_never_its_key_or_qr_code(back_office):
    device = TOTPDevice.objects.filter(confirmed=True).exclude(user__is_superuser=True).get()
    page = back_office.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert device.user.full_name in text
    assert "qrcode" not in text.lower() and "otpauth://" not in text
    assert device.key not in text
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        with pytest.raises(Exception, match="Reverse for"):
            reverse(f"admin:{name}", args=[device.pk])
