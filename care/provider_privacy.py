"""What care holds on a sign-in from micro-providers (the contact requests it sent), for subject
access, and its erasure. (Workers and enquirers are named by the micro-enterprise team, not
through a sign-in: they are on the team's records, not found here.)"""

from __future__ import annotations

from typing import Any

from .models import ContactRequest


def what_we_hold_on_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> list[dict[str, Any]]:
    from accounts.privacy import section  # here: accounts.privacy imports every app's models

    if user is None:
        return []
    requests = ContactRequest.objects.filter(sent_by=user).select_related("micro_provider__provider")
    if not requests:
        return []
    return [
        section(
            "care_contact_requests",
            "Care and support: requests you sent to providers to contact someone",
            [
                {
                    "provider": r.micro_provider.provider.name,
                    "name": r.name,
                    "contact": r.contact,
                    "message": r.message,
                    "sent": r.created_at.isoformat(),
                }
                for r in requests
            ],
        )
    ]


def forget_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    """The contact requests the sign-in sent go: the provider has had its email."""
    if user is None:
        return
    ContactRequest.objects.filter(sent_by=user).delete()
