"""Reads about accounts."""

from __future__ import annotations

from django_otp import user_has_device

from .models import TeamMembership, User


def account_summary(user: User) -> dict:
    """What a person sees about their own account."""
    return {
        "account_user": user,
        "memberships": list(TeamMembership.objects.filter(user=user).select_related("team__organisation")),
        "has_two_factor": user_has_device(user),
    }
