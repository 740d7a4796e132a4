"""Benchmark: how well suggestions fit people, on the labelled set in matching/evaluation.

For each ranker in RANKERS, ranks every listing for every person in the set and reports, averaged
over the people: precision@5 (how many of the first 5 fit, grade 1 or 2) and nDCG@10 (graded gains:
2 = a great fit, 1 = would do), and the time to rank for one person. No database is opened (Django's
settings are read: the model is switched on or off there).

    .venv/bin/python bench/matching.py           # the tables
    .venv/bin/python bench/matching.py --json    # the same, as JSON
    .venv/bin/python bench/matching.py --check   # only check the set (exit 1 with the problems)

A ranker is a function (person, listings) -> listing ids, best first. "random" is the floor;
"keyword" is BM25 over the person's own words. The matching app's rankers turn the set's people and
listings into ``matching.ranking.Profile`` and ``Candidate`` (``profile_of``, ``candidate_of``):
"embeddings" is the interest factor alone, from the real model; "combined" is ``ranking.rank``
with the default weights, what coordinators see; "combined, keywords (no model)" is the same with
keyword similarity. The factor shapes and default weights were chosen on the TUNING people and are
reported on the HELD_OUT ones (and on all): docs/matching.md, "How suggestions are ranked".
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from _setup import ROOT

# The project root first, so that `import matching` finds the matching app, not this script.
sys.path.insert(0, str(ROOT))
# Django's settings only (matching.vectors reads MATCHING_EMBEDDINGS): no database is opened.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeknit.settings")
import django

django.setup()

from matching import ranking, vectors
from matching.ranking import DEFAULT_WEIGHTS, Candidate, Profile, Slot
from matching.similarity import phrase_similarities

SET = ROOT / "matching" / "evaluation"
POSTCODES = ROOT / "data" / "postcodes" / "trafford_postcodes.csv"
MIN_PEOPLE, MIN_LISTINGS = 40, 300

Person = dict[str, Any]
Listing = dict[str, Any]
Ranker = Callable[[Person, list[Listing]], list[str]]


def load(folder: Path = SET) -> tuple[list[Listing], list[Person], dict[str, dict[str, int]]]:
    """The listings, the people and, per person id, the grade of each listing that fits."""
    listings = json.loads((folder / "listings.json").read_text(encoding="utf-8"))["listings"]
    people = json.loads((folder / "people.json").read_text(encoding="utf-8"))["people"]
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["labels"]
    return listings, people, {entry["person"]: entry["fits"] for entry in labels}


def check(folder: Path = SET) -> list[str]:
    """Problems with the set, each naming the record and field; empty when it is sound."""
    problems: list[str] = []
    listings, people, _ = load(folder)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["labels"]
    with POSTCODES.open(encoding="utf-8", newline="") as handle:
        real = {row["postcode"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)}

    def place(where: str, spot: dict[str, Any]) -> None:
        code = spot.get("postcode")
        if code not in real:
            problems.append(f"{where}: postcode {code!r} is not a Trafford postcode in {POSTCODES.name}")
        elif abs(real[code][0] - spot["latitude"]) > 1e-5 or abs(real[code][1] - spot["longitude"]) > 1e-5:
            problems.append(f"{where}: latitude/longitude do not match postcode {code}")

    for kind, records in (("listing", listings), ("person", people)):
        for record_id, count in Counter(record["id"] for record in records).items():
            if count > 1:
                problems.append(f"{kind} {record_id}: the id is used {count} times")
    listing_ids = {listing["id"] for listing in listings}
    person_ids = {person["id"] for person in people}
    if len(listings) < MIN_LISTINGS:
        problems.append(f"listings: {len(listings)}, fewer than {MIN_LISTINGS}")
    if len(people) < MIN_PEOPLE:
        problems.append(f"people: {len(people)}, fewer than {MIN_PEOPLE}")

    for listing in listings:
        where = f"listing {listing['id']}"
        for field in ("name", "description", "categories", "sessions", "cost"):
            if not listing.get(field):
                problems.append(f"{where}: {field} is missing or empty")
        if listing.get("online"):
            if listing.get("venue") is not None:
                problems.append(f"{where}: online, so it should have no venue")
        elif not listing.get("venue"):
            problems.append(f"{where}: in person but has no venue")
        else:
            place(f"{where} venue", listing["venue"])
        if listing.get("near_duplicate_of") and listing["near_duplicate_of"] not in listing_ids:
            problems.append(f"{where}: near_duplicate_of {listing['near_duplicate_of']} is not a listing")
        if (listing.get("cost") or {}).get("type") not in ("free", "pay what you can", "paid"):
            problems.append(f"{where}: cost type must be free, pay what you can or paid")

    for person in people:
        where = f"person {person['id']}"
        if person.get("invented") is not True:
            problems.append(f"{where}: not marked invented")
        place(f"{where} home", person.get("home") or {})
        for field in ("interests", "what_matters", "goals", "free"):
            if not person.get(field):
                problems.append(f"{where}: {field} is missing or empty")
        for tried in person.get("tried_before", []):
            if tried["listing"] not in listing_ids:
                problems.append(f"{where} tried_before: {tried['listing']} is not a listing")

    labelled = Counter(entry["person"] for entry in labels)
    for person_id in sorted(person_ids - set(labelled)):
        problems.append(f"person {person_id}: has no labels")
    for entry in labels:
        where = f"labels for {entry['person']}"
        if entry["person"] not in person_ids:
            problems.append(f"{where}: not a person")
        if labelled[entry["person"]] > 1:
            problems.append(f"{where}: labelled more than once")
        if not entry["fits"]:
            problems.append(f"{where}: no listing fits")
        for listing_id, grade in entry["fits"].items():
            if listing_id not in listing_ids:
                problems.append(f"{where}: {listing_id} is not a listing")
            if grade not in (1, 2):
                problems.append(f"{where}: {listing_id} has grade {grade!r}; grades are 1 or 2")
        for miss in entry.get("not_fitting", []):
            if miss["listing"] not in listing_ids:
                problems.append(f"{where} not_fitting: {miss['listing']} is not a listing")
            if miss["listing"] in entry["fits"]:
                problems.append(f"{where}: {miss['listing']} is both fitting and not fitting")
    return problems


# Rankers ---------------------------------------------------------------------------------------

STOP = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be but by for from has have he her his i in is it its me my of on or our she so "
        "that the their them they this to up us was we were what when who will with would you your",
    )
)


def words(text: str) -> list[str]:
    """Lower-case words without stop words; a plural "s" is dropped ("walks" finds "walk")."""
    found = re.findall(r"[a-z0-9]+", text.lower())
    return [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in found
        if w not in STOP
    ]


def person_text(person: Person) -> str:
    return " ".join(person["interests"] + person["what_matters"] + person["goals"])


def listing_text(listing: Listing) -> str:
    return " ".join([listing["name"], listing["description"], *listing["categories"]])


class BM25:
    """Okapi BM25 (k1 1.2, b 0.75) over the listings' name, description and categories."""

    def __init__(self, listings: list[Listing], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = [listing["id"] for listing in listings]
        self.docs = [Counter(words(listing_text(listing))) for listing in listings]
        self.lengths = [sum(doc.values()) for doc in self.docs]
        self.average = sum(self.lengths) / len(self.lengths)
        frequency = Counter(word for doc in self.docs for word in doc)
        total = len(self.docs)
        self.idf = {word: math.log(1 + (total - n + 0.5) / (n + 0.5)) for word, n in frequency.items()}
        self.k1, self.b = k1, b

    def rank(self, text: str) -> list[str]:
        query = set(words(text))
        scores = []
        for index, doc in enumerate(self.docs):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[index] / self.average)
            score = sum(
                self.idf[word] * doc[word] * (self.k1 + 1) / (doc[word] + norm)
                for word in query
                if word in doc
            )
            scores.append((-score, index))
        scores.sort()
        return [self.ids[index] for _, index in scores]


