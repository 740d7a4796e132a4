"""Volunteering: organisations' opportunities with shifts, people signing up (online or at an
event's stalls), attendance and the hours it records, which can earn time credits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Opportunity(models.Model):
    class Checks(models.TextChoices):
        NONE = "none", "No checks needed"
        REFERENCES = "references", "References"
        DBS_BASIC = "dbs_basic", "Basic DBS check"
        DBS_ENHANCED = "dbs_enhanced", "Enhanced DBS check (work with children or adults at risk)"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="opportunities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What the role involves.")
    skills_wanted = models.CharField(max_length=300, blank=True)
    venue = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(max_length=200, blank=True, help_text="Where, when the venue is not listed.")
    accessibility = models.TextField(blank=True)
    checks = models.CharField(max_length=14, choices=Checks.choices, default=Checks.NONE)
    credit_scheme = models.ForeignKey(
        "timebank.CreditScheme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        help_text="Volunteers earn this scheme's time credits for the hours they give.",
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        return self.venue.name if self.venue_id else self.place


class Shift(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    places = models.PositiveSmallIntegerField()
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="shift_has_a_place"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {timezone.localtime(self.starts_at):%a %-d %b %H:%M}"


class Event(models.Model):
    """A gathering with stalls, where people sign up to several opportunities at once."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="events")
    venue = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        return self.venue.name if self.venue_id else self.place


class Stall(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stalls")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="stalls")
    opportunities = models.ManyToManyField(Opportunity, related_name="stalls")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="one_stall_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} at {self.event}"


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Signed up"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Came"
        NO_SHOW = "no_show", "Did not come"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="sign_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_ups"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_ups"
    )
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credits_entry = models.OneToOneField(
        "timebank.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="sign_up"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Not stored: set on the sign-up a repeated sign-up is answered with (see services.sign_up).
    is_repeat: bool = False

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "user"],
                condition=Q(user__isnull=False) & ~Q(status="cancelled"),
                name="signs_up_to_a_shift_once",
            ),
            models.UniqueConstraint(
                fields=["shift", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="an_email_signs_up_to_a_shift_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.shift}"

    @property
    def hours_shown(self) -> str:
        """The hours recorded as a person writes them: 2, 1.5, 2.25 (empty when none)."""
        if self.hours is None:
            return ""
        written = f"{self.hours:f}"
        return written.rstrip("0").rstrip(".") if "." in written else written
