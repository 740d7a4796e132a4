"""Tidying that keeps no secret longer than it is needed, run by the schedule (run_schedule)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

logger = logging.getLogger(__name__)

# A set-up not finished within a day is abandoned: the person starts again and gets a new key.
PENDING_SET_UP_KEPT_FOR = timedelta(days=1)


def forget_abandoned_two_factor_set_ups(now: datetime) -> int:
    """Delete authenticator set-ups never confirmed and begun more than a day before ``now``.

    Each holds a secret key that was shown on a page once; unconfirmed, it can never be a second
    factor (sign-in and replacement only accept confirmed devices, or this session's own pending
    one), so keeping it only keeps a secret. Returns how many went."""
    started = time.monotonic()
    gone, _ = TOTPDevice.objects.filter(
        confirmed=False, created_at__lt=now - PENDING_SET_UP_KEPT_FOR
    ).delete()
    logger.info("Forgot %d abandoned two-factor set-ups in %.2f s", gone, time.monotonic() - started)
    return gone


@task()
def forget_abandoned_two_factor_set_ups_task(now_iso: str) -> int:
    """Background task: the abandoned set-ups as of ``now_iso``."""
    return forget_abandoned_two_factor_set_ups(datetime.fromisoformat(now_iso))