_indexes: dict[int, BM25] = {}


def keyword(person: Person, listings: list[Listing]) -> list[str]:
    index = _indexes.get(id(listings))
    if index is None:  # built once per list of listings, as a search index would be
        index = _indexes[id(listings)] = BM25(listings)
    return index.rank(person_text(person))


def shuffled(person: Person, listings: list[Listing]) -> list[str]:
    ids = [listing["id"] for listing in listings]
    random.Random(person["id"]).shuffle(ids)
    return ids


RANKERS: dict[str, Ranker] = {"random": shuffled, "keyword": keyword}


# The matching app's rankers: the set's people and listings as ranking.Profile and ranking.Candidate

MENTIONED = re.compile(r"\s*\(mentioned in passing\)\s*$")
# How far someone can get, in miles as the crow flies, by how they said they travel: "walk only" is
# about 20 minutes on foot (a straight mile is about 1.3 miles of streets at 3-4 mph: what a
# coordinator would call walking distance); "bus" is a ride across a few areas of the district, not
# the whole of it. These are the set's own meanings of its "travel" field (README "Distance").
MILES_BY_TRAVEL = {"walk only": 1.0, "bus": 3.0}
NEEDS_FREE = {"free only"}
SHOWN = 10  # suggestions a coordinator sees (the measures look no further than 10)


