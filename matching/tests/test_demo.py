import pytest
from django.core.management import call_command

from directory.models import Service
from matching import vectors
from matching.models import ListingVector
from matching.services import refresh_listing_vectors


@pytest.mark.django_db
def test_the_demo_district_has_a_current_vector_for_every_listing():
    call_command("seed_demo", residents=1, verbosity=0)
    listings = list(Service.objects.prefetch_related("terms"))
    assert len(listings) > 10
    stored = dict(ListingVector.objects.values_list("service_id", "text_sha256"))
    assert stored == {listing.pk: vectors.text_digest(vectors.listing_text(listing)) for listing in listings}
    assert refresh_listing_vectors().as_dict() == {"made": 0, "current": len(listings), "off": False}
