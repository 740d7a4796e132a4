"""Reads about accounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device

from .models import AuditEvent, TeamMembership, User
from .permissions import may_close_own_account
from .privacy import account_sections
from .services import record_audit_event


def account_summary(user: User) -> dict:
    """What a person sees about their own account."""
    return {
        "account_user": user,
        "memberships": list(TeamMembership.objects.filter(user=user).select_related("team__organisation")),
        "has_two_factor": user_has_device(user),
        "may_close": may_close_own_account(user),
    }


def my_data(request: HttpRequest, *, download: bool = False) -> dict[str, Any]:
    """What Closeknit holds about the signed-in person's own account (their sign-in, timebanks,
    volunteering, loans…): the same sections a subject access export has, for them alone. There is
    no id to choose: it is always the requester's own. Audited as a view, or as an export when
    downloaded."""
    user = request.user
    assert isinstance(user, User)
    action = AuditEvent.Action.EXPORT if download else AuditEvent.Action.VIEW
    record_audit_event(user, action, user, request=request, note="their own data")
    return {
        "about_this_export": f"What Closeknit holds about the account of {user.email}, "
        f"as of {timezone.localtime():%d %B %Y %H:%M}.",
        "sections": account_sections(user),
    }
