"""Community transport: schemes and who may use them, passengers, drivers with their availability
and compliance register, vehicles, trips and the runs that carry them, and volunteer mileage.

The rules that need more than one row (eligibility, assignment, mileage at the rates in force) are
in ``services``, ``assignment`` and ``mileage``; the rules one row can hold are constraints here."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

MONEY = {
    "max_digits": 9,
    "decimal_places": 2,
    "default": Decimal("0.00"),
    "validators": [MinValueValidator(0)],
}


class MobilityAid(models.TextChoices):
    """What a passenger travels with. A wheelchair user who stays seated needs a wheelchair space
    and a lift or ramp; a scooter is loaded by lift or ramp into a wheelchair space."""

    NONE = "none", "None"
    WHEELCHAIR_SEATED = "wheelchair_seated", "Wheelchair: stays seated in it"
    WHEELCHAIR_FOLDED = "wheelchair_folded", "Wheelchair: transfers to a seat, chair folded"
    WALKER = "walker", "Walking frame or rollator"
    SCOOTER = "scooter", "Mobility scooter"


class Purpose(models.TextChoices):
    """What a trip is for, for the scheme's reports."""

    HEALTH = "health", "A health appointment"
    SHOPPING = "shopping", "Shopping"
    GROUP = "group", "A group or activity"
    DAY_CARE = "day_care", "Day centre or care"
    VISITING = "visiting", "Visiting someone"
    OTHER = "other", "Something else"


class VehicleKind(models.TextChoices):
    CAR = "car", "Car"
    MINIBUS = "minibus", "Minibus"
    TUK_TUK = "tuk_tuk", "Tuk-tuk"


class Scheme(models.Model):
    """A community transport scheme run by a team: who may use it and where it goes."""

    name = models.CharField(max_length=200)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="transport_schemes")
    listing = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its directory listing, which says who can use it and how to book.",
    )
    who_can_use = models.TextField(blank=True, help_text="In plain words, for the public listing.")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    wards = models.ManyToManyField(
        "places.Ward", blank=True, related_name="+", help_text="Wards served (none: any ward)."
    )
    postcode_areas = models.CharField(
        max_length=200,
        blank=True,
        help_text="Postcode districts served, separated by spaces or commas (for example: M32 M33).",
    )
    needs_mobility_need = models.BooleanField(
        default=False, help_text="Only for people who cannot use buses because of their mobility."
    )
    needs_isolation = models.BooleanField(default=False, help_text="Only for people who are isolated.")
    other_rules = models.TextField(blank=True, help_text="Anything else a coordinator checks.")
    passenger_supplement_per_mile = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.000"),
        validators=[MinValueValidator(0)],
        help_text="Paid to volunteer drivers per passenger per mile (HMRC allows 5p); 0 if not paid.",
    )
    credit_scheme = models.ForeignKey(
        "timebank.CreditScheme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Time credits its volunteer drivers are awarded for their hours (the team's "
        "organisation must take part in the credit scheme). Empty: none.",
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Passenger(models.Model):
    """Someone who travels with a scheme: either a person on a team's record or a resident with
    their own sign-in (exactly one of the two)."""

    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="passenger"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="passenger"
    )
    home_postcode = models.ForeignKey(
        "places.Postcode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the person record's postcode.",
    )
    date_of_birth = models.DateField(null=True, blank=True, help_text="Empty: the person record's.")
    has_mobility_need = models.BooleanField(default=False)
    is_isolated = models.BooleanField(default=False)
    mobility_aid = models.CharField(max_length=20, choices=MobilityAid.choices, default=MobilityAid.NONE)
    escort_allowed = models.BooleanField(default=False, help_text="May bring an escort or a guest.")
    notes_for_driver = models.TextField(blank=True, help_text="Only what the driver needs to know.")
    usual_places = models.TextField(blank=True, help_text="One a line: where they often go.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(account__isnull=True))
                | (Q(person__isnull=True) & Q(account__isnull=False)),
                name="passenger_is_a_person_or_an_account",
            )
        ]

    def __str__(self) -> str:
        return f"Passenger {self.pk}"

    @property
    def first_name(self) -> str:
        """The first word of the name they go by: all a driver is told."""
        if self.person is not None:
            return self.person.first_name
        words = (self.account.full_name if self.account else "").split()
        return words[0] if words else "Passenger"

    @property
    def postcode(self):  # -> places.Postcode | None
        if self.home_postcode_id is not None:
            return self.home_postcode
        return self.person.postcode if self.person is not None else None

    @property
    def born_on(self):  # -> date | None
        if self.date_of_birth is not None:
            return self.date_of_birth
        return self.person.date_of_birth if self.person is not None else None


