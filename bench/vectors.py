"""Benchmark: listing vectors (matching.vectors), stored as float32 bytes.

Cosine similarity of one query against 10,000 and 100,000 stored 256-dimension vectors: read from
the database and scored (numpy from the stored bytes), scored from bytes already in memory, and the
floor (numpy on a matrix already in memory). Then the time to load the model and embed 10,000
short listing texts, and one query. Run with `make bench`; set DATABASE_URL to run on PostgreSQL.
"""

import random
import time
import uuid

from _setup import django_with_scratch_database, machine, percentiles

django_with_scratch_database()

import numpy as np  # noqa: E402

from directory.models import Provider, Service  # noqa: E402
from matching import vectors  # noqa: E402
from matching.models import ListingVector  # noqa: E402

DIMENSIONS = 256
SIZES = (10_000, 100_000)
VOCABULARY = (  # listing-like texts to embed: 12-40 of these words each
    "lunch club for older people gardening allotment choir singing walking group knit and natter "
    "carers support cafe food bank debt advice youth football bereavement art class dementia "
    "friendly coffee morning men's shed repair cafe swimming yoga chair exercise library digital help"
)
rng = np.random.default_rng(17)


def store(count: int) -> None:
    """Listings and random unit vectors up to ``count`` (bulk: no signals, no tasks)."""
    have = ListingVector.objects.count()
    provider = Provider.objects.first() or Provider.objects.create(name="Bench", description="")
    for start in range(have, count, 5_000):
        n = min(5_000, count - start)
        listings = Service.objects.bulk_create(
            [Service(id=uuid.uuid4(), provider=provider, name=f"Listing {start + i}") for i in range(n)]
        )
        matrix = vectors.normalise(rng.standard_normal((n, DIMENSIONS)).astype(np.float32))
        ListingVector.objects.bulk_create(
            [
                ListingVector(
                    service=listing,
                    model_name="bench",
                    text_sha256="0" * 64,
                    dimensions=DIMENSIONS,
                    vector=vectors.to_bytes(row),
                )
                for listing, row in zip(listings, matrix, strict=True)
            ]
        )


def query() -> np.ndarray:
    return vectors.normalise(rng.standard_normal((1, DIMENSIONS)).astype(np.float32))[0]


print(f"vectors benchmark; {machine()}; numpy {np.__version__}")
print(f"{'cosine of one query against':<44} {'p50 ms':>8} {'p95 ms':>8}")
for size in SIZES:
    store(size)
    repeats = 50 if size <= 10_000 else 10

    def from_database():
        stored = ListingVector.objects.values_list("vector", flat=True)
        return vectors.similarity(query(), list(stored))

    in_memory_bytes = list(ListingVector.objects.values_list("vector", flat=True))
    matrix = vectors.matrix_from(in_memory_bytes, DIMENSIONS).copy()

    for name, run in (
        (f"{size:,} read from the database", from_database),
        (f"{size:,} from bytes in memory", lambda b=in_memory_bytes: vectors.similarity(query(), b)),
        (f"{size:,} matrix in memory (floor)", lambda m=matrix: vectors.similarity(query(), m)),
    ):
        timing = percentiles(run, repeats)
        print(f"{name:<44} {timing['p50']:>8.2f} {timing['p95']:>8.2f}")

started = time.perf_counter()
embedder = vectors.get_embedder()
loaded = time.perf_counter() - started
if embedder is None:
    print("The model is not here (MATCHING_EMBEDDINGS off or wordllama not installed): no embed times.")
else:
    chooser = random.Random(17)
    words = VOCABULARY.split()
    texts = [" ".join(chooser.choice(words) for _ in range(chooser.randint(12, 40))) for _ in range(10_000)]
    started = time.perf_counter()
    vectors.embed(texts)
    embedded = time.perf_counter() - started
    one = percentiles(lambda: vectors.embed(["growing vegetables"]), 100)
    print(f"model {embedder.name}: loaded in {loaded:.2f} s")
    print(f"embed 10,000 listing texts (12-40 words): {embedded:.2f} s")
    print(f"embed one query: p50 {one['p50']:.2f} ms, p95 {one['p95']:.2f} ms")
