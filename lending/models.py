"""Things a community owns and lends: items, reservations and loans, servicing, and the
collections and deliveries that go with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Item(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", "Good"
        FAIR = "fair", "Fair: usable, with wear"
        NEEDS_REPAIR = "needs_repair", "Needs repair"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="items")
    name = models.CharField(max_length=200, help_text="For example: Mobility scooter 2 (red, Pride Go-Go).")
    kind = models.CharField(max_length=100, help_text="For example: mobility scooter, wheelchair.")
    description = models.TextField(blank=True)
    donated_by = models.CharField(max_length=200, blank=True)
    kept_at = models.CharField(max_length=200, blank=True, help_text="Where it is kept between loans.")
    condition = models.CharField(max_length=14, choices=Condition.choices, default=Condition.GOOD)
    is_retired = models.BooleanField(default=False)
    longest_loan_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The longest a resident may ask to borrow it for, in days (empty: up to 92).",
    )
    service_every_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Service it every this many months (empty: no regular service)."
    )
    service_after_each_loan = models.BooleanField(default=False)
    service_provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items_serviced",
        help_text="The local business that services it.",
    )
    last_serviced_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Reservation(models.Model):
    """An item booked for someone from one day to another (both included), then lent and returned.

    A resident's own request starts as ``requested`` and holds no days until the item's
    coordinators accept it (it becomes ``reserved``) or decline it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked for"
        DECLINED = "declined", "Declined"
        RESERVED = "reserved", "Reserved"
        OUT = "out", "On loan"
        RETURNED = "returned", "Returned"
        CANCELLED = "cancelled", "Cancelled"

    # Only these hold the item's days: a request holds none until a coordinator accepts it.
    ACTIVE = (Status.RESERVED, Status.OUT)
    # A borrower's current loans: asked for, booked or out.
    CURRENT = (Status.REQUESTED, Status.RESERVED, Status.OUT)

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reservations")
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reservations",
    )
    borrower_name = models.CharField(max_length=200)
    borrower_contact = models.CharField(max_length=200, help_text="A phone number or email address.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    condition_out = models.CharField(max_length=14, choices=Item.Condition.choices, blank=True)
    agreement_signed = models.BooleanField(default=False)
    out_at = models.DateTimeField(null=True, blank=True)
    condition_in = models.CharField(max_length=14, choices=Item.Condition.choices, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, help_text="What the borrower said when asking.")
    declined_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="reservation_ends_after_start"
            ),
        ]
        # PostgreSQL also refuses overlapping active reservations of one item with an exclusion
        # constraint (migration 0002); on SQLite the service's locked check is the guard.

    def __str__(self) -> str:
        return f"{self.item} for {self.borrower_name}, {self.starts_on} to {self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ServiceRecord(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="services")
    serviced_on = models.DateField()
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-serviced_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} serviced {self.serviced_on}"


class Errand(models.Model):
    """A collection or delivery, given to a helper organisation (for example the parish council)."""

    class Kind(models.TextChoices):
        DELIVER = "deliver", "Deliver to the borrower"
        COLLECT = "collect", "Collect from the borrower"

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="errands")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    helper = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="errands")
    on = models.DateField()
    address = models.TextField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reservation.item}, {self.on}"


class WaitingListEntry(models.Model):
    """Someone waiting for a kind of item (any mobility scooter, say)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="lending_waits"
    )
    kind = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200)
    wanted_from = models.DateField()
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waiting list entries"

    def __str__(self) -> str:
        return f"{self.name} waiting for a {self.kind}"
