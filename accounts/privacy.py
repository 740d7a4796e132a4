"""Subject access and erasure for a sign-in, and the hooks apps above fill in.

``accounts`` sits below every app, so it cannot look into timebanks, volunteering or lending.
Those apps connect to the two signals here (in their ``AppConfig.ready``): a subject access export
asks each of them for the sections it holds about a sign-in, and an erasure asks each to scrub
what it holds, before the sign-in itself loses its name and email.

A section is plain data, the same shape everywhere, so one structure feeds the JSON, the page
and the PDF of an export: ``{"key", "title", "records": [{field: value}]}``. A value is text, a
number, ``None``, a list of those, a list of records (steps, say) or a mapping (answers)."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import HttpRequest
from django.template.loader import render_to_string
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import NotPermitted

from .models import AuditEvent, User
from .permissions import may_close_own_account
from .services import check_password_again, end_sessions_of, record_audit_event

logger = logging.getLogger(__name__)

# Sent for a subject access export with ``user`` (a sign-in, or None) and ``contacts`` (the
# sign-in's own email address, lower-cased, for rows made without a sign-in under it; never a
# contact typed on a record, which could be anyone's): return a list of ``section``s.
account_data_requested = Signal()

# Sent inside the erasure's transaction with ``user`` (or None) and ``contacts``, before the
# sign-in loses its name and email: remove or pseudonymise the personal data you hold.
account_erased = Signal()

ERASED_NAME = "Erased person"


def section(key: str, title: str, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One part of a subject access export: a title a person reads and its records."""
    return {"key": key, "title": title, "records": list(records)}


def _contacts_of(user: User) -> frozenset[str]:
    """The sign-in's own address, lower-cased and trimmed: rows made without a sign-in under it
    (a waiting list entry, say) are the account holder's too."""
    return frozenset({user.email.strip().lower()})


def account_sections(user: User | None) -> list[dict[str, Any]]:
    """What is held on a sign-in (its own details, then every app's sections), for an export."""
    if user is None:
        return []
    sections: list[dict[str, Any]] = [
        section(
            "sign_in",
            "Their sign-in",
            [
                {
                    "name": user.full_name,
                    "email": user.email,
                    "role": user.get_role_display(),
                    "home_postcode": user.home_postcode_id or "",
                    "joined": user.date_joined.isoformat(),
                    "last_signed_in": user.last_login.isoformat() if user.last_login else None,
                    "active": "Yes" if user.is_active else "No",
                }
            ],
        ),
        section(
            "what_their_sign_in_did",
            "What their sign-in did (from the audit log)",
            [
                {
                    "when": e.occurred_at.isoformat(),
                    "what": e.get_action_display(),
                    "about": f"{e.target_type.name} {e.target_id}" if e.target_type else e.target_id,
                    "note": e.note,
                    "page": e.path,
                }
                for e in AuditEvent.objects.filter(actor=user)
                .select_related("target_type")
                .order_by("occurred_at", "pk")
            ],
        ),
    ]
    for _receiver, answer in account_data_requested.send(sender=User, user=user, contacts=_contacts_of(user)):
        sections.extend(answer or [])  # type: ignore[arg-type]  # each receiver answers a list of sections
    return sections


@transaction.atomic
def erase_account(user: User | None) -> None:
    """Erase what is held on a sign-in: every app scrubs its rows first (they may match on the
    email), then the sign-in keeps only a pseudonym, an address at ``.invalid`` and no way in. The
    audit log keeps what the account did, under the pseudonym; lockout records of it go."""
    if user is None:
        return
    started = time.monotonic()
    contacts = _contacts_of(user)
    account_erased.send(sender=User, user=user, contacts=contacts)
    names = set(contacts)
    pseudonym = f"erased-{secrets.token_hex(8)}@invalid"
    AuditEvent.objects.filter(Q(actor=user) | Q(actor_label__iexact=user.email)).update(
        actor_label=pseudonym, ip_address=None
    )
    # The back office's own history names an account it changed by its name at the time.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=ERASED_NAME, change_message="")
    _forget_sign_in_attempts(names)

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.full_name = ERASED_NAME
    user.email = pseudonym
    user.home_postcode = None
    user.is_active = False
    user.set_unusable_password()
    user.save()

    # Sessions hold only the account's id, but signing it out everywhere is part of "no way in".
    end_sessions_of(user)
    logger.info("Erased sign-in %s in %.1f s", user.pk, time.monotonic() - started)


def _forget_sign_in_attempts(names: set[str]) -> None:
    """django-axes keeps the username typed at each sign-in (in whatever case it was typed) and
    the form's data: rows naming any of ``names`` go."""

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        matching = Q()
        for name in names:
            matching |= Q(username__iexact=name)
            if model is AccessAttempt:
                matching |= Q(post_data__icontains=name) | Q(get_data__icontains=name)
        if matching:
            model.objects.filter(matching).delete()


STAFF_CLOSE_THROUGH_ADMINISTRATOR = (
    "Staff accounts are closed by your organisation's administrator, so that the work you did is "
    "handed on: ask them."
)


def close_own_account(request: HttpRequest, password: str) -> None:
    """A resident closes their own account, giving their password again (counted by lockout).

    The sign-in is erased as an erasure does it (``erase_account``: each app scrubs its rows; the
    timebank keeps amounts so other members' balances still add up), every session ends, and a
    goodbye is emailed to the address the account had. Staff ask their administrator instead.
    """
    user = request.user
    if not may_close_own_account(user):
        raise NotPermitted(STAFF_CLOSE_THROUGH_ADMINISTRATOR)
    assert isinstance(user, User)
    check_password_again(request, password)
    address = user.email
    context = {"user": user, "service_name": settings.CLOSEKNIT_SITE_NAME}
    body = render_to_string("accounts/email/account_closed.txt", context)
    with transaction.atomic():
        record_audit_event(
            user, AuditEvent.Action.ERASE, user, request=request, note="closed their own account"
        )
        erase_account(user)
        subject = f"Your {settings.CLOSEKNIT_SITE_NAME} account is closed"
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