def _slot(entry: dict[str, str]) -> Slot:
    return Slot(
        ranking.DAYS.index(entry["weekday"]),
        dt_time.fromisoformat(entry["start"]),
        dt_time.fromisoformat(entry["end"]),
    )


def phrases_of(person: Person) -> tuple[str, ...]:
    """The person's own words: interests, what matters, goals (the set's "(mentioned in passing)"
    note is for the labels, not words they said)."""
    return tuple(MENTIONED.sub("", p) for p in person["interests"] + person["what_matters"] + person["goals"])


def profile_of(person: Person) -> Profile:
    return Profile(
        name=person["name"].split()[0],
        phrases=phrases_of(person),
        home=(person["home"]["latitude"], person["home"]["longitude"]),
        free=tuple(_slot(entry) for entry in person["free"]),
        needs_step_free="wheelchair" in person["access_needs"],
        needs_hearing_loop="hearing" in person["access_needs"],
        needs_free=person["money"] in NEEDS_FREE,
        max_miles=MILES_BY_TRAVEL.get(person["travel"]),
        online_ok=bool(person["online_ok"]),
        tried={f"listing:{t['listing']}": bool(t["worked"]) for t in person.get("tried_before", [])},
    )


def embedded_text(listing: Listing) -> str:
    """What is embedded for a listing, in the shape of ``matching.vectors.listing_text``."""
    categories = ", ".join(sorted(listing["categories"]))
    return f"{listing['name']} {listing['description']} Categories: {categories}."


def candidate_of(listing: Listing) -> Candidate:
    venue, access = listing.get("venue"), listing["access"]
    return Candidate(
        key=f"listing:{listing['id']}",
        kind="offer" if listing["kind"] == "timebank" else "listing",  # a timebank offer comes to you
        title=listing["name"],
        text=embedded_text(listing),
        venue=venue["name"] if venue else "",
        where=(venue["latitude"], venue["longitude"]) if venue else None,
        online=bool(listing["online"]),
        sessions=tuple(_slot(entry) for entry in listing["sessions"]),
        cost=listing["cost"]["type"],
        # What the directory calls wheelchair accessible: step-free, with an accessible toilet.
        step_free=access.get("step_free") and access.get("accessible_toilet"),
        hearing_loop=access.get("hearing_loop"),
    )


class Prepared:
    """The listings as candidates with their vectors, made once per run (as stored vectors are)."""

    def __init__(self, listings: list[Listing]) -> None:
        self.candidates = [candidate_of(listing) for listing in listings]
        self.vectors: dict[str, Any] = {}
        if vectors.get_embedder() is not None:
            rows = vectors.embed([c.text for c in self.candidates])
            self.vectors = {c.key: row for c, row in zip(self.candidates, rows, strict=True)}


_prepared: dict[int, Prepared] = {}


def prepared(listings: list[Listing]) -> Prepared:
    found = _prepared.get(id(listings))
    if found is None:
        found = _prepared[id(listings)] = Prepared(listings)
    return found


def _id(candidate: Candidate) -> str:
    return candidate.key.removeprefix("listing:")


def embeddings(person: Person, listings: list[Listing]) -> list[str]:
    """Only how well the text fits (the interest factor), by meaning; no practical factor."""
    ready = prepared(listings)
    profile = profile_of(person)
    sims = phrase_similarities(profile.phrases, ready.candidates, ready.vectors)
    order = sorted(ready.candidates, key=lambda c: (-ranking.interest_factor(sims[c.key]), c.title, c.key))
    return [_id(c) for c in order]


def combined(person: Person, listings: list[Listing]) -> list[str]:
    """``matching.ranking.rank`` with the default weights and every factor: what coordinators see."""
    ready = prepared(listings)
    profile = profile_of(person)
    sims = phrase_similarities(profile.phrases, ready.candidates, ready.vectors)
    return [_id(s.candidate) for s in ranking.rank(profile, ready.candidates, sims, DEFAULT_WEIGHTS, SHOWN)]


def combined_without_model(person: Person, listings: list[Listing]) -> list[str]:
    """The same ranking with keyword similarity in place of the model: what a site without the
    model's package gets (``matching.similarity`` falls back to ``matching.vectors.keyword_similarity``)."""
    ready = prepared(listings)
    profile = profile_of(person)
    texts = [c.text for c in ready.candidates]
    columns = [vectors.keyword_similarity(phrase, texts) for phrase in profile.phrases]
    sims = {c.key: [float(column[i]) for column in columns] for i, c in enumerate(ready.candidates)}
    return [_id(s.candidate) for s in ranking.rank(profile, ready.candidates, sims, DEFAULT_WEIGHTS, SHOWN)]


RANKERS.update(
    {"embeddings": embeddings, "combined": combined, "combined, keywords (no model)": combined_without_model}
)


