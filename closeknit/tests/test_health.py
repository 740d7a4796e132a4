"""/health/ tells a monitor whether the database and the task queue work, and nothing else."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from directory.reminders import send_review_reminders_task


@pytest.mark.django_db
def test_a_healthy_site_answers_200_with_each_check_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    report = response.json()
    assert report["database"] == "ok" and report["tasks"] == "ok"
    assert report["oldest_ready_task_seconds"] == 0
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_health_answers_any_host_never_redirects_and_needs_no_second_factor(client, make_user, settings):
    # A load balancer asks by address, over plain HTTP, in production; a signed-in member of staff
    # who has not given a second factor is not sent to the two-factor page either.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["closeknit.example"]
    client.force_login(make_user(Role.COORDINATOR))
    response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_a_task_queue_whose_table_is_gone_is_reported_down_with_503(client):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(DBTaskResult._meta.db_table)}")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["tasks"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_a_task_waiting_longer_than_the_limit_is_reported_stalled(client, settings):
    settings.HEALTH_TASK_MAX_WAIT = 600
    result = send_review_reminders_task.enqueue(timezone.localdate().isoformat(), "")
    assert client.get("/health/").status_code == 200
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=20))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["tasks"] == "stalled"
    assert 1190 <= response.json()["oldest_ready_task_seconds"] <= 1300


@pytest.mark.django_db
def test_a_task_due_later_does_not_count_as_waiting(client, settings):
    settings.HEALTH_TASK_MAX_WAIT = 600
    send_review_reminders_task.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("2026-01-01", "")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(days=2))
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["oldest_ready_task_seconds"] == 0


def test_a_database_that_cannot_be_reached_is_reported_down_with_503(tmp_path):
    # A real site whose PostgreSQL server is not there: nothing listens on port 9 of this machine.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/health/')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "closeknit.settings",
        "DATABASE_URL": "postgres://closeknit@127.0.0.1:9/closeknit",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    report = json.loads(body)
    assert report["database"] == "down" and report["tasks"] == "down"
