"""Tidying that keeps no secret longer than it is needed, run by the schedule (run_schedule)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from .models import User
from .privacy import erase_account

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


# A sign-up whose address is never confirmed is forgotten after a week: its links (3 days) are
# long dead, and it holds a name and an address that may not even be the signer's.
UNCONFIRMED_SIGN_UP_KEPT_FOR = timedelta(days=7)


def forget_unconfirmed_sign_ups(now: datetime) -> int:
    """Erase accounts signed up more than a week before ``now`` whose address was never confirmed,
    as any erasure does (``accounts.privacy.erase_account``). Returns how many went."""
    started = time.monotonic()
    unconfirmed = User.objects.filter(
        email_verified=False, is_active=True, date_joined__lt=now - UNCONFIRMED_SIGN_UP_KEPT_FOR
    )
    gone = 0
    for user in unconfirmed.iterator():
        erase_account(user)
        gone += 1
    logger.info("Forgot %d unconfirmed sign-ups in %.2f s", gone, time.monotonic() - started)
    return gone


@task()
def forget_unconfirmed_sign_ups_task(now_iso: str) -> int:
    """Background task: the unconfirmed sign-ups as of ``now_iso``."""
    return forget_unconfirmed_sign_ups(datetime.fromisoformat(now_iso))


@task()
def forget_abandoned_two_factor_set_ups_task(now_iso: str) -> int:
    """Background task: the abandoned set-ups as of ``now_iso``."""
    return forget_abandoned_two_factor_set_ups(datetime.fromisoformat(now_iso))