def twice_in_top(ranker: Ranker, listings: list[Listing], people: list[Person], k: int = 10) -> int:
    """How many of the people see the same group twice (a listing and its near-duplicate) in their
    first ``k``: the ranking cannot tell they are one group, the directory's tidying can."""
    twin = {
        listing["id"]: listing["near_duplicate_of"]
        for listing in listings
        if listing.get("near_duplicate_of")
    }
    seen = 0
    for person in people:
        top = set(ranker(person, listings)[:k])
        seen += any(copy in top and original in top for copy, original in twin.items())
    return seen


# Measures --------------------------------------------------------------------------------------


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    return sum(1 for listing_id in ranked[:k] if grades.get(listing_id, 0) > 0) / k


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**gain - 1) / math.log2(place + 2) for place, gain in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(listing_id, 0) for listing_id in ranked]) / ideal if ideal else 0.0


def evaluate(
    ranker: Ranker, listings: list[Listing], people: list[Person], labels: dict[str, dict[str, int]]
) -> dict[str, float]:
    """Averages over the people of precision@5 and nDCG@10, and the time per person."""
    precisions, gains, times = [], [], []
    ranker(people[0], listings)  # warm-up (builds any index)
    for person in people:
        started = time.perf_counter()
        ranked = ranker(person, listings)
        times.append((time.perf_counter() - started) * 1000)
        precisions.append(precision_at(ranked, labels[person["id"]]))
        gains.append(ndcg_at(ranked, labels[person["id"]]))
    times.sort()
    return {
        "precision@5": statistics.mean(precisions),
        "nDCG@10": statistics.mean(gains),
        "ms p50": statistics.median(times),
        "ms p95": times[max(0, math.ceil(len(times) * 0.95) - 1)],
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


# The people the factor shapes and default weights were chosen on, and the people held out to report.
TUNING = tuple(f"P{n:02d}" for n in range(1, 21))
HELD_OUT = tuple(f"P{n:02d}" for n in range(21, 41))


def table(title: str, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}\n")
    print("| ranker | precision@5 | nDCG@10 | ms per person p50 | p95 |")
    print("|---|---|---|---|---|")
    for name, result in results.items():
        print(
            f"| {name} | {result['precision@5']:.3f} | {result['nDCG@10']:.3f} | "
            f"{result['ms p50']:.2f} | {result['ms p95']:.2f} |"
        )


def main(argv: list[str]) -> int:
    problems = check()
    if problems:
        print(f"The labelled set in {SET.relative_to(ROOT)} has {len(problems)} problem(s):")
        for problem in problems:
            print(f"- {problem}")
        return 1
    listings, people, labels = load()
    relevant = [len(grades) for grades in labels.values()]
    as_json = "--json" in argv
    if not as_json:
        print(
            f"The labelled set is sound: {len(listings)} listings, {len(people)} people, "
            f"{min(relevant)}-{max(relevant)} fitting listings each (mean {statistics.mean(relevant):.1f})."
        )
    if "--check" in argv:
        return 0
    groups = {
        "held-out": [p for p in people if p["id"] in HELD_OUT],
        "all": people,
        "tuning": [p for p in people if p["id"] in TUNING],
    }
    started = time.perf_counter()
    prepared(listings)
    embed_seconds = time.perf_counter() - started
    results = {
        group: {name: evaluate(ranker, listings, chosen, labels) for name, ranker in RANKERS.items()}
        for group, chosen in groups.items()
    }
    model = vectors.get_embedder()
    if as_json:
        print(
            json.dumps(
                {
                    "machine": machine(),
                    "model": model.name if model else None,
                    "embed_listings_seconds": round(embed_seconds, 3),
                    "people": {group: [p["id"] for p in chosen] for group, chosen in groups.items()},
                    "results": results,
                    "people_seeing_a_group_twice_in_top_10": twice_in_top(combined, listings, people),
                },
                indent=1,
            )
        )
        return 0
    print(f"Machine: {machine()}")
    print(
        f"Model: {model.name if model else 'none (keyword similarity)'}; "
        f"{len(listings)} listing texts embedded once, in {embed_seconds:.2f} s"
    )
    twice = twice_in_top(combined, listings, people)
    print(
        f"\nNear-duplicates: {twice} of {len(people)} people see the same group twice in the combined "
        "first 10 (the set has 6 groups entered twice, as real directories do)."
    )
    table(
        f"Held out: {HELD_OUT[0]}-{HELD_OUT[-1]} (not used to choose the shapes or weights)",
        results["held-out"],
    )
    table(f"All {len(people)} people", results["all"])
    table(
        f"Tuning half: {TUNING[0]}-{TUNING[-1]} (the shapes and weights were chosen on these)",
        results["tuning"],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
