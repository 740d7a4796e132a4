"""Kept values (common.kept) and read replicas: a request that reads a replica a moment after a
change works its answer out without keeping it, since the replica may not have replayed the change;
requests reading the primary keep theirs. No replica is needed: the router's decisions are enough."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpResponse

from common import replicas
from common.kept import Kept


@pytest.fixture
def one_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


@pytest.fixture
def kept():
    return Kept(f"test:{uuid.uuid4()}")


def during_request(rf, work, *, stale_ok=True, cookies=None):
    """``work()`` inside a GET answered through the replica middleware, as a public page's view."""
    results = []

    def view(request):
        results.append(work())
        return HttpResponse("ok")

    request = rf.get("/")
    request.COOKIES.update(cookies or {})
    replicas.ReplicaMiddleware(replicas.stale_reads_ok(view) if stale_ok else view)(request)
    return results[0]


def counting(kept, answers):
    def work():
        answers.append(len(answers))
        return len(answers)

    return lambda: kept.kept("thing", ("a",), work)


def test_a_request_reading_a_replica_just_after_a_change_keeps_nothing(one_replica, rf, kept):
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    answers: list[int] = []
    ask = counting(kept, answers)
    assert [during_request(rf, ask) for _ in range(2)] == [1, 2]  # worked out each time


def test_once_the_change_is_older_than_the_pin_a_replica_request_keeps_again(one_replica, rf, kept, settings):
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    settings.DATABASE_REPLICA_PIN_SECONDS = 0  # as if 10 seconds had passed
    answers: list[int] = []
    ask = counting(kept, answers)
    assert [during_request(rf, ask) for _ in range(2)] == [1, 1]


def test_a_request_reading_the_primary_keeps_what_it_works_out_for_everyone(one_replica, rf, kept):
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    answers: list[int] = []
    ask = counting(kept, answers)
    assert during_request(rf, ask, stale_ok=False) == 1  # a view that reads the primary keeps it
    assert during_request(rf, ask) == 1  # and a replica request reads what it kept
    assert during_request(rf, ask, cookies={replicas.COOKIE: "1"}) == 1


def test_a_browser_that_just_wrote_reads_the_primary_and_keeps(one_replica, rf, kept):
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    answers: list[int] = []
    ask = counting(kept, answers)
    assert [during_request(rf, ask, cookies={replicas.COOKIE: "1"}) for _ in range(2)] == [1, 1]


def test_values_kept_one_by_one_follow_the_same_rule(one_replica, rf, kept):
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    loads: list[list[int]] = []

    def each():
        return kept.kept_each("listing", [1, 2], lambda ids: loads.append(ids) or {i: i * 10 for i in ids})

    assert during_request(rf, each) == {1: 10, 2: 20}
    assert during_request(rf, each) == {1: 10, 2: 20}
    assert loads == [[1, 2], [1, 2]]  # loaded again: nothing was kept from the replica
    during_request(rf, each, stale_ok=False)
    during_request(rf, each)
    assert loads == [[1, 2], [1, 2], [1, 2]]


def test_without_replicas_everything_is_kept_at_once(settings, rf, kept):
    settings.DATABASE_REPLICAS = []
    kept._bump()  # a change, committed (forget() bumps now and again on commit)
    answers: list[int] = []
    ask = counting(kept, answers)
    assert [during_request(rf, ask) for _ in range(2)] == [1, 1]
