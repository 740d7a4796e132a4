"""Meaning, offline: the embedding model, listing texts, stored vectors and similarity.

The model is WordLlama (``wordllama`` on PyPI, MIT): a static token-embedding model whose 256-
dimension weights ship inside its wheel. It is loaded once per process from its own package folder
with downloads turned off, so nothing is fetched at run time. When the package is not installed,
fails to load, or ``settings.MATCHING_EMBEDDINGS`` is off, :func:`get_embedder` answers ``None`` and
:func:`text_similarity` scores by keywords instead (TF-IDF weighted word overlap), through the same
interface. docs/matching.md has the measurements behind the choice.

Vectors are float32, little-endian, unit length. Stored as bytes they work the same on SQLite and
PostgreSQL; numpy reads many of them back as one matrix and scores a query against all of them with
one matrix-vector product (cosine similarity, since every row has unit length).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from django.conf import settings

if TYPE_CHECKING:
    from directory.models import Service

logger = logging.getLogger(__name__)

PACKAGE = "wordllama"
DTYPE = np.dtype("<f4")  # float32, little-endian: the stored byte order, whatever the machine's


class EmbeddingsOff(RuntimeError):
    """Asked to embed while there is no model (not installed, failed to load, or switched off)."""


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class WordLlamaEmbedder:
    """WordLlama's bundled 256-dimension model, read from the package folder, never downloaded."""

    dimensions = 256

    def __init__(self) -> None:
        # The Hugging Face client is never used by this load, but say "offline" anyway, so no
        # library underneath can reach for the network (docs/matching.md).
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import wordllama
        from wordllama import WordLlama

        folder = Path(wordllama.__file__).parent
        self._model: Any = WordLlama.load(
            config="l2_supercat", dim=self.dimensions, cache_dir=folder, disable_download=True
        )
        self.name = f"wordllama-{wordllama.__version__}-l2_supercat-{self.dimensions}"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.embed(texts, norm=False), dtype=np.float32)


def package_installed() -> bool:
    return _package_spec_found()


@functools.cache
def _package_spec_found() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


def embeddings_enabled() -> bool:
    """Whether vectors are in use here: switched on and the model's package installed (cheap: does
    not load the model)."""
    return bool(getattr(settings, "MATCHING_EMBEDDINGS", True)) and package_installed()


@functools.cache
def _load() -> Embedder | None:
    try:
        return WordLlamaEmbedder()
    except ImportError:
        logger.info("The embedding model's package (%s) is not installed: keyword similarity only.", PACKAGE)
    except Exception:  # a broken install must not take the app down: it works with keywords
        logger.exception("The embedding model (%s) failed to load: keyword similarity only.", PACKAGE)
    return None


def get_embedder() -> Embedder | None:
    """The model, loaded once per process; ``None`` when switched off or not available."""
    if not getattr(settings, "MATCHING_EMBEDDINGS", True):
        return None
    return _load()


def forget_loaded_model() -> None:
    """Forget the loaded model and what was found installed (tests that take the package away)."""
    _load.cache_clear()
    _package_spec_found.cache_clear()


def embed(texts: Sequence[str]) -> np.ndarray:
    """One float32 row per text, each of unit length (an empty text's row stays all zeros)."""
    embedder = get_embedder()
    if embedder is None:
        raise EmbeddingsOff("There is no embedding model here (switched off or not installed).")
    if not texts:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    matrix = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    if matrix.shape != (len(texts), embedder.dimensions):
        raise EmbeddingsOff(
            f"The embedding model answered {matrix.shape} for {len(texts)} texts of "
            f"{embedder.dimensions} dimensions."
        )
    return normalise(matrix)


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0).astype(np.float32)


def listing_text(service: Service) -> str:
    """What a listing is about, in words: its name, description, categories and how to join.
    Categories are read through ``service.terms.all()``, so prefetch them for many listings."""
    return text_of(
        service.name, service.description, [term.name for term in service.terms.all()], service.how_to_join
    )


def text_of(name: str, description: str, categories: Iterable[str], how_to_join: str) -> str:
    """A listing's text from its parts (:func:`listing_text`, for rows read as plain values)."""
    terms = sorted(categories)
    parts = [name, description]
    if terms:
        parts.append("Categories: " + ", ".join(terms) + ".")
    if how_to_join:
        parts.append("How to join: " + how_to_join)
    return " ".join(" ".join(part.split()) for part in parts if part and part.strip())


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=DTYPE).tobytes()


def from_bytes(data: bytes | memoryview, dimensions: int) -> np.ndarray:
    """A stored vector back as float32 (read-only view on the bytes, no copy)."""
    vector = np.frombuffer(data, dtype=DTYPE)
    if vector.shape != (dimensions,):
        raise ValueError(f"A stored vector has {vector.size} values, not the {dimensions} it should have.")
    return vector


def matrix_from(rows: Iterable[bytes | memoryview], dimensions: int) -> np.ndarray:
    """Many stored vectors as one (n, dimensions) float32 matrix."""
    joined = b"".join(rows)
    if len(joined) % (DTYPE.itemsize * dimensions):
        raise ValueError(f"The stored vectors are not all {dimensions} values long.")
    return np.frombuffer(joined, dtype=DTYPE).reshape(-1, dimensions)


def similarity(query_vector: np.ndarray, vectors: np.ndarray | Sequence[bytes | memoryview]) -> np.ndarray:
    """Cosine similarity of one unit-length query vector with each unit-length vector (a matrix, or
    stored bytes), from -1 to 1."""
    query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
    if not isinstance(vectors, np.ndarray):
        vectors = matrix_from(vectors, query.size)
    if vectors.size == 0:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(vectors @ query, dtype=np.float32)


# Keyword similarity: used where there is no model.

_COMMON = (
    "a an and are as at be by come for from get how in is it join of on or our the to up we with you your"
)
STOP_WORDS = frozenset(_COMMON.split())
WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words without the commonest ones; a plural's final s is dropped (groups ~ group)."""
    found = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def keyword_similarity(query: str, texts: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine similarity of ``query`` with each text (0 to 1): shared words count, rarer
    words among ``texts`` count more. 0 for a text sharing no word."""
    documents = [Counter(words(text)) for text in texts]
    count = len(documents)
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(document.keys())

    def weight(word: str) -> float:
        return math.log((1 + count) / (1 + frequency[word])) + 1

    query_words = Counter(words(query))
    query_weights = {word: n * weight(word) for word, n in query_words.items()}
    query_norm = math.sqrt(sum(w * w for w in query_weights.values()))
    scores = np.zeros(count, dtype=np.float32)
    if not query_norm:
        return scores
    for i, document in enumerate(documents):
        shared = query_weights.keys() & document.keys()
        if not shared:
            continue
        weights = {word: n * weight(word) for word, n in document.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        scores[i] = sum(query_weights[word] * weights[word] for word in shared) / (query_norm * norm)
    return scores


def text_similarity(query: str, texts: Sequence[str]) -> np.ndarray:
    """How near each text is to ``query`` in meaning (the model), or in words (no model)."""
    if get_embedder() is None:
        return keyword_similarity(query, texts)
    return similarity(embed([query])[0], embed(texts))
