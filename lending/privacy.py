"""What lending holds about someone (loans and reservations, their errands, waiting list
entries), for a subject access export, and its erasure. Connected to ``accounts.privacy``'s
signals in ``LendingConfig.ready``.

Reservations are theirs when linked to their sign-in, or made without a sign-in under their
sign-in's own email address; waiting list entries have no sign-in, so they are matched by that
address. Never by a contact typed on a record: anyone could type a stranger's there."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower, Trim

from accounts.privacy import ERASED_NAME, section

from .models import Errand, Reservation, WaitingListEntry


def _reservations(user, contacts):
    matching = Q(borrower=user) if user is not None else Q(pk__in=[])
    if contacts:
        matching |= Q(borrower__isnull=True, contact_key__in=contacts)
    return Reservation.objects.annotate(contact_key=Lower(Trim("borrower_contact"))).filter(matching)


def _waits(contacts):
    return WaitingListEntry.objects.annotate(contact_key=Lower(Trim("contact"))).filter(
        contact_key__in=contacts
    )


def what_we_hold(sender, user, contacts, **kwargs) -> list[dict]:
    reservations = list(_reservations(user, contacts).select_related("item").prefetch_related("errands"))
    return [
        section(
            "loans",
            "Loans and reservations",
            [
                {
                    "item": r.item.name,
                    "from": r.starts_on.isoformat(),
                    "to": r.ends_on.isoformat(),
                    "status": r.get_status_display(),
                    "name_given": r.borrower_name,
                    "contact_given": r.borrower_contact,
                    "note_given": r.note,
                    "declined_because": r.declined_reason,
                    "agreement_signed": "Yes" if r.agreement_signed else "No",
                    "errands": [
                        {"what": e.get_kind_display(), "on": e.on.isoformat(), "address": e.address}
                        for e in r.errands.all()
                    ],
                }
                for r in reservations
            ],
        ),
        section(
            "lending_waiting_list",
            "Waiting for an item",
            [
                {
                    "kind_of_item": w.kind,
                    "name": w.name,
                    "contact": w.contact,
                    "wanted_from": w.wanted_from.isoformat(),
                    "notes": w.notes,
                    "resolved_at": w.resolved_at.isoformat() if w.resolved_at else None,
                }
                for w in _waits(contacts)
            ],
        ),
    ]


def forget_borrower(sender, user, contacts, **kwargs) -> None:
    """Names, contacts, notes and addresses go; the loans stay, so the item's history still
    counts. Requests not yet answered are withdrawn: no one is left to answer."""
    reservations = _reservations(user, contacts)
    Reservation.objects.filter(
        pk__in=reservations.values("pk"),
        status=Reservation.Status.REQUESTED,
    ).update(status=Reservation.Status.CANCELLED)
    Errand.objects.filter(reservation__in=reservations).update(address="")
    Reservation.objects.filter(pk__in=reservations.values("pk")).update(
        borrower_name=ERASED_NAME, borrower_contact="", note="", declined_reason=""
    )
    WaitingListEntry.objects.filter(pk__in=_waits(contacts).values("pk")).update(
        name=ERASED_NAME, contact="", notes=""
    )
