"""Business actions on accounts, and the one way to write to the audit log."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, update_session_auth_hash
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import NotPermitted, Refusal
from common.network import client_address

from . import audit
from .models import AuditEvent, User, normalise_email
from .permissions import may_reset_two_factor, may_set_up_first_device


def _audit_event(
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None,
    request: HttpRequest | None,
    note: str,
) -> AuditEvent:
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
        path=path_without_secrets(request) if request else "",
    )


# The names URL patterns give a secret in the address: a referral form's, a calendar feed's, a
# survey invitation's, an email confirmation's or a password reset's link.
SECRETS_IN_PATHS = ("token", "uidb64")


def path_without_secrets(request: HttpRequest) -> str:
    """The page's address for the audit log, each secret in it replaced by "…": the log keeps which
    page, never a link that would open it."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRETS_IN_PATHS:
        value = match.kwargs.get(name) if match else None
        if value:
            path = path.replace(f"/{value}", "/…")
    return path[:500]


def record_audit_event(
    actor: User | AnonymousUser | None,
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
    actor: User | AnonymousUser | None,
    action: str,
    targets: list[models.Model],
    *,
    request: HttpRequest | None = None,
    note: str = "",
) -> None:
    """One audit event per record in ``targets`` (a page of a list, say), written in one insert."""
    AuditEvent.objects.bulk_create(_audit_event(actor, action, target, request, note) for target in targets)


class TwoFactorError(Refusal):
    """A two-factor code that did not verify, with a message for the person, about the code's
    field (``token``) unless another is named."""

    def __init__(self, message: str, field: str | None = "token") -> None:
        super().__init__(message, field=field)


WRONG_CODE = "The code is not right or has expired. Enter the 6-digit code your app shows now."


PENDING_DEVICE_SESSION_KEY = "closeknit_pending_totp_device_id"


def pending_totp_device(request: HttpRequest) -> TOTPDevice:
    """The unconfirmed authenticator device this session is setting up, made (with a fresh key) if
    this session has none, or its device is gone or confirmed.

    The device's id lives in this session only: another session of the same account (someone
    holding the password, say) gets its own device and never sees this one's secret. Callers
    decide first whether this session may see a new secret at all (``may_set_up_first_device``,
    or a verified session on the replace page).
    """
    device_id = request.session.get(PENDING_DEVICE_SESSION_KEY)
    device = None
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def _is_this_sessions_pending_device(request: HttpRequest, device: TOTPDevice) -> bool:
    return (
        device.user_id == request.user.pk
        and not device.confirmed
        and request.session.get(PENDING_DEVICE_SESSION_KEY) == device.pk
    )


