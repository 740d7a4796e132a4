"""``/health/``: is this instance able to serve, and is its task queue moving?

Answered by a middleware placed first, before host checks, HTTPS redirects, sessions, two factors
and the audit trail: a load balancer or monitor asks with whatever Host header it has, never signs
in, and must not be redirected. The answer names no one and is never cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks import task_backends

PATH = "/health/"


def tasks_kept_in_database() -> bool:
    """Whether the default task backend is django-tasks-db's, whose table we can look at."""
    return type(task_backends["default"]).__module__.split(".")[0] == "django_tasks_db"


def check_database() -> str:
    """``ok`` if the default database answers a trivial query."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means down; the reason is not for the public
        return "down"
    return "ok"


def check_tasks() -> tuple[str, int | None]:
    """The task backend's state and, for the database backend, how long (in whole seconds) the
    oldest task that is ready to run has waited.

    ``ok``; ``down`` when the backend cannot be loaded or its table does not answer; ``stalled``
    when a ready task has waited longer than ``HEALTH_TASK_MAX_WAIT`` seconds (0 turns that off),
    which means no worker is taking tasks.
    """
    try:
        in_database = tasks_kept_in_database()
    except Exception:  # noqa: BLE001
        return "down", None
    if not in_database:
        return "ok", None  # nothing of ours to look at: the backend loaded, which is all we can say
    from django_tasks_db.models import DBTaskResult, get_date_max

    try:
        with transaction.atomic():
            waiting_since = (
                DBTaskResult.objects.ready()
                .annotate(
                    since=Case(
                        When(run_after=get_date_max(), then=F("enqueued_at")),
                        default=Greatest("enqueued_at", "run_after"),
                    )
                )
                .order_by("since")
                .values_list("since", flat=True)
                .first()
            )
    except Exception:  # noqa: BLE001
        return "down", None
    waited = 0 if waiting_since is None else max(0, int((timezone.now() - waiting_since).total_seconds()))
    limit = settings.HEALTH_TASK_MAX_WAIT
    return ("stalled" if limit and waited > limit else "ok"), waited


def health(request: HttpRequest) -> JsonResponse:
    """200 with every check ``ok``; 503 naming what is not."""
    started = time.monotonic()
    tasks, waited = check_tasks()
    report: dict[str, str | int] = {"database": check_database(), "tasks": tasks}
    if waited is not None:
        report["oldest_ready_task_seconds"] = waited
    healthy = report["database"] == "ok" and report["tasks"] == "ok"
    report["milliseconds"] = round((time.monotonic() - started) * 1000)
    response = JsonResponse(report, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers GET and HEAD on ``/health/`` before any other middleware sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)
