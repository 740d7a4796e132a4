"""The in-memory index of public listings (matching.index): what it holds, that its numbers are right,
and that it is loaded again when what it was made from changes, in this process or another."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from directory.models import ListingStatus, Location, Service
from directory.tests.factories import LocationFactory, ServiceFactory
from matching import index, vectors
from matching.models import ListingVector
from matching.ranking import miles_between
from matching.services import refresh_listing_vectors

pytestmark = pytest.mark.django_db

STRETFORD = (53.4465, -2.3076)
SALE = (53.4246, -2.3220)
ALTRINCHAM = (53.3876, -2.3490)


@pytest.fixture(autouse=True)
def fresh_index():
    index.forget()
    vectors.forget_loaded_model()
    yield
    index.forget()
    vectors.forget_loaded_model()


def at(where: tuple[float, float], **fields) -> Location:
    return LocationFactory(latitude=where[0], longitude=where[1], **fields)


def test_it_holds_public_listings_only_with_their_stored_vectors():
    shown = ServiceFactory(name="Choir", description="Sing together.")
    ServiceFactory(listing_status=ListingStatus.DRAFT)
    ServiceFactory(status=Service.Status.DEFUNCT)
    refresh_listing_vectors()
    loaded = index.current()
    assert len(loaded) == 1 and loaded.id_at(0) == shown.pk and loaded.row_of(shown.pk) == 0
    assert loaded.matrix is not None and loaded.matrix.dtype == np.float32
    assert loaded.model_name == vectors.get_embedder().name
    stored = vectors.from_bytes(ListingVector.objects.get(service=shown).vector, 256)
    assert (loaded.matrix[0] == stored).all() and loaded.embedded.all() and loaded.unembedded == 0


def test_nearest_miles_is_the_nearest_venue_of_each_listing():
    two = ServiceFactory(at=[at(ALTRINCHAM), at(SALE)])
    one = ServiceFactory(at=[at(ALTRINCHAM)])
    online = ServiceFactory(
        at=[LocationFactory(location_type=Location.Type.VIRTUAL, latitude=None, longitude=None)]
    )
    unplaced = ServiceFactory(at=[LocationFactory(latitude=None, longitude=None)])
    postal = ServiceFactory(at=[at(STRETFORD, location_type=Location.Type.POSTAL)])
    loaded = index.current()
    miles = loaded.nearest_miles(STRETFORD)
    assert miles.dtype == np.float32
    assert miles[loaded.row_of(two.pk)] == pytest.approx(miles_between(STRETFORD, SALE), abs=0.01)
    assert miles[loaded.row_of(one.pk)] == pytest.approx(miles_between(STRETFORD, ALTRINCHAM), abs=0.01)
    for nowhere in (online, unplaced, postal):  # a postal address is not where people go
        assert np.isinf(miles[loaded.row_of(nowhere.pk)])
    assert [bool(loaded.online[loaded.row_of(x.pk)]) for x in (two, online, unplaced, postal)] == [
        False,
        True,
        False,
        False,
    ]


def test_best_similarity_is_the_best_phrase_per_listing():
    allotment = ServiceFactory(name="Allotment society", description="Plots for gardeners, seeds and tools.")
    choir = ServiceFactory(name="Community choir", description="Sing together every week.")
    refresh_listing_vectors()
    loaded = index.current()
    phrases = vectors.embed(["growing vegetables", "singing"])
    best = loaded.best_similarity(phrases)
    expected = (loaded.matrix @ phrases.T).max(axis=1)
    assert np.allclose(best, expected)
    assert best[loaded.row_of(allotment.pk)] == pytest.approx(
        float(loaded.matrix[loaded.row_of(allotment.pk)] @ phrases[0])
    )
    assert best[loaded.row_of(choir.pk)] == pytest.approx(
        float(loaded.matrix[loaded.row_of(choir.pk)] @ phrases[1])
    )
    assert (loaded.best_similarity(np.zeros((0, 256), dtype=np.float32)) == 0).all()


def test_a_listing_without_a_vector_is_embedded_in_memory_and_nothing_is_stored():
    listing = ServiceFactory(name="Allotment society", description="Plots for gardeners.")
    loaded = index.current()
    assert loaded.embedded.all() and loaded.unembedded == 0
    assert np.allclose(loaded.matrix[0], vectors.embed([vectors.listing_text(listing)])[0], atol=1e-6)
    assert not ListingVector.objects.exists()


def test_past_the_cap_listings_without_a_vector_are_counted_not_embedded(monkeypatch):
    monkeypatch.setattr(index, "EMBED_ON_LOAD", 1)
    ServiceFactory.create_batch(3)
    loaded = index.current()
    assert loaded.unembedded == 2 and (loaded.matrix[~loaded.embedded] == 0).all()


def test_a_vector_of_another_model_is_not_used():
    listing = ServiceFactory(name="Choir", description="Sing.")
    ListingVector.objects.create(
        service=listing, model_name="another-model", text_sha256="0" * 64, dimensions=256, vector=b"\0" * 1024
    )
    loaded = index.current()
    assert np.allclose(loaded.matrix[0], vectors.embed([vectors.listing_text(listing)])[0], atol=1e-6)


def test_without_the_model_it_holds_places_and_no_vectors(settings):
    settings.MATCHING_EMBEDDINGS = False
    listing = ServiceFactory(at=[at(SALE)])
    loaded = index.current()
    assert loaded.matrix is None and loaded.model_name is None and loaded.unembedded == 0
    assert np.isfinite(loaded.nearest_miles(STRETFORD)[loaded.row_of(listing.pk)])
    settings.MATCHING_EMBEDDINGS = True  # the model switched on: another index
    assert index.current().matrix is not None


def test_it_is_kept_between_uses_and_loaded_again_when_the_directory_changes():
    listing = ServiceFactory()
    loaded = index.current()
    assert index.current() is loaded
    listing.name = "Renamed"
    listing.save()  # the directory's generation moves on
    assert index.current() is not loaded


def test_it_is_loaded_again_when_vectors_are_stored(django_capture_on_commit_callbacks):
    ServiceFactory()
    loaded = index.current()
    with django_capture_on_commit_callbacks(execute=True):
        refresh_listing_vectors()
    assert index.current() is not loaded
    again = index.current()
    refresh_listing_vectors()  # nothing new made: nothing to reload
    assert index.current() is again


def test_an_emptied_cache_loads_it_again():
    ServiceFactory()
    loaded = index.current()
    cache.clear()
    assert index.current() is not loaded


def test_another_process_change_is_seen_by_the_database_check(settings):
    """A change this process was not told of (another process, with its own memory cache; or a
    write straight to the tables) is seen when the database is next compared: at most every
    ``MATCHING_INDEX_RECHECK_SECONDS``."""
    listing = ServiceFactory(name="Choir", description="Sing.")
    refresh_listing_vectors()
    loaded = index.current()
    # Another process's task remade the vector (as refresh_listing_vectors writes: a new updated_at).
    ListingVector.objects.filter(service=listing).update(
        vector=vectors.to_bytes(np.ones(256) / 16), updated_at=timezone.now()
    )
    assert index.current() is loaded  # not compared yet (within the recheck time)
    settings.MATCHING_INDEX_RECHECK_SECONDS = 0
    reloaded = index.current()
    assert reloaded is not loaded and np.allclose(reloaded.matrix[0], 1 / 16)
    assert index.current() is reloaded  # compared, same: kept
    Service.objects.filter(pk=listing.pk).update(listing_status=ListingStatus.DRAFT)  # an edit in bulk
    assert index.current() is reloaded  # last_modified not moved: the listing is re-read anyway
    # A listing added by another process (bulk: no signal, the cache not told): the count moves.
    (added,) = Service.objects.bulk_create(
        [Service(provider=listing.provider, name="New", listing_status=ListingStatus.PUBLISHED)]
    )
    assert index.current().row_of(added.pk) is not None


def test_the_matrix_product_runs_on_as_many_blas_threads_as_settings_say():
    """One by default (MATCHING_BLAS_THREADS): two threads of one product wait on each other on a
    busy machine. The limit holds in this process, where Django set itself up as the server does."""
    from django.conf import settings
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas, "numpy's BLAS is loaded"
    assert {pool["num_threads"] for pool in blas} == {settings.MATCHING_BLAS_THREADS} == {1}
