"""Business actions on accounts, and the one way to write to the audit log."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeknit.network import client_address

from . import audit
from .models import AuditEvent, User


def _audit_event(actor, action, target, request, note) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    request = request or audit.current_request()  # a service called by a page need not pass it
    audit.named(target)  # this request's trail then writes no separate VIEW of the record
    return AuditEvent(
        actor=actor,
        actor_label=actor.email if actor else "anonymous",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        note=note[:500],
        ip_address=client_address(request) if request else None,
        path=request.path[:500] if request else "",
    )


def record_audit_event(
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    *,
    request: HttpRequest | None = None,
    note: str = "",
) -> AuditEvent:
    """Write who did what to which record. Call it for every read or change of personal data.

    ``note`` must not hold personal data: name the record by ``target``.
    """
    event = _audit_event(actor, action, target, request, note)
    event.save()
    return event


def record_audit_events(
    actor: User | None,
    action: str,
    targets: list[models.Model],
    *,
    request: HttpRequest | None = None,
    note: str = "",
) -> None:
    """One audit event per record in ``targets`` (a page of a list, say), written in one insert."""
    AuditEvent.objects.bulk_create(_audit_event(actor, action, target, request, note) for target in targets)


class TwoFactorError(ValueError):
    """A two-factor code that did not verify, with a message for the person."""


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator device being set up for ``user``, made if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_device(request: HttpRequest, device: TOTPDevice, token: str) -> None:
    """Confirm an authenticator app by its first code, and mark this session verified."""
    if not device.verify_token(_clean_token(token)):
        raise TwoFactorError(
            "The code is not right or has expired. Enter the 6-digit code your app shows now."
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    record_audit_event(device.user, AuditEvent.Action.TWO_FACTOR_SET_UP, device.user, request=request)


def verify_two_factor(request: HttpRequest, token: str) -> None:
    """Check a code from any of the signed-in user's confirmed devices and mark the session."""
    device = match_token(request.user, _clean_token(token))
    if device is None:
        raise TwoFactorError(
            "The code is not right or has expired. Enter the 6-digit code your app shows now."
        )
    otp_login(request, device)
    record_audit_event(request.user, AuditEvent.Action.TWO_FACTOR_VERIFIED, request=request)


def _clean_token(token: str) -> str:
    return "".join((token or "").split())
