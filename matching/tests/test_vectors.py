"""Stored listing vectors: exact bytes on both databases, kept current by the task worker, and
similarity by meaning with the real bundled model, or by words without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from directory.tests.factories import ServiceFactory, TaxonomyTermFactory
from matching import vectors
from matching.models import ListingVector
from matching.selectors import listing_similarities
from matching.services import refresh_listing_vectors

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOTMENT = "Allotment society. Plots for gardeners, with seeds, compost and tools shared."
CHOIR = "Community choir. Sing together every week, no auditions."


@pytest.fixture(autouse=True)
def fresh_model_state():
    """Each test finds the model as the process would (installed, loaded once) and leaves it so."""
    vectors.forget_loaded_model()
    yield
    vectors.forget_loaded_model()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def stored(listing) -> ListingVector:
    return ListingVector.objects.get(service=listing)


def test_vector_bytes_round_trip_exactly_through_the_database():
    listing = ServiceFactory()
    rng = np.random.default_rng(17)
    vector = rng.standard_normal(256).astype(np.float32)
    # The awkward values too: signed zero, the smallest subnormal, the largest float32, negatives.
    vector[:4] = [-0.0, np.float32(1e-45), np.finfo(np.float32).max, -np.finfo(np.float32).max]
    ListingVector.objects.create(
        service=listing,
        model_name="test",
        text_sha256="0" * 64,
        dimensions=256,
        vector=vectors.to_bytes(vector),
    )
    read = vectors.from_bytes(ListingVector.objects.get(service=listing).vector, 256)
    assert read.dtype == np.float32
    assert np.array_equal(read.view(np.uint32), vector.view(np.uint32))  # bit for bit
    matrix = vectors.matrix_from(ListingVector.objects.values_list("vector", flat=True), 256)
    assert np.array_equal(matrix[0].view(np.uint32), vector.view(np.uint32))


def test_a_stored_vector_of_the_wrong_length_is_refused_plainly():
    with pytest.raises(ValueError, match="has 3 values, not the 256"):
        vectors.from_bytes(vectors.to_bytes(np.ones(3, dtype=np.float32)), 256)
    with pytest.raises(ValueError, match="not all 256 values long"):
        vectors.matrix_from([vectors.to_bytes(np.ones(256)), b"\x00\x00\x80"], 256)


def test_a_listing_gets_its_vector_through_the_task_when_saved(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing = ServiceFactory(name="Knit and natter", description="Bring your knitting; tea provided.")
    row = stored(listing)
    text = vectors.listing_text(listing)
    assert text == "Knit and natter Bring your knitting; tea provided."
    assert row.text_sha256 == vectors.text_digest(text)
    assert row.dimensions == 256 and row.model_name.startswith("wordllama-")
    assert np.allclose(vectors.from_bytes(row.vector, 256), vectors.embed([text])[0], atol=1e-6)
    assert np.isclose(np.linalg.norm(vectors.from_bytes(row.vector, 256)), 1.0, atol=1e-5)


def test_the_vector_is_remade_when_the_text_changes(immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing = ServiceFactory(description="Tea and cake.")
    first = stored(listing)
    with django_capture_on_commit_callbacks(execute=True):
        listing.description = "A walk round the park, then tea."
        listing.save()
    second = stored(listing)
    assert second.text_sha256 == vectors.text_digest(vectors.listing_text(listing)) != first.text_sha256
    assert bytes(second.vector) != bytes(first.vector)


def test_the_vector_is_remade_when_categories_change_or_are_renamed(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing = ServiceFactory(description="Meet on Thursdays.")
    before = stored(listing).text_sha256
    with django_capture_on_commit_callbacks(execute=True):
        term = TaxonomyTermFactory(name="Gardening")
        listing.terms.add(term)
    added = stored(listing).text_sha256
    assert added != before and "Categories: Gardening." in vectors.listing_text(listing)
    with django_capture_on_commit_callbacks(execute=True):
        term.name = "Growing food"
        term.save()
    assert stored(listing).text_sha256 not in {before, added}
    with django_capture_on_commit_callbacks(execute=True):
        term.services.clear()  # from the category's side
    assert stored(listing).text_sha256 == before


def test_the_vector_is_not_remade_when_an_unrelated_field_changes(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing = ServiceFactory()
    first = stored(listing)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        listing.phone = "0161 496 0000"
        listing.save()
    assert callbacks  # the task did run ...
    second = stored(listing)
    assert second.updated_at == first.updated_at  # ... and remade nothing
    assert bytes(second.vector) == bytes(first.vector)
    assert refresh_listing_vectors([listing.pk]).as_dict() == {"made": 0, "current": 1, "off": False}


def test_one_task_is_queued_for_all_the_listings_changed_in_one_transaction(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        listings = [ServiceFactory() for _ in range(5)]
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "matching.tasks.refresh_listing_vectors_task"
    assert sorted(queued.args_kwargs["args"][0]) == sorted(str(listing.pk) for listing in listings)
    assert not ListingVector.objects.exists()  # the worker makes them, not the request


def test_nothing_is_queued_when_embeddings_are_off(settings, django_capture_on_commit_callbacks):
    settings.MATCHING_EMBEDDINGS = False
    with django_capture_on_commit_callbacks(execute=True):
        ServiceFactory()
    assert not DBTaskResult.objects.exists()


def test_a_deleted_listing_takes_its_vector_with_it(immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing = ServiceFactory()
    gone = listing.pk
    assert ListingVector.objects.filter(service_id=gone).exists()
    listing.delete()
    assert not ListingVector.objects.exists()
    assert refresh_listing_vectors([gone]).as_dict() == {"made": 0, "current": 0, "off": False}


def test_the_command_makes_every_missing_vector_and_then_none(capsys):
    ServiceFactory.create_batch(3)
    call_command("refresh_vectors")
    assert "Made 3 listing vectors; 0 were already current." in capsys.readouterr().out
    call_command("refresh_vectors")
    assert "Made 0 listing vectors; 3 were already current." in capsys.readouterr().out
    assert ListingVector.objects.count() == 3


def test_meaning_the_allotment_is_nearer_growing_vegetables_than_the_choir():
    """The real bundled model: no word is shared, so only meaning can tell them apart."""
    assert vectors.get_embedder() is not None
    assert list(vectors.keyword_similarity("growing vegetables", [ALLOTMENT, CHOIR])) == [0.0, 0.0]
    allotment, choir = vectors.text_similarity("growing vegetables", [ALLOTMENT, CHOIR])
    assert allotment > choir + 0.1


def test_listing_similarities_read_stored_vectors_and_embed_missing_ones():
    allotment = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    choir = ServiceFactory(name="Community choir", description=CHOIR)
    refresh_listing_vectors([allotment.pk])  # the choir has no vector yet
    scores = listing_similarities("growing vegetables", [allotment.pk, choir.pk])
    assert set(scores) == {allotment.pk, choir.pk}
    assert scores[allotment.pk] > scores[choir.pk]
    assert not ListingVector.objects.filter(service=choir).exists()  # reads do not write


def test_without_the_model_an_exact_word_still_ranks_first(settings):
    settings.MATCHING_EMBEDDINGS = False
    assert vectors.get_embedder() is None
    with pytest.raises(vectors.EmbeddingsOff):
        vectors.embed(["choir"])
    texts = [ALLOTMENT, "Singing for the brain. Songs for people living with dementia.", CHOIR]
    scores = vectors.text_similarity("choir", texts)
    assert int(np.argmax(scores)) == 2 and scores[0] == scores[1] == 0.0
    choir = ServiceFactory(name="Community choir", description=CHOIR)
    allotment = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    scores = listing_similarities("join a choir", [allotment.pk, choir.pk])
    assert scores[choir.pk] > scores[allotment.pk] == 0.0
    assert refresh_listing_vectors().as_dict() == {"made": 0, "current": 0, "off": True}


def test_the_app_works_with_keywords_when_the_model_package_is_not_installed(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "wordllama", None)  # `import wordllama` now fails as if absent
    monkeypatch.setattr(vectors, "PACKAGE", "wordllama_not_installed")
    vectors.forget_loaded_model()
    assert not vectors.embeddings_enabled()
    assert vectors.get_embedder() is None
    choir = ServiceFactory(name="Community choir", description=CHOIR)
    allotment = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    scores = listing_similarities("choir", [choir.pk, allotment.pk])
    assert scores[choir.pk] > scores[allotment.pk]
    call_command("refresh_vectors")
    assert "Embeddings are off here" in capsys.readouterr().out
    assert not ListingVector.objects.exists()


def test_the_model_loads_from_its_package_with_the_network_refused(tmp_path):
    """A fresh process whose every web request would fail, with an empty home (no cache): the model
    still loads and embeds, and writes nothing to a cache."""
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HF_HOME": str(tmp_path / "hf"),
        "HTTP_PROXY": dead,
        "HTTPS_PROXY": dead,
        "http_proxy": dead,
        "https_proxy": dead,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    env.pop("HF_HUB_OFFLINE", None)  # the loader must say offline itself
    program = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'closeknit.settings'); "
        "django.setup(); from matching import vectors; "
        "print(vectors.embed(['walking group']).shape, os.environ['HF_HUB_OFFLINE'])"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", program],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 256) 1"
    assert not any(tmp_path.rglob("*"))  # no cache written anywhere under the empty home


def test_a_model_that_fails_to_load_is_logged_and_keywords_are_used(monkeypatch, caplog):
    """Weights the package does not ship (512 dimensions: only 256 are in the wheel) fail for real,
    since downloads are off."""
    monkeypatch.setattr(vectors.WordLlamaEmbedder, "dimensions", 512)
    assert vectors.get_embedder() is None
    assert "failed to load: keyword similarity only" in caplog.text
    assert "not found in project root or cache, and downloads are disabled" in caplog.text
    scores = vectors.text_similarity("choir", [ALLOTMENT, CHOIR])
    assert scores[1] > scores[0] == 0.0
