"""Who may do what: the predicates every app's own ``permissions.py`` is built from.

Each app answers its questions in one module of predicates named ``may_<verb>_<thing>(user, obj)``
returning a bool, used alike by its views, services, serializers and (through the context a view
gives) templates. A predicate never raises, never queries more than it must, and is false for an
anonymous or inactive user. A service that refuses raises :class:`common.errors.NotPermitted`.

The administrator check is written here once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django_otp import user_has_device

from .models import Organisation, Role, User

# Who is asking: request.user, signed in or not. (``Any`` is accepted too, for callers that pass a
# user the type checker cannot see, such as a serializer's context.)
Requester = User | AnonymousUser


def is_signed_in(user: Any) -> bool:
    """An active person who has signed in (anonymous users and closed accounts are not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user: Any) -> bool:
    """An administrator of Closeknit: the administrator role, or a superuser."""
    return is_signed_in(user) and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def is_staff_member(user: Any) -> bool:
    """Anyone signed in who works with Closeknit rather than being a resident."""
    return is_signed_in(user) and (user.is_superuser or user.role != Role.RESIDENT)


def has_role(user: Any, *roles: str) -> bool:
    """Signed in with one of ``roles`` (an administrator is not thereby every role: ask for it)."""
    return is_signed_in(user) and user.role in roles


def may_act_for_organisation(user: Any, organisation: Organisation | None) -> bool:
    """An administrator, or an editor of ``organisation``: who runs its shifts, lending, listings."""
    if organisation is None or not is_signed_in(user):
        return False
    if is_administrator(user):
        return True
    return bool(user.role == Role.ORGANISATION_EDITOR and user.organisation_id == organisation.pk)


def may_set_up_first_device(user: User) -> bool:
    """Whether ``user`` may set up two factors with only a password: only while they have none.

    Anyone with a confirmed device proves it before changing anything (see
    ``replace_totp_device``); a lost device is reset by an administrator (``reset_two_factor``).
    """
    return not user_has_device(user, confirmed=True)


def may_reset_two_factor(actor: User | AnonymousUser, person: User) -> bool:
    """Whether ``actor`` may reset ``person``'s two factors: a verified administrator, never their own.

    A superuser may reset anyone's; an administrator, people in their own organisation.
    """
    if not actor.is_authenticated or not actor.is_active or actor.pk == person.pk:
        return False
    if not (hasattr(actor, "is_verified") and actor.is_verified()):
        return False
    if actor.is_superuser:
        return True
    return (
        actor.role == Role.ADMINISTRATOR
        and actor.organisation_id is not None
        and actor.organisation_id == person.organisation_id
        and not person.is_superuser
    )


def may_close_own_account(user: Any) -> bool:
    """Whether ``user`` may close their own account from My data: residents only. Staff accounts
    belong to their organisation's work, so their administrator closes them."""
    return is_signed_in(user) and user.role == Role.RESIDENT and not user.is_superuser and not user.is_staff
