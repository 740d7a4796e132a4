"""The community asset directory, shaped on the Open Referral UK profile of HSDS 3.0.

Every record has a UUID id so listings keep their identity across imports and
exports. A *listing* is a ``Service``: a group, activity, service or space that
someone can go to. Its ``provider`` is the organisation that runs it (an ORUK
organization); its ``owner`` is the Closeknit organisation whose editors keep it
up to date.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from common.safe_urls import SafeURLField
from places.models import Postcode

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Provider(models.Model):
    """An organisation that runs services (an Open Referral "organization")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = SafeURLField(blank=True)
    logo = SafeURLField(blank=True)
    uri = SafeURLField(blank=True)
    # An id, not a link: the profile's parent may be an organisation in another directory.
    parent_organization_id = models.UUIDField(
        null=True, blank=True, help_text="The id of the organisation this one is part of, if any."
    )
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="providers",
        help_text="The Closeknit organisation whose editors keep this record up to date.",
    )
    is_demo = models.BooleanField(default=False)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(models.Model):
    """A registered number of an organisation (charity, company...), as Open Referral carries it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=50, blank=True, help_text="For example GB-CHC or GB-COH.")
    identifier_type = models.CharField(max_length=100, help_text="For example Charity number.")
    identifier = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.identifier_type} {self.identifier}"


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = SafeURLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A category, interest or need (e.g. "Lunch clubs", "Gardening", "Loneliness")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=255)
    description = models.TextField()
    code = models.CharField(max_length=100, blank=True, help_text="The term's code in its taxonomy.")
    term_uri = SafeURLField(blank=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A venue or space (an Open Referral "location") with its address and coordinates."""

    class Type(models.TextChoices):
        PHYSICAL = "physical", "A place people go to"
        POSTAL = "postal", "A postal address"
        VIRTUAL = "virtual", "Online"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_type = models.CharField(max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    # The venue's one address, with the Open Referral address fields kept as they were given.
    attention = models.CharField(max_length=255, blank=True, help_text="Who post is for, if anyone.")
    address_1 = models.CharField("address", max_length=255, blank=True)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField("town or city", max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(
        "county or local authority",
        max_length=100,
        blank=True,
        help_text="As given, or found from the postcode.",
    )
    postal_code = models.CharField("postcode", max_length=10, blank=True)
    country = models.CharField(max_length=2, blank=True, default="GB", help_text="ISO 3166-1 country code.")
    address_type = models.CharField(max_length=10, blank=True, choices=Type.choices, default=Type.PHYSICAL)
    postcode = models.ForeignKey(
        Postcode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Found from the postcode typed.",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    wheelchair_accessible = models.BooleanField(default=False)
    accessibility = models.TextField(blank=True, help_text="Step-free access, hearing loop, toilets…")
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lon")]

    def __str__(self) -> str:
        return self.name or self.address_1 or str(self.id)

    def clean(self) -> None:
        # A venue is placed by both its latitude and its longitude, or by neither.
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: "Give both the latitude and the longitude, or neither."})

    @property
    def one_line_address(self) -> str:
        return ", ".join(part for part in (self.address_1, self.city, self.postal_code) if part)


class Accessibility(models.Model):
    """One entry about getting into and around a venue, kept as written: several per venue, each with
    its own id. ``Location.wheelchair_accessible`` (what search filters on) is set apart."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility_entries")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = SafeURLField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description or self.details or "Accessibility"


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Service(models.Model):
    """A listing: a group, activity, service or space, with when, where and how to join."""

    class Status(models.TextChoices):
        # Open Referral's own status of the service itself.
        ACTIVE = "active", "Running"
        INACTIVE = "inactive", "Not running at the moment"
        DEFUNCT = "defunct", "Closed for good"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    class Cost(models.TextChoices):
        FREE = "free", "Free"
        PAY_WHAT_YOU_CAN = "pay_what_you_can", "Pay what you can"
        PAID = "paid", "There is a charge"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listings",
        help_text="The organisation whose editors keep this listing current.",
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    how_to_join = models.TextField(blank=True, help_text="Just turn up? Ring first? Referral?")
    url = SafeURLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    listing_status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    cost = models.CharField(max_length=20, choices=Cost.choices, default=Cost.FREE, db_index=True)
    eligibility = models.TextField(blank=True, help_text="Who it is for, in plain words.")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    accreditations = models.TextField(blank=True)
    alert = models.TextField(blank=True, help_text="A short-term notice, e.g. no session next week.")
    fees_description = models.TextField(blank=True, help_text="What it costs, in words.")
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", blank=True, related_name="services"
    )
    last_checked = models.DateField(
        default=date.today, help_text="When someone last confirmed this listing is right."
    )
    review_interval_days = models.PositiveSmallIntegerField(
        default=180, help_text="How often the listing should be checked, in days."
    )
    checked_by_email = models.EmailField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name"]
        # The directory's own order (name, then id): the Open Referral UK list seeks each page's
        # first row on it (directory.oruk.paging).
        indexes = [models.Index(fields=["name", "id"], name="directory_service_name_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_in_order",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=1), name="service_review_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def review_due(self) -> date:
        return self.last_checked + timedelta(days=self.review_interval_days)

    def is_stale(self, today: date | None = None) -> bool:
        """Past its review date: searchers are told it has not been checked since then."""
        return (today or timezone.localdate()) > self.review_due


class SearchKey(models.Model):
    """A listing's entry in search: its row number in the full-text index (an explicit integer, so
    it never shifts, kept apart from the listing so saving a listing can never disturb it) and the
    facts a search by words filters on, copied from its sessions and venues when it is indexed, so
    each listing matching the words is ruled in or out from this one row."""

    id = models.BigAutoField(primary_key=True)
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="search_key")
    days_mask = models.PositiveSmallIntegerField(
        default=0, help_text="Bit n set when any of the listing's sessions runs on weekday n (Monday = 0)."
    )
    venues = models.PositiveIntegerField(default=0, help_text="How many venues the listing has.")
    # The smallest box holding every venue: one point when the listing has one venue.
    min_latitude = models.FloatField(null=True)
    max_latitude = models.FloatField(null=True)
    min_longitude = models.FloatField(null=True)
    max_longitude = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"{self.id}: {self.service_id}"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_once_at_each_location")
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Schedule(models.Model):
    """When a service runs, as an iCalendar-style rule (RFC 5545 subset that ORUK uses).

    ``freq`` WEEKLY with ``byday`` "TU,TH" is every Tuesday and Thursday; MONTHLY
    with ``byday`` "1TU" is the first Tuesday of each month; ``interval`` 2 is
    every other week or month from ``dtstart``. ``valid_from``/``valid_to`` bound
    it (e.g. a school term).
    """

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
        help_text="The venue these times are for, when they are the venue's rather than one service's.",
    )
    schedule_link = SafeURLField(blank=True, help_text="A page with the timetable.")
    freq = models.CharField(max_length=7, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(default=1)
    byday = models.CharField(max_length=60, blank=True)
    bymonthday = models.CharField(max_length=60, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(max_length=255, blank=True)
    attending_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    days_mask = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Bit n set when the schedule runs on weekday n (Monday = 0); kept from byday.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="schedule_interval_positive"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="schedule_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="schedule_valid_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}"

    def save(self, *args, **kwargs):
        self.days_mask = weekday_mask(self.byday)
        super().save(*args, **kwargs)


def weekday_mask(byday: str) -> int:
    """Bitmask of the weekdays named in an RRULE BYDAY value ("1TU,-1FR" -> Tuesday | Friday)."""
    mask = 0
    for part in (byday or "").upper().split(","):
        code = part.strip()[-2:]
        if code in WEEKDAYS:
            mask |= 1 << WEEKDAYS.index(code)
    return mask


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="cost_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.option or (f"£{self.amount}" if self.amount is not None else "Cost")


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639 code, e.g. en, ur, pl.")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.name or self.title or self.email or "Contact"


class ServiceArea(models.Model):
    """Where a service is available, e.g. "Trafford" or a ward; ``uri`` names the ONS area."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255)
    area_code = models.CharField(
        max_length=9, blank=True, help_text="ONS code of a ward or local authority it covers."
    )
    uri = SafeURLField(blank=True)
    extent = models.TextField(blank=True, help_text="The area's outline, e.g. as GeoJSON.")
    extent_type = models.CharField(max_length=20, blank=True, help_text="geojson, topojson, kml or text.")

    def __str__(self) -> str:
        return self.name


class Funding(models.Model):
    """Where a service's money comes from, in words."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    organization = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organisation that receives the funding, when the feed names one.",
    )
    source = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.source[:60] or "Funding"


class ListingProblem(models.Model):
    """Someone says a listing is wrong: a review item for the listing's owner."""

    class Kind(models.TextChoices):
        UNCLEAR = "unclear", "The information is unclear"
        CONTACT_WRONG = "contact_wrong", "The contact details are wrong"
        CLOSED = "closed", "It has closed or stopped running"
        WRONG_TIMES = "wrong_times", "The days or times are wrong"
        WRONG_AREA = "wrong_area", "It is listed in the wrong area"
        OTHER = "other", "Something else"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField(blank=True)
    reporter_email = models.EmailField(blank=True, help_text="Only to reply about this report.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service}"


class ReviewReminder(models.Model):
    """A reminder sent because a listing is past its review date; escalates if ignored."""

    class Level(models.IntegerChoices):
        OWNER = 1, "Sent to the listing's editors"
        MANAGER = 2, "Escalated to the organisation's administrators"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reminders")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    review_due = models.DateField(help_text="The review date this reminder was about.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "review_due", "level"], name="one_reminder_per_level_per_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} about {self.service} ({self.review_due})"
