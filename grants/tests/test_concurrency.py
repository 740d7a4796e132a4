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
