"""A demo scooter scheme: donated mobility scooters and a wheelchair, serviced by a local
business (with a sign-in for it), with a year of loans, one out now (and one overdue), a booking,
servicing due, a collection for the parish council, people waiting, and the demo residents' own
requests and loans. All invented and marked as demo."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import create_demo_account, demo_email, demo_residents
from accounts.models import Organisation, Role, User

from .models import Errand, Item, Reservation, ServiceRecord, WaitingListEntry


@transaction.atomic
def create_demo_lending(seed: int = 9) -> int:
    """Returns the number of items."""
    rng = random.Random(seed)
    editor = (
        User.objects.filter(is_demo=True, email=demo_email("editor")).select_related("organisation").first()
    )
    garage = Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.BUSINESS).first()
    parish = Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.PARISH_COUNCIL).first()
    if editor is None or editor.organisation is None:
        return 0
    owner, today = editor.organisation, timezone.localdate()
    items = [
        Item.objects.create(
            organisation=owner,
            name=name,
            kind=kind,
            donated_by=donor,
            kept_at="The community centre garage",
            service_every_months=6,
            service_after_each_loan=kind == "mobility scooter",
            service_provider=garage,
            last_serviced_on=today - timedelta(days=serviced),
            is_demo=True,
        )
        for name, kind, donor, serviced in [
            ("Scooter 1 (red, Pride Go-Go)", "mobility scooter", "The family of a neighbour", 20),
            ("Scooter 2 (blue, Pride Go-Go)", "mobility scooter", "Sale Rotary Club", 40),
            ("Scooter 3 (silver, folding)", "mobility scooter", "A local resident", 200),
            ("Wheelchair (self-propelled)", "wheelchair", "A local resident", 60),
        ]
    ]
    people = list(User.objects.filter(is_demo=True, role=Role.RESIDENT).order_by("-pk")[:30])
    for item in items:
        day = today - timedelta(days=330)
        while day < today - timedelta(days=25):
            length = rng.randrange(3, 21)
            person = rng.choice(people)
            Reservation.objects.create(
                item=item,
                borrower=person,
                borrower_name=person.full_name,
                borrower_contact=person.email,
                starts_on=day,
                ends_on=day + timedelta(days=length - 1),
                status=Reservation.Status.RETURNED,
                condition_out="good",
                condition_in="good",
                agreement_signed=True,
                out_at=timezone.make_aware(datetime.combine(day, time(10))),
                returned_at=timezone.make_aware(datetime.combine(day + timedelta(days=length - 1), time(16))),
                created_by=editor,
            )
            day += timedelta(days=length + rng.randrange(2, 30))
        # Each scooter's last loan was followed by a service, except scooter 3's (it is due one).
        if item.service_after_each_loan and item is not items[2]:
            ServiceRecord.objects.create(
                item=item, serviced_on=today - timedelta(days=20), provider=garage, recorded_by=editor
            )
            item.last_serviced_on = today - timedelta(days=20)
            item.save(update_fields=["last_serviced_on"])
    signs_in = demo_residents()
    out = [
        (items[0], today - timedelta(days=6), today + timedelta(days=5)),
        (items[3], today - timedelta(days=14), today - timedelta(days=2)),  # overdue
    ]
    for number, (item, starts, ends) in enumerate(out):
        # The second demo resident has the first loan out (see it under "Your loans").
        person = signs_in[1] if number == 0 and len(signs_in) > 1 else rng.choice(people)
        Reservation.objects.create(
            item=item,
            borrower=person,
            borrower_name=person.full_name,
            borrower_contact=person.email,
            starts_on=starts,
            ends_on=ends,
            status=Reservation.Status.OUT,
            condition_out="good",
            agreement_signed=True,
            out_at=timezone.make_aware(datetime.combine(starts, time(10))),
            created_by=editor,
        )
    booked = Reservation.objects.create(
        item=items[1],
        borrower_name="Harold (no email)",
        borrower_contact="0161 496 0000",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=17),
        created_by=editor,
    )
    if parish:
        Errand.objects.create(
            reservation=booked,
            kind=Errand.Kind.DELIVER,
            helper=parish,
            on=booked.starts_on,
            address="12 Moss Lane, Carrington",
        )
    _residents_asking(signs_in, items, editor, today)
    if garage:
        create_demo_account("garage", Role.ORGANISATION_EDITOR, garage, "Dev Mistry")
    WaitingListEntry.objects.create(
        organisation=owner,
        kind="mobility scooter",
        name="Maureen",
        contact="0161 496 0001",
        wanted_from=today,
    )
    return len(items)


def _residents_asking(residents: list[User], items: list[Item], editor: User, today) -> None:
    """Requests from the demo residents who sign in, for the coordinators to answer, and a booking
    accepted for one of them."""
    asks = [
        (0, items[1], 20, 24, "For my sister's visit: she cannot walk far."),
        (2, items[3], 10, 14, "To get to the hospital appointment on the 12th."),
        (4, items[2], 30, 33, ""),
    ]
    for index, item, first, last, note in asks:
        if index < len(residents):
            person = residents[index]
            Reservation.objects.create(
                item=item,
                borrower=person,
                borrower_name=person.full_name,
                borrower_contact=person.email,
                starts_on=today + timedelta(days=first),
                ends_on=today + timedelta(days=last),
                note=note,
                status=Reservation.Status.REQUESTED,
                created_by=person,
            )
    if len(residents) > 3:
        person = residents[3]
        Reservation.objects.create(
            item=items[1],
            borrower=person,
            borrower_name=person.full_name,
            borrower_contact=person.email,
            starts_on=today + timedelta(days=26),
            ends_on=today + timedelta(days=30),
            created_by=editor,
        )
