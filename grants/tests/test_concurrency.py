"""Two submits of one application at once, on PostgreSQL (where writers really run at once): one
submission, one receipt email, and the other told it was sent already."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from grants import services
from grants.models import Application
from grants.tests.factories import complete_answers, make_round, start_group_application

SUBMITTERS = 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_submits_at_once_make_one_submission_and_one_receipt_on_postgresql():
    round_, _ = make_round()
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    start = threading.Barrier(SUBMITTERS)
    refusals, failures = [], []

    def submit():
        try:
            start.wait()
            try:
                services.submit_application(application.applicant, Application.objects.get(pk=application.pk))
            except ValidationError as error:
                refusals.append(error)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(refusals) == 1 and "sent already" in " ".join(refusals[0].messages)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_tranches_at_once_cannot_together_pass_the_grant_on_postgresql():
    from grants import award_services
    from grants.models import Grant
    from grants.tests.award_factories import due, make_grant, second_officer

    grant, first = make_grant(amount_pence=100_000)
    second = second_officer(grant.application.round.fund)
    start = threading.Barrier(SUBMITTERS)
    refusals, failures = [], []

    def set_up(officer):
        try:
            start.wait()
            try:
                award_services.set_up_payment(
                    officer, Grant.objects.get(pk=grant.pk), amount_pence=60_000, due_on=due(7)
                )
            except ValidationError as error:
                refusals.append(error)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=set_up, args=(officer,)) for officer in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(refusals) == 1 and "may not pass the grant" in " ".join(refusals[0].messages)
    assert list(grant.payments.values_list("amount_pence", flat=True)) == [60_000]