class SchemeEligibility(models.Model):
    """Whether a passenger may use a scheme, and why not when they may not."""

    passenger = models.ForeignKey(Passenger, on_delete=models.CASCADE, related_name="eligibilities")
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="eligibilities")
    is_eligible = models.BooleanField()
    reason = models.TextField(blank=True)
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "scheme eligibilities"
        constraints = [
            models.UniqueConstraint(fields=["passenger", "scheme"], name="one_eligibility_per_scheme"),
            models.CheckConstraint(
                condition=Q(is_eligible=True) | ~Q(reason=""), name="not_eligible_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.passenger} {'may' if self.is_eligible else 'may not'} use {self.scheme}"


class Driver(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", "Volunteer"
        PAID = "paid", "Paid"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="driver")
    schemes = models.ManyToManyField(Scheme, related_name="drivers")
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.VOLUNTEER)
    drives_cars = models.BooleanField(default=True)
    drives_tuk_tuks = models.BooleanField(default=False)
    drives_minibuses = models.BooleanField(default=False)
    has_d1_entitlement = models.BooleanField(
        default=False, help_text="D1 on their licence (else a minibus needs an in-date MiDAS check)."
    )
    home_postcode = models.ForeignKey(
        "places.Postcode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__full_name", "pk"]

    def __str__(self) -> str:
        return self.user.full_name or self.user.email


class PairingExclusion(models.Model):
    """A passenger a driver is never to be given (either asked, or a safeguarding decision)."""

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="exclusions")
    passenger = models.ForeignKey(Passenger, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["driver", "passenger"], name="one_exclusion_a_pair")]

    def __str__(self) -> str:
        return f"{self.driver} is not paired with passenger {self.passenger_id}"


class Availability(models.Model):
    """A time a driver is usually free each week (Monday is 0), in Europe/London time."""

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=[(n, d) for n, d in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])])  # fmt: skip
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name_plural = "availability"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}s {self.starts_at:%H:%M} to {self.ends_at:%H:%M}"


class Leave(models.Model):
    """Days a driver is away (both included)."""

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="leave")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        verbose_name_plural = "leave"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"Leave from {self.starts_on} to {self.ends_on}"


