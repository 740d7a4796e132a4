"""What the directory holds about someone (problem reports they made under their sign-in's email
address), for a subject access export, and its erasure. Connected to ``accounts.privacy``'s
signals in ``DirectoryConfig.ready``."""

from __future__ import annotations

from django.db.models.functions import Lower, Trim

from accounts.privacy import section

from .models import ListingProblem


def _reports(contacts):
    return ListingProblem.objects.annotate(email_key=Lower(Trim("reporter_email"))).filter(
        email_key__in=contacts
    )


def what_we_hold(sender, user, contacts, **kwargs) -> list[dict]:
    return [
        section(
            "listing_problems",
            "Problems they reported with a listing",
            [
                {
                    "listing": p.service.name,
                    "problem": p.get_kind_display(),
                    "details": p.details,
                    "email_to_reply_to": p.reporter_email,
                    "reported_at": p.created_at.isoformat(),
                    "resolved_at": p.resolved_at.isoformat() if p.resolved_at else None,
                }
                for p in _reports(contacts).select_related("service")
            ],
        )
    ]


def forget_reporter(sender, user, contacts, **kwargs) -> None:
    """The address and what they wrote go; the report stays, so the listing's owner knows a
    problem was raised and what kind."""
    ListingProblem.objects.filter(pk__in=_reports(contacts).values("pk")).update(
        reporter_email="", details=""
    )
