import pytest
from django.urls import reverse

from places.tests.factories import NeighbourhoodFactory, PostcodeFactory

URL = reverse("places:postcode")


@pytest.mark.django_db
def test_postcode_page_shows_ward_neighbourhood_and_decile(client):
    postcode = PostcodeFactory(postcode="M32 0TH", ward__name="Gorse Hill", lsoa__imd_decile=2)
    NeighbourhoodFactory(name="North").wards.add(postcode.ward)
    page = client.get(URL, {"postcode": "m320th"}).content.decode()
    assert "M32 0TH" in page and "Gorse Hill" in page and "North" in page
    assert "Decile 2 of 10" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter a postcode"),
        ("banana", "is not a UK postcode"),
        ("M32 9ZZ", "We do not know the postcode M32 9ZZ"),
    ],
)
def test_bad_postcode_gets_an_error_summary_naming_the_field(client, typed, message):
    response = client.get(URL, {"postcode": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_postcode"' in page and message in page
    assert "Error: Your area" in page  # the title says so too, for screen reader users


@pytest.mark.django_db
def test_area_created_after_2019_says_decile_is_not_published(client):
    PostcodeFactory(postcode="M15 4AB", lsoa__imd_decile=None, lsoa__imd_rank=None)
    page = client.get(URL, {"postcode": "M15 4AB"}).content.decode()
    assert "Not published for this area" in page