@transaction.atomic
def confirm_totp_device(request: HttpRequest, device: TOTPDevice, token: str) -> None:
    """Confirm someone's first authenticator app by its first code, and mark this session verified.

    Refused once the person has a confirmed device: a password alone never replaces it.
    """
    user = User.objects.select_for_update().get(pk=device.user_id)
    if not _is_this_sessions_pending_device(request, device):
        raise TwoFactorError("Start again: this set-up has ended.")
    if not may_set_up_first_device(user):
        raise TwoFactorError(
            "Two-factor sign-in is already set up for this account. Enter a code from your app instead."
        )
    if not device.verify_token(_clean_token(token)):
        raise TwoFactorError(WRONG_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Other sessions' pending devices go: their secrets can never become a second factor.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
    otp_login(request, device)
    record_audit_event(user, AuditEvent.Action.TWO_FACTOR_SET_UP, user, request=request)
    _tell_about_two_factor_change(user, "two_factor_set_up")


def replace_totp_device(request: HttpRequest, device: TOTPDevice, password: str, token: str) -> None:
    """Swap the signed-in person's authenticator app for the new one ``device`` holds.

    Needs a session already verified with a second factor, the person's password again (checked
    through the same lockout as signing in) and a code from the new app. The old devices go, the
    change is audited and the person is emailed.
    """
    user = request.user
    # django-otp's OTPMiddleware gives request.user is_verified(); the stubs' User has no such method.
    if not user.is_authenticated or not user.is_verified():  # type: ignore[attr-defined]
        raise NotPermitted("Enter a code from your current authenticator app first.")
    if not _is_this_sessions_pending_device(request, device):
        raise TwoFactorError("Start again: this set-up has ended.")
    # authenticate() rather than check_password(): a wrong password here counts towards lockout
    # too. It runs outside the transaction below, so the refusal does not roll back the count.
    check_password_again(request, password)
    if not device.verify_token(_clean_token(token)):
        raise TwoFactorError(WRONG_CODE)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # other sessions' too
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
        otp_login(request, device)  # the session stays verified, now by the new device
        record_audit_event(user, AuditEvent.Action.TWO_FACTOR_REPLACED, user, request=request)
        _tell_about_two_factor_change(user, "two_factor_replaced")


@transaction.atomic
def reset_two_factor(request: HttpRequest, person: User) -> None:
    """An administrator removes every second factor of ``person`` (their lost phone, say).

    They set up a new authenticator at their next sign-in. Every session of theirs ends, so
    nobody half signed in with the password alone can set up their own app in the gap. Audited,
    and the person is emailed.
    """
    actor = request.user
    if not may_reset_two_factor(actor, person):
        if actor.is_authenticated and actor.pk == person.pk:
            raise NotPermitted("Nobody can reset their own two-factor sign-in: ask another administrator.")
        raise NotPermitted("Only a verified administrator can reset someone's two-factor sign-in.")
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    end_sessions_of(person)
    record_audit_event(actor, AuditEvent.Action.TWO_FACTOR_RESET, person, request=request)
    _tell_about_two_factor_change(person, "two_factor_reset")


def end_sessions_of(user: User, *, keep: str | None = None) -> None:
    """Sign ``user`` out everywhere: delete every stored session that belongs to them, except the
    one whose key is ``keep`` (the person's own, when they change their password).

    Sessions are stored in the database and only their decoded data names the account, so each
    is read; run it inside the caller's transaction.
    """
    from django.contrib.sessions.models import Session

    for session in Session.objects.exclude(session_key=keep or "").iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            session.delete()


WRONG_PASSWORD = "The password is not right. Enter the password you sign in with."  # noqa: S105 - a message, not a password


def check_password_again(request: HttpRequest, password: str, field: str = "password") -> None:
    """Refuse unless ``password`` is the signed-in person's. Checked through authenticate(), so a
    wrong password counts towards lockout as a wrong one on the sign-in page does (and a locked
    account is refused even with the right one). Call it outside the change's transaction, so a
    refusal does not roll the count back."""
    user = request.user
    if (
        not user.is_authenticated
        or authenticate(request, username=user.email, password=password or "") is None
    ):
        raise Refusal(WRONG_PASSWORD, field=field)


def change_password(request: HttpRequest, current_password: str, new_password: str) -> None:
    """The signed-in person changes their password, giving the current one again. Every other
    session of theirs ends (this one stays signed in, and verified if it was); audited; emailed."""
    check_password_again(request, current_password, field="current_password")
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        end_sessions_of(user, keep=request.session.session_key)
        update_session_auth_hash(request, user)  # keeps this session (a new key), and its second factor
        record_audit_event(user, AuditEvent.Action.PASSWORD_CHANGED, user, request=request)
        _tell_about_password_change(user, "password_changed")


@transaction.atomic
def finish_password_reset(request: HttpRequest, user: User, token: str, new_password: str) -> None:
    """Set a new password for someone who followed the link emailed to them.

    The link is checked again with the account locked, so two uses of one link at once cannot both
    succeed (the new password changes what the link was made from). Every session of the person
    ends; nobody is signed in by it, so staff still give their second factor when they next sign in.
    Following the link proves the address is theirs, so an account that never confirmed its
    address is confirmed. Lockout counts for the address are cleared; audited; emailed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token):
        raise Refusal("This link has been used already or has expired. Ask for a new one.")
    user.set_password(new_password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    end_sessions_of(user)
    axes_reset(username=normalise_email(user.email))
    record_audit_event(user, AuditEvent.Action.PASSWORD_RESET, user, request=request)
    _tell_about_password_change(user, "password_reset")


_PASSWORD_SUBJECTS = {
    "password_changed": "Your password was changed",
    "password_reset": "Your password was reset",
}


def _tell_about_password_change(user: User, change: str) -> None:
    """Email the person once the change is committed: a rolled-back change sends nothing."""
    context = {"user": user, "change": change, "service_name": settings.CLOSEKNIT_SITE_NAME}
    subject = f"{_PASSWORD_SUBJECTS[change]} on {settings.CLOSEKNIT_SITE_NAME}"
    body = render_to_string("accounts/email/password_changed.txt", context)
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


_CHANGE_SUBJECTS = {
    "two_factor_set_up": "Two-factor sign-in was set up on your account",
    "two_factor_replaced": "Your two-factor sign-in was changed",
    "two_factor_reset": "Your two-factor sign-in was reset by an administrator",
}


def _tell_about_two_factor_change(user: User, change: str) -> None:
    """Email the person once the change is committed: a rolled-back change sends nothing."""
    context = {"user": user, "change": change, "service_name": settings.CLOSEKNIT_SITE_NAME}
    subject = _CHANGE_SUBJECTS[change]
    body = render_to_string("accounts/email/two_factor_changed.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))


def verify_two_factor(request: HttpRequest, token: str) -> None:
    """Check a code from any of the signed-in user's confirmed devices and mark the session."""
    device = match_token(request.user, _clean_token(token))
    if device is None:
        raise TwoFactorError(WRONG_CODE)
    otp_login(request, device)
    record_audit_event(request.user, AuditEvent.Action.TWO_FACTOR_VERIFIED, request=request)


def _clean_token(token: str) -> str:
    return "".join((token or "").split())
