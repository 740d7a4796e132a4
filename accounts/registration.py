"""Accounts residents make themselves: signing up, confirming the email address, and asking for the
link again.

Nobody learns from these pages whether an address has an account: every sign-up and every request
for the link again is answered with the same "check your email" page, and only the owner of the
address reads what happened (a link to confirm, or a note that they already have an account and
how to sign in or reset the password). Emails go after the change commits.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from common import limits
from common.errors import Refusal, TooOften
from common.network import client_address

from .models import AuditEvent, Role, User, normalise_email
from .services import record_audit_event

logger = logging.getLogger(__name__)

# How long a link to confirm an email address works.
VERIFICATION_LINK_LASTS = timedelta(days=3)
# Per client address, in an hour: sign-ups, and requests for the link again.
SIGN_UPS_PER_ADDRESS = 10
RESENDS_PER_ADDRESS = 10
# Per email address, in an hour: how many emails these pages send to one inbox, so nobody can use
# them to flood someone's inbox.
EMAILS_PER_INBOX = 3

TOO_MANY = "Too many tries from this connection. Wait an hour, then try again."


class EmailVerificationTokens(PasswordResetTokenGenerator):
    """Signed, expiring links to confirm an email address.

    The hash covers the verified state (and, as for a password reset, the password and email), so
    a link stops working once used, once the password changes, or once the address changes. It
    lasts ``VERIFICATION_LINK_LASTS``, not the password reset's time."""

    key_salt = "closeknit.accounts.registration.EmailVerificationTokens"

    def _make_hash_value(self, user, timestamp):  # type: ignore[no-untyped-def]
        return f"{super()._make_hash_value(user, timestamp)}|verified={user.email_verified}|{user.is_active}"

    def check_token(self, user, token):  # type: ignore[no-untyped-def]
        if not (user and token) or user.email_verified:
            return False
        try:
            made_at = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - made_at > VERIFICATION_LINK_LASTS.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, made_at, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


verification_tokens = EmailVerificationTokens()


def _limited(request: HttpRequest, kind: str, per_hour: int) -> None:
    key = f"accounts:{kind}:{client_address(request) or 'unknown'}"
    if limits.used_up(key, per_hour):
        raise TooOften(TOO_MANY)
    limits.count_one(key)


def may_email(address: str) -> bool:
    """Whether these pages may send one more email to ``address`` this hour (counted if so)."""
    key = f"accounts:emails-to:{address}"
    if limits.used_up(key, EMAILS_PER_INBOX):
        return False
    limits.count_one(key)
    return True


def verification_link(request: HttpRequest, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:verify_email", args=[uid, verification_tokens.make_token(user)])
    return request.build_absolute_uri(path)


def _email_after_commit(user: User, subject: str, template: str, context: dict) -> None:
    context = {"user": user, "service_name": settings.CLOSEKNIT_SITE_NAME, **context}
    body = render_to_string(template, context)
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def _send_verification(request: HttpRequest, user: User) -> None:
    if may_email(user.email):
        _email_after_commit(
            user,
            f"Confirm your email address for {settings.CLOSEKNIT_SITE_NAME}",
            "accounts/email/verify_email.txt",
            {"link": verification_link(request, user), "days": VERIFICATION_LINK_LASTS.days},
        )


def sign_up(
    request: HttpRequest, *, full_name: str, email: str, password: str, home_postcode: object = None
) -> None:
    """Make a resident's account that cannot sign in until its email address is confirmed, and
    email the link to confirm it.

    For an address that already has a confirmed account nothing changes: its owner is told someone
    tried to sign up with it, and how to sign in or reset the password. An account never confirmed
    takes the newest sign-up's details (so whoever made it first, perhaps someone else, cannot
    keep it) and gets a new link; the old links stop working. The caller shows the same page
    whichever happened. Only a resident's account is ever made: no role or organisation is taken.
    """
    _limited(request, "sign-ups", SIGN_UPS_PER_ADDRESS)
    address = normalise_email(email)
    try:
        with transaction.atomic():
            existing = User.objects.select_for_update().filter(email=address).first()
            if existing is not None and existing.email_verified:
                User().set_password(password)  # as slow as a real sign-up: the time tells nothing
                if may_email(address):
                    _email_after_commit(
                        existing,
                        f"Someone tried to make a {settings.CLOSEKNIT_SITE_NAME} account with your email",
                        "accounts/email/already_signed_up.txt",
                        {
                            "sign_in": request.build_absolute_uri(reverse("accounts:sign_in")),
                            "reset": request.build_absolute_uri(reverse("accounts:password_reset")),
                        },
                    )
                logger.info("Sign-up for an address that has an account (user %s)", existing.pk)
                return
            user = existing or User(email=address, role=Role.RESIDENT, email_verified=False)
            user.full_name = full_name
            user.date_joined = timezone.now()  # a week from the latest sign-up, unconfirmed, it goes
            user.home_postcode = home_postcode  # type: ignore[assignment]
            user.set_password(password)
            user.save()
            # Named as its own actor, so closing or erasing the account also clears the address
            # this event came from.
            record_audit_event(user, AuditEvent.Action.SIGNED_UP, user, request=request)
            _send_verification(request, user)
    except IntegrityError:
        # The same address signed up twice at once: the other one made the account.
        logger.info("Sign-up raced another for the same address")


def resend_verification(request: HttpRequest, *, email: str) -> None:
    """Email a new link to confirm ``email``, if it names an account not yet confirmed. Says
    nothing either way (the caller shows the same page)."""
    _limited(request, "resends", RESENDS_PER_ADDRESS)
    user = User.objects.filter(email=normalise_email(email), email_verified=False, is_active=True).first()
    if user is not None:
        with transaction.atomic():
            _send_verification(request, user)


def user_for_link(uidb64: str) -> User | None:
    """The account a link names, or None for a link that names none."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    if pk > 2**63 - 1 or pk < 1:
        return None
    return User.objects.filter(pk=pk).first()


LINK_NOT_WORKING = (
    "This link does not work. It may have been used already, or it is more than "
    f"{VERIFICATION_LINK_LASTS.days} days old. Sign in, or ask for a new link."
)


@transaction.atomic
def verify_email(request: HttpRequest, uidb64: str, token: str) -> User:
    """Confirm the email address a link was sent to: the account may sign in from now on. The
    link works once."""
    found = user_for_link(uidb64)
    user = User.objects.select_for_update().filter(pk=found.pk).first() if found else None
    if user is None or not verification_tokens.check_token(user, token):
        raise Refusal(LINK_NOT_WORKING)
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    record_audit_event(user, AuditEvent.Action.EMAIL_VERIFIED, user, request=request)
    return user
