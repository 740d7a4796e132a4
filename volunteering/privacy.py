"""What volunteering holds about someone (their sign-ups), for a subject access export, and its
erasure. Connected to ``accounts.privacy``'s signals in ``VolunteeringConfig.ready``.

A sign-up is theirs when it is linked to their sign-in, or when it was made without a sign-in
under their sign-in's own email address. Never by a phone number or an address typed on a record:
anyone could type a stranger's there, and reach the stranger's rows."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower, Trim

from accounts.privacy import ERASED_NAME, section

from .models import SignUp


def _sign_ups(user, contacts):
    matching = Q(user=user) if user is not None else Q(pk__in=[])
    if contacts:
        matching |= Q(user__isnull=True, email_key__in=contacts)
    return SignUp.objects.annotate(email_key=Lower(Trim("email"))).filter(matching)


def what_we_hold(sender, user, contacts, **kwargs) -> list[dict]:
    return [
        section(
            "volunteering_sign_ups",
            "Volunteering sign-ups",
            [
                {
                    "opportunity": s.shift.opportunity.title,
                    "shift_starts_at": s.shift.starts_at.isoformat(),
                    "event": s.event.title if s.event_id else "",
                    "name": s.name,
                    "email": s.email,
                    "phone": s.phone,
                    "status": s.get_status_display(),
                    "hours": str(s.hours) if s.hours is not None else None,
                    "signed_up_at": s.created_at.isoformat(),
                }
                for s in _sign_ups(user, contacts).select_related("shift__opportunity", "event")
            ],
        )
    ]


def forget_volunteer(sender, user, contacts, **kwargs) -> None:
    """Names and contact details go; the sign-ups stay, as counts of places taken and hours given."""
    SignUp.objects.filter(pk__in=_sign_ups(user, contacts).values("pk")).update(
        name=ERASED_NAME, email="", phone=""
    )
