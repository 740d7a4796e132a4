"""The pages after the award: the applicant accepts on the page and from then on sees only the
masked account (as do the officers, on every page); officers set up, approve (never their own) and
record payments, bad amounts named on the form; returns are filled in with photos that lose their
metadata and are served only to the applicant and the fund's officers; a listing is linked and the
directory says who funded it. Every denial is tried."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import assert_denied, sign_in
from directory.models import ListingStatus, Provider, Service
from grants.models import Payment
from grants.tests.award_factories import due, make_grant, second_officer
from grants.tests.factories import make_fund

pytestmark = pytest.mark.django_db

FULL_NUMBERS = ("12345678", "309457", "30-94-57", "1234 5678")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make
    exif.get_ifd(0x8825).update({1: "N", 2: (53.0, 26.0, 10.0), 3: "W", 4: (2.0, 21.0, 5.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _upload(data: bytes, name: str = "photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_applicant_accepts_on_the_page_and_then_sees_only_the_masked_account(client):
    grant, officer = make_grant(accept=False)
    applicant = grant.application.applicant
    sign_in(client, applicant)
    offer = client.get(reverse("grants:offer", args=[grant.pk])).content.decode()
    assert "£1,000" in offer and "Credit the fund." in offer and "What accepting means" in offer
    refused = client.post(
        reverse("grants:accept", args=[grant.pk]),
        {"conditions_agreed": "on", "account_name": "Friends", "sort_code": "12", "account_number": "x"},
    )
    body = refused.content.decode()
    assert "The sort code must be 6 digits" in body and "The account number must be 8 digits" in body
    accepted = client.post(
        reverse("grants:accept", args=[grant.pk]),
        {
            "conditions_agreed": "on",
            "account_name": "Friends",
            "sort_code": "30 94 57",
            "account_number": "1234 5678",
        },
    )
    assert accepted.status_code == 302
    assert client.get(reverse("grants:accept", args=[grant.pk])).status_code == 302  # gone once accepted
    pages = [reverse("grants:grant", args=[grant.pk]), reverse("grants:offer", args=[grant.pk])]
    for url in pages:
        page = client.get(url).content.decode()
        assert "**-**-57 ******78" in page or url.endswith("offer/")
        assert not any(number in page for number in FULL_NUMBERS), url
    sign_in(client, officer)
    for url in [*pages, reverse("grants:payments", args=[grant.pk])]:
        page = client.get(url).content.decode()
        assert not any(number in page for number in FULL_NUMBERS), url


def test_the_offer_letter_comes_as_a_pdf_with_the_amount_and_the_returns(client):
    from pypdf import PdfReader

    grant, _ = make_grant(accept=False)
    sign_in(client, grant.application.applicant)
    response = client.get(reverse("grants:offer", args=[grant.pk]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "£1,000" in text and "the final return" in text and "Accept the grant" not in text


def test_once_accepted_the_offer_letter_shows_the_returns_the_grant_owes(client):
    from datetime import date

    from django.utils.formats import date_format

    grant, _ = make_grant()
    owed = grant.returns.order_by("due_on").first()
    owed.due_on = date(2031, 3, 3)  # as scheduled then, whatever today's rules would say
    owed.save(update_fields=["due_on"])
    sign_in(client, grant.application.applicant)
    page = client.get(reverse("grants:offer", args=[grant.pk])).content.decode()
    assert date_format(date(2031, 3, 3), "j F Y") in page


def test_the_applicant_sees_nothing_of_the_grant_until_the_offer_is_sent(client):
    grant, _ = make_grant(offer=False)
    sign_in(client, grant.application.applicant)
    assert client.get(reverse("grants:grant", args=[grant.pk])).status_code == 404


def test_strangers_officers_of_other_funds_and_the_signed_out_are_refused(client):
    grant, _ = make_grant()
    payment_url = reverse("grants:payments", args=[grant.pk])
    urls = [reverse("grants:grant", args=[grant.pk]), reverse("grants:offer", args=[grant.pk]), payment_url]
    for url in urls:
        assert_denied(client.get(url))
    _, stranger = make_fund(name="Another fund")
    for someone in (UserFactory(role=Role.RESIDENT), stranger):
        sign_in(client, someone)
        for url in urls:
            assert_denied(client.get(url))
    sign_in(client, grant.application.applicant)
    assert_denied(client.get(payment_url))
    assert_denied(
        client.post(reverse("grants:new_payment", args=[grant.pk]), {"amount": "10", "due_on": "2030-01-01"})
    )


def test_an_officer_without_their_second_factor_is_sent_to_prove_it(client):
    grant, officer = make_grant()
    sign_in(client, officer, two_factor=False)
    response = client.get(reverse("grants:grant", args=[grant.pk]))
    assert response.status_code == 302 and "two-factor" in response.headers["Location"]


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("0", "must be more than £0"),
        ("-5", "must be more than £0"),
        ("ten pounds", "in pounds, like 1500"),
        ("1000.01", "may not pass the grant"),
        ("", "Enter the amount of this payment"),
    ],
)
def test_a_bad_amount_is_named_on_the_form_and_nothing_is_set_up(client, amount, said):
    grant, officer = make_grant()
    sign_in(client, officer)
    response = client.post(
        reverse("grants:new_payment", args=[grant.pk]), {"amount": amount, "due_on": due(7).isoformat()}
    )
    assert response.status_code == 200 and said in response.content.decode()
    assert not grant.payments.exists()


def test_one_officer_sets_up_a_second_approves_and_it_is_recorded_paid(client):
    grant, first = make_grant()
    second = second_officer(grant.application.round.fund)
    sign_in(client, first)
    client.post(
        reverse("grants:new_payment", args=[grant.pk]), {"amount": "600", "due_on": due(7).isoformat()}
    )
    payment = grant.payments.get()
    page = client.get(reverse("grants:payments", args=[grant.pk])).content.decode()
    assert "You set up this payment" in page and "Approve payment" not in page
    own = client.post(reverse("grants:approve_payment", args=[payment.pk]), follow=True)
    assert "another of the fund&#x27;s officers must approve it" in own.content.decode()
    unapproved = client.post(
        reverse("grants:record_paid", args=[payment.pk]), {"paid_on": due(0).isoformat(), "reference": "AP-1"}
    )
    assert "only once a second officer has approved it" in unapproved.content.decode()
    sign_in(client, second)
    assert client.post(reverse("grants:approve_payment", args=[payment.pk])).status_code == 302
    paid = client.post(
        reverse("grants:record_paid", args=[payment.pk]), {"paid_on": due(0).isoformat(), "reference": "AP-1"}
    )
    assert paid.status_code == 302
    payment = Payment.objects.get()
    assert payment.set_up_by == first and payment.approved_by == second and payment.reference == "AP-1"


def test_a_return_with_a_photo_loses_its_metadata_and_the_photo_is_only_for_the_grant(client):
    grant, officer = make_grant()
    applicant = grant.application.applicant
    first = grant.returns.first()
    sign_in(client, applicant)
    url = reverse("grants:return", args=[first.pk])
    no_words = client.post(url, {"send": "no", "photo_1": _upload(_jpeg_with_gps())})
    assert "Say what photo 1 shows" in no_words.content.decode()
    not_image = client.post(
        url, {"send": "no", "photo_1": _upload(b"GIF89a not really"), "photo_1_description": "A cat"}
    )
    assert "Each photo must be a JPEG or PNG" in not_image.content.decode()
    saved = client.post(
        url,
        {
            "send": "no",
            "what_happened": "We planted the beds.",
            "photo_1": _upload(_jpeg_with_gps()),
            "photo_1_description": "Ten of us planting",
        },
    )
    assert saved.status_code == 302
    photo = first.photos.get()
    kept = Image.open(io.BytesIO(bytes(photo.image)))
    assert kept.format == "JPEG" and not kept.getexif() and b"PhoneMaker" not in bytes(photo.image)
    photo_url = reverse("grants:photo", args=[photo.pk])
    sign_in(client, officer)  # the return is not sent yet: the group's own, photo and all
    assert client.get(photo_url).status_code == 404
    sign_in(client, applicant)
    assert client.get(photo_url).status_code == 200
    sent = client.post(
        url,
        {"send": "yes", "what_happened": "We planted the beds.", "people_reached": "12", "spend": "250.50"},
    )
    assert sent.status_code == 302
    first.refresh_from_db()
    assert first.submitted_at and first.spend_pence == 25_050
    photo_url = reverse("grants:photo", args=[photo.pk])
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"
    sign_in(client, officer)
    page = client.get(url).content.decode()
    assert "We planted the beds." in page and 'alt="Ten of us planting"' in page
    assert client.get(photo_url).status_code == 200
    client.logout()
    assert_denied(client.get(photo_url))
    _, stranger = make_fund(name="Another fund")
    for someone in (UserFactory(role=Role.RESIDENT), stranger):
        sign_in(client, someone)
        assert_denied(client.get(photo_url))
        assert_denied(client.get(url))


def test_the_officer_links_a_listing_and_the_directory_says_who_funded_it(client):
    grant, officer = make_grant()
    listing = Service.objects.create(
        provider=Provider.objects.create(name="Soham Timebank Friends"),
        name="Soham timebank",
        listing_status=ListingStatus.PUBLISHED,
    )
    sign_in(client, grant.application.applicant)
    assert (
        client.get(reverse("grants:link_listing", args=[grant.pk])).status_code == 404
    )  # a group's: the officer
    sign_in(client, officer)
    linked = client.post(reverse("grants:link_listing", args=[grant.pk]), {"listing": str(listing.pk)})
    assert linked.status_code == 302
    client.logout()
    page = client.get(reverse("directory:listing", args=[listing.pk])).content.decode()
    assert f"Funded by {grant.application.round.fund}" in page


def test_the_applicant_sees_an_award_only_once_the_offer_is_sent(client):
    """The fund tells the group, with the letter: before the offer the applicant's own pages still
    say "Being assessed", and the grant's page is not theirs to see."""
    grant, officer = make_grant(offer=False, accept=False)
    application = grant.application
    sign_in(client, application.applicant)
    for name in ("grants:applications", "grants:application"):
        args = [application.pk] if name == "grants:application" else []
        page = client.get(reverse(name, args=args)).content.decode()
        assert "Being assessed" in page and "Awarded" not in page
    assert client.get(reverse("grants:grant", args=[grant.pk])).status_code == 404

    from grants import award_services

    award_services.send_offer(officer, grant)
    page = client.get(reverse("grants:applications")).content.decode()
    assert "Awarded" in page and "Being assessed" not in page
    assert client.get(reverse("grants:grant", args=[grant.pk])).status_code == 200
