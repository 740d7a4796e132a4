"""The demo: six micro-providers in Trafford, one with insurance running out within 30 days, and an
enquiry at each stage of the pipeline."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import demo_email
from accounts.models import User
from care.models import MicroProvider, ProviderEnquiry
from care.provider_selectors import (
    ProviderSearch,
    checks_running_out,
    listed_providers,
    providers_edited_by,
    search_providers,
)
from common.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_six_listed_micro_providers_and_one_insurance_running_out():
    call_command("seed_demo", residents=30, verbosity=0)
    today = timezone.localdate()
    assert MicroProvider.objects.count() == 6
    assert len(listed_providers(today)) == 6
    running_out = [
        (mp.provider.name, c.kind)
        for mp in MicroProvider.objects.all()
        for c in checks_running_out(mp, today)
    ]
    assert running_out == [("Stretford Home Help", "insurance")]
    assert len(listed_providers(today + timedelta(days=21))) == 5
    assert set(ProviderEnquiry.objects.values_list("stage", flat=True)) == {
        "enquiry",
        "support",
        "checks",
        "listed",
    }
    sale = MicroProvider.objects.get(provider__name="Sale Moor Companions").base_postcode
    found = search_providers(ProviderSearch(postcode=sale), today)
    assert found and found[0].micro_provider.provider.name == "Sale Moor Companions"
    # The provider's side: Stretford Home Help's editor, with an authenticator and a request to read.
    editor = User.objects.get(email=demo_email("careprovider"))
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert [mp.provider.name for mp in providers_edited_by(editor)] == ["Stretford Home Help"]
    client = sign_in(Client(), editor)
    page = client.get(reverse("care:your_providers")).content.decode()
    assert "Joan (demo)" in page and "Kasia (demo)" in page