class ComplianceCheck(models.Model):
    """One check in a driver's compliance register. A driver is compliant on a day when the latest
    check of each kind they need covers it (``checked_on`` to ``expires_on``, both included)."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "Driving licence check"
        DBS = "dbs", "DBS check"
        MIDAS = "midas", "MiDAS minibus driver assessment"
        INSURANCE = "insurance", "Insurance for volunteer driving (own car)"

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=9, choices=Kind.choices)
    checked_on = models.DateField()
    expires_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["driver", "kind", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("checked_on")), name="check_expires_after_it_is_made"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.driver}, to {self.expires_on}"


class Vehicle(models.Model):
    class Permit(models.TextChoices):
        NONE = "", "None"
        SECTION_19 = "s19", "Section 19"
        SECTION_22 = "s22", "Section 22"

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="vehicles")
    name = models.CharField(max_length=100, help_text="For example: Nellie the tuk-tuk.")
    registration = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=7, choices=VehicleKind.choices)
    owner = models.ForeignKey(
        Driver,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_vehicles",
        help_text="A volunteer's own car (volunteers claim mileage for their own cars only).",
    )
    seats = models.PositiveSmallIntegerField(help_text="Passenger seats, not counting the driver's.")
    wheelchair_spaces = models.PositiveSmallIntegerField(default=0)
    has_lift_or_ramp = models.BooleanField(default=False)
    permit = models.CharField(max_length=3, choices=Permit.choices, blank=True)
    permit_number = models.CharField(max_length=30, blank=True)
    permit_expires_on = models.DateField(null=True, blank=True)
    mot_expires_on = models.DateField(null=True, blank=True, help_text="Empty: not yet due (a new vehicle).")
    service_due_on = models.DateField(null=True, blank=True)
    service_due_at_miles = models.PositiveIntegerField(null=True, blank=True)
    odometer_miles = models.PositiveIntegerField(default=0)
    is_off_road = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["scheme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1) | Q(wheelchair_spaces__gte=1), name="vehicle_carries_someone"
            ),
            models.CheckConstraint(condition=Q(permit="") | ~Q(permit_number=""), name="permit_has_a_number"),
        ]

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    """A driver in a vehicle on a day, carrying one or more trips; the odometer readings make the
    mileage claim."""

    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="runs")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="runs")
    on = models.DateField()
    start_odometer = models.PositiveIntegerField(null=True, blank=True)
    end_odometer = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["driver", "vehicle", "on"], name="one_run_a_driver_vehicle_day"),
            models.CheckConstraint(
                condition=Q(end_odometer__isnull=True) | Q(end_odometer__gte=F("start_odometer")),
                name="run_odometer_goes_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.driver} in {self.vehicle} on {self.on}"


class Trip(models.Model):
    """One journey for one passenger (with any escorts). A return is its own trip, linked to its
    outward one; a weekly trip's occurrences share a ``series``."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SCHEDULED = "scheduled", "Driver and vehicle assigned"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCEL = "late_cancel", "Cancelled late"
        NO_SHOW = "no_show", "No-show"
        TURNED_DOWN = "turned_down", "Turned down by the passenger"
        UNMET = "unmet", "Unmet: we could not provide it"

    OPEN = (Status.REQUESTED, Status.SCHEDULED)
    OUTCOMES = (
        Status.COMPLETED,
        Status.CANCELLED,
        Status.LATE_CANCEL,
        Status.NO_SHOW,
        Status.TURNED_DOWN,
        Status.UNMET,
    )

    class RequestedVia(models.TextChoices):
        RESIDENT = "resident", "The resident"
        COORDINATOR = "coordinator", "A coordinator"
        LINK_WORKER = "link_worker", "A link worker"

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="trips")
    passenger = models.ForeignKey(Passenger, on_delete=models.PROTECT, related_name="trips")
    pickup_address = models.CharField(max_length=300)
    pickup_postcode = models.CharField(max_length=8)
    destination = models.CharField(max_length=300)
    destination_postcode = models.CharField(max_length=8)
    pickup_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    # The time the vehicle is taken: from the pick-up for the journey's length, or ending at the
    # appointment. Set by the service; what double-booking is checked against.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    outward = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="return_trip"
    )
    series = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="Shared by a weekly trip's days."
    )
    escorts = models.PositiveSmallIntegerField(default=0, help_text="Escorts or guests travelling too.")
    mobility_aid = models.CharField(max_length=20, choices=MobilityAid.choices, default=MobilityAid.NONE)
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.OTHER)
    requested_via = models.CharField(max_length=11, choices=RequestedVia.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    introduction = models.ForeignKey(
        "people.Introduction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The introduction this ride takes them to.",
    )
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="trips")
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.REQUESTED)
    outcome_reason = models.CharField(max_length=500, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    fare = models.DecimalField(**MONEY)
    donation = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["scheme", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pickup_at__isnull=False) | Q(appointment_at__isnull=False),
                name="trip_has_a_time",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="trip_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="completed")
                | ~Q(status__in=["cancelled", "late_cancel", "no_show", "turned_down", "unmet"])
                | ~Q(outcome_reason=""),
                name="trip_not_completed_says_why",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(run__isnull=True)
                | Q(status__in=["scheduled", "completed", "late_cancel", "no_show"]),
                name="trip_on_a_run_is_scheduled_or_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Trip {self.pk} on {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def seats_needed(self) -> int:
        """Seats taken: the escorts, and the passenger unless they stay in their wheelchair."""
        return self.escorts + (0 if self.mobility_aid == MobilityAid.WHEELCHAIR_SEATED else 1)

    @property
    def wheelchair_spaces_needed(self) -> int:
        return 1 if self.mobility_aid in (MobilityAid.WHEELCHAIR_SEATED, MobilityAid.SCOOTER) else 0

    @property
    def needs_lift_or_ramp(self) -> bool:
        return self.wheelchair_spaces_needed > 0


class RunCredit(models.Model):
    """Time credits awarded to a run's volunteer driver for its hours: at most one a run (the
    database holds the once), linked to the ledger entry that awarded them."""

    run = models.OneToOneField(Run, on_delete=models.PROTECT, related_name="credit")
    entry = models.OneToOneField("timebank.Entry", on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.hours} hours credited for run {self.run_id}"


class MileageRate(models.Model):
    """Approved mileage rates from a day on: a rate a mile up to ``threshold_miles`` business miles
    in a tax year, and another after (HMRC: 45p then 25p, after 10,000)."""

    applies_from = models.DateField(unique=True)
    first_rate = models.DecimalField(max_digits=5, decimal_places=3, validators=[MinValueValidator(0)])
    later_rate = models.DecimalField(max_digits=5, decimal_places=3, validators=[MinValueValidator(0)])
    threshold_miles = models.PositiveIntegerField(default=10000)

    class Meta:
        ordering = ["-applies_from"]

    def __str__(self) -> str:
        return f"{self.first_rate}/{self.later_rate} a mile from {self.applies_from}"


class MileageClaim(models.Model):
    """A volunteer's claim for one run in their own car, split between the rates in force."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        REJECTED = "rejected", "Rejected"

    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="claims")
    run = models.OneToOneField(Run, on_delete=models.PROTECT, related_name="claim")
    tax_year = models.PositiveSmallIntegerField(help_text="The year the tax year starts (6 April).")
    miles = models.PositiveIntegerField()
    miles_at_first_rate = models.PositiveIntegerField()
    miles_at_later_rate = models.PositiveIntegerField()
    rate = models.ForeignKey(MileageRate, on_delete=models.PROTECT, related_name="+")
    mileage_amount = models.DecimalField(**MONEY)
    parking = models.DecimalField(**MONEY)
    passenger_miles = models.PositiveIntegerField(default=0)
    passenger_supplement = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run__on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(miles=F("miles_at_first_rate") + F("miles_at_later_rate")),
                name="claim_miles_add_up",
            ),
            models.CheckConstraint(
                condition=Q(total=F("mileage_amount") + F("parking") + F("passenger_supplement")),
                name="claim_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.driver}: {self.miles} miles on {self.run.on}"


class ExpiryReminder(models.Model):
    """A reminder sent to a scheme's coordinators that a driver's check or a vehicle's MOT, permit
    or service runs out (or has run out) on ``due_on``: one per item per date, so a renewed check or
    a new MOT is reminded again as its new date nears."""

    class Item(models.TextChoices):
        LICENCE = "licence", "Driving licence check"
        DBS = "dbs", "DBS check"
        MIDAS = "midas", "MiDAS minibus driver assessment"
        INSURANCE = "insurance", "Insurance for volunteer driving (own car)"
        MOT = "mot", "MOT"
        PERMIT = "permit", "Section 19 or 22 permit"
        SERVICE = "service", "Service"

    driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=9, choices=Item.choices)
    due_on = models.DateField(help_text="The expiry or due date this reminder was about.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(driver__isnull=True, vehicle__isnull=False)
                | Q(driver__isnull=False, vehicle__isnull=True),
                name="expiry_reminder_is_about_a_driver_or_a_vehicle",
            ),
            models.UniqueConstraint(
                fields=["driver", "item", "due_on"],
                condition=Q(driver__isnull=False),
                name="one_reminder_per_driver_check_expiry",
            ),
            models.UniqueConstraint(
                fields=["vehicle", "item", "due_on"],
                condition=Q(vehicle__isnull=False),
                name="one_reminder_per_vehicle_item_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} of {self.driver or self.vehicle}, due {self.due_on}"
