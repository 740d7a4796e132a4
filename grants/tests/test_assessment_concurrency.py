"""Decisions racing, on PostgreSQL (where writers really run at once): two officers awarding one
application make one grant, and two awards on different applications that the round's budget
cannot both hold make one grant and one refusal naming the amount."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from grants import assessment_services as assessment
from grants.models import Application, Decision, Grant, Round
from grants.tests.factories import close, make_round
from grants.tests.test_assessment import sent_application

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time"),
]


def _race(officer, applications, amount):
    start = threading.Barrier(len(applications))
    refusals, failures = [], []
    today = timezone.localdate()
    award = assessment.Award(amount_pence=amount, planned_start=today, planned_end=today + timedelta(days=90))

    def decide(pk):
        try:
            start.wait()
            try:
                assessment.decide(officer, Application.objects.get(pk=pk), "award", award=award)
            except ValidationError as error:
                refusals.append(error)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(a.pk,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    return refusals


def _screened(count):
    round_, officer = make_round()
    applications = [sent_application(round_, f"Project {n}") for n in range(count)]
    close(round_)
    for application in applications:
        assessment.screen(officer, application, eligible=True)
    return round_, officer, applications


def test_two_awards_of_one_application_at_once_make_one_grant_on_postgresql():
    _, officer, (application,) = _screened(1)
    refusals = _race(officer, [application, application], 100_000)
    assert len(refusals) == 1 and "being assessed" in " ".join(refusals[0].messages)
    assert Grant.objects.count() == Decision.objects.count() == 1


def test_two_awards_at_once_stay_within_the_budget_on_postgresql():
    round_, officer, applications = _screened(2)
    Round.objects.filter(pk=round_.pk).update(budget_pence=500_000)  # room for one £4,000 award
    refusals = _race(officer, applications, 400_000)
    assert len(refusals) == 1 and refusals[0].message_dict == {
        "amount": ["The round has £1,000 left to award."]
    }
    assert Grant.objects.count() == 1 and sum(g.amount_pence for g in Grant.objects.all()) == 400_000
