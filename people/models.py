"""People a team walks alongside: their record, consent, vision, goals, conversations and
introductions. Everything here is personal data: read it only through ``selectors``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts import audit
from common import free_times as weekly
from places.selectors import neighbourhoods_for_postcode


class Introducer(models.TextChoices):
    """Who brought the person to us."""

    GP_PRACTICE = "gp_practice", "GP practice"
    SOCIAL_WORKER = "social_worker", "Social worker"
    HOUSING = "housing", "Housing"
    HEALTH = "health", "Other health service"
    COMMUNITY_GROUP = "community_group", "Community group"
    NEIGHBOUR = "neighbour", "Neighbour, friend or family"
    SELF = "self", "Themselves"
    OTHER = "other", "Someone else"


class AccessNeed(models.TextChoices):
    """What a venue must have for the person to get in and take part."""

    STEP_FREE = "step_free", "Step-free access"
    HEARING_LOOP = "hearing_loop", "A hearing loop"


class Travel(models.TextChoices):
    """How far the person can get to things (suggestions leave out what is further)."""

    NOT_KNOWN = "", "Not known"
    WALKS = "walks", "Walks only, about a mile"
    BUS = "bus", "By bus or lift, about 3 miles"
    ANYWHERE = "anywhere", "Anywhere in the district"


class Online(models.TextChoices):
    NOT_KNOWN = "", "Not known"
    YES = "yes", "Yes"
    NO = "no", "No"


# Titles that may open a full name (Faker's and people's own): never someone's first name.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"})


class Person(models.Model):
    """Someone a team walks alongside. Their area (LSOA, ward, deprivation decile) comes from their
    postcode, never typed. ``erased_at`` marks a record whose personal data has been erased."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="What they like to be called.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.ForeignKey(
        "places.Postcode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date_of_birth = models.DateField(null=True, blank=True)
    communication_needs = models.TextField(
        blank=True, help_text="For example: large print, British Sign Language, calls in the afternoon."
    )
    vision = models.TextField(
        "vision of a good life", blank=True, help_text="What a good life looks like to them, in their words."
    )
    what_matters = models.TextField("what matters to me", blank=True)
    strengths = models.TextField(
        "strengths and gifts", blank=True, help_text="What they are good at and could share."
    )
    interests = models.ManyToManyField(
        "directory.TaxonomyTerm",
        blank=True,
        related_name="+",
        help_text="The same categories the directory uses, so suggestions can follow them.",
    )
    # What suggestions need to know (matching): when they are free, what a venue must have, cost,
    # how far they get and whether online suits them. Codes are checked in ``clean``.
    free_times = models.JSONField(
        "when they are usually free", default=list, blank=True, help_text="Codes from common.free_times."
    )
    access_needs = models.JSONField(default=list, blank=True, help_text="Codes from AccessNeed.")
    needs_free = models.BooleanField("things need to be free", default=False)
    travel = models.CharField(
        "how far they can get", max_length=10, choices=Travel.choices, blank=True, default=Travel.NOT_KNOWN
    )
    online_ok = models.CharField(
        "would join things online", max_length=3, choices=Online.choices, blank=True, default=Online.NOT_KNOWN
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="people")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people_coordinated",
    )
    introduced_by = models.CharField(max_length=20, choices=Introducer.choices, default=Introducer.SELF)
    introducer_detail = models.CharField(
        max_length=200, blank=True, help_text="For example the name of the practice or worker."
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_record",
        help_text="The person's own sign-in, so they can see their record.",
    )
    # A team only asks for a link: until the resident says "Yes, this is me" nothing reaches
    # through it (their record page, subject access, erasure). Read it as ``confirmed_account``.
    account_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the resident confirmed that this record is about them."
    )
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Kept when a record is erased, so reports can still count who was reached by ward and by
    # deprivation decile; neither identifies anyone once everything else is gone.
    ward_when_erased = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imd_decile_when_erased = models.PositiveSmallIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo district.")

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["team", "full_name"], name="person_team_name")]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """Free times and access needs are lists of known codes: anything else is refused with a
        message naming the field (the form's checkboxes cannot send one; an API or import could)."""
        problems = {}
        for field, known, what in (
            ("free_times", weekly.CODES, "times from the list"),
            ("access_needs", set(AccessNeed.values), "access needs from the list"),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                problems[field] = f"Choose {what}."
                continue
            unknown = sorted(set(value) - set(known))
            if unknown:
                problems[field] = f"Choose {what} ({', '.join(unknown)[:100]} is not one of them)."
        if problems:
            raise ValidationError(problems)

    @property
    def free_time_labels(self) -> list[str]:
        labels = dict(weekly.CHOICES)
        return [labels[code] for code, _ in weekly.CHOICES if code in set(self.free_times or [])]

    @property
    def access_need_labels(self) -> list[str]:
        return [label for code, label in AccessNeed.choices if code in set(self.access_needs or [])]

    @classmethod
    def from_db(cls, db, field_names, values):
        """Every record read while answering a request is on its audit trail: if the response
        succeeds, a VIEW event names the person (``accounts.audit``), whatever page or API
        operation read it."""
        person = super().from_db(db, field_names, values)
        audit.loaded(person)
        return person

    @property
    def confirmed_account(self):
        """The person's own sign-in once they have confirmed the link, else None. The one rule
        for everything that reaches through the link (their record page, subject access,
        erasure): a link a team made but the resident has not confirmed reaches nothing."""
        if self.account_id and self.account_confirmed_at:
            return self.account
        return None

    @property
    def account_link_pending(self) -> bool:
        return bool(self.account_id) and self.account_confirmed_at is None

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return "Erased record"
        return self.preferred_name or self.full_name

    @property
    def first_name(self) -> str:
        """The first word of the name they go by: all another team is told of them. A title is not
        a name: "Mrs Jane Smith" is Jane; someone known only as "Mrs Smith" keeps both words."""
        if self.erased_at:
            return "Erased record"
        words = (self.preferred_name or self.full_name).split()
        if len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
            return words[1] if len(words) > 2 else " ".join(words)
        return words[0] if words else "Someone"

    @property
    def lsoa(self):
        return self.postcode.lsoa if self.postcode_id else None

    @property
    def ward(self):
        return self.postcode.ward if self.postcode_id else self.ward_when_erased

    @property
    def neighbourhoods(self) -> list[str]:
        """The names of the neighbourhoods their postcode is in."""
        if not self.postcode_id:
            return []
        return list(
            neighbourhoods_for_postcode(self.postcode).order_by("name").values_list("name", flat=True)
        )

    @property
    def imd_decile(self) -> int | None:
        lsoa = self.lsoa
        return lsoa.imd_decile if lsoa else self.imd_decile_when_erased


class Consent(models.Model):
    """What the person agreed to, how and when, who recorded it, and when they withdrew it."""

    class Purpose(models.TextChoices):
        KEEP_RECORD = "keep_record", "Keep a record of our conversations and connections"
        SHARE_WITH_INTRODUCER = "share_with_introducer", "Tell whoever introduced them how things are going"
        CONTACT = "contact", "Contact them by phone, text or email"
        SHARE_WITH_GROUPS = "share_with_groups", "Share their name and contact details with groups"
        INTRODUCE_TO_PEOPLE = (
            "introduce_to_people",
            "Be introduced to other people the team knows who share an interest",
        )

    class Method(models.TextChoices):
        SPOKEN = "spoken", "Said so in conversation"
        WRITTEN = "written", "Signed a form"
        ONLINE = "online", "Agreed online"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    method = models.CharField("how they agreed", max_length=10, choices=Method.choices)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "-given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_current_consent_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


class Goal(models.Model):
    class Status(models.TextChoices):
        WORKING_ON = "working_on", "Working on it"
        ACHIEVED = "achieved", "Achieved"
        CHANGED = "changed", "No longer wanted"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(help_text="In the person's words.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WORKING_ON)
    set_on = models.DateField(default=timezone.localdate)
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-set_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=models.F("set_on")),
                name="goal_finished_after_set",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


# SNOMED CT concepts of the PRSB Social Prescribing Information Standard, stored with a referral.
SNOMED_REFERRAL = "871731000000106"  # Referral to social prescribing service
SNOMED_DECLINED = "871711000000103"  # Social prescribing declined


class Referral(models.Model):
    """A social prescribing referral, with what link workers record about it."""

    class Reason(models.TextChoices):
        LONELINESS = "loneliness", "Loneliness or isolation"
        LOW_MOOD = "low_mood", "Low mood, anxiety or stress"
        LONG_TERM_CONDITION = "long_term_condition", "Living with a long-term condition"
        MONEY = "money", "Money worries or debt"
        HOUSING = "housing", "Housing"
        CARING = "caring", "Caring for someone"
        ACTIVITY = "activity", "Being more active"
        BEREAVEMENT = "bereavement", "Bereavement"
        OTHER = "other", "Something else"

    class Closure(models.TextChoices):
        CONNECTED = "connected", "Connected to support and activity"
        DECLINED = "declined", "Decided not to go ahead"
        NO_CONTACT = "no_contact", "Could not be contacted"
        ELSEWHERE = "elsewhere", "Needed a different service"
        MOVED = "moved", "Moved away"
        DIED = "died", "Died"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    received_on = models.DateField()
    referring_organisation = models.CharField(max_length=200)
    practitioner = models.CharField(max_length=200, blank=True, help_text="Who made the referral.")
    reasons = models.JSONField(default=list, help_text="Codes from Referral.Reason.")
    first_contact_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=12, choices=Closure.choices, blank=True)
    support_offered = models.TextField(
        blank=True, help_text="What support and activities they were offered and connected to."
    )
    what_changed = models.TextField(blank=True, help_text="What changed for them, in their words.")
    snomed_code = models.CharField(
        "SNOMED CT code",
        max_length=18,
        default=SNOMED_REFERRAL,
        help_text="Stored with the referral so GP systems can be told (PRSB standard).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_on__isnull=True) | Q(first_contact_on__gte=models.F("received_on")),
                name="referral_contact_after_received",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="referral_closed_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral from {self.referring_organisation} on {self.received_on}"

    @property
    def contacts(self) -> int:
        """How many contacts there have been since the referral came in (until it closed): each
        conversation, and each drop-in they came to, unless a chat there is already recorded as
        a conversation that day (so one visit is not counted twice)."""
        conversations = self.person.conversations.filter(happened_on__gte=self.received_on)
        drop_ins = Attendance.objects.filter(person_id=self.person_id, session__on__gte=self.received_on)
        if self.closed_on:
            conversations = conversations.filter(happened_on__lte=self.closed_on)
            drop_ins = drop_ins.filter(session__on__lte=self.closed_on)
        chats_there = conversations.filter(kind=Conversation.Kind.DROP_IN).values("happened_on")
        return conversations.count() + drop_ins.exclude(session__on__in=chats_there).count()

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(code, code) for code in self.reasons]


class Conversation(models.Model):
    """A dated note of a visit, call or chat, with the next step and when to follow up."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        CALL = "call", "Phone or video call"
        DROP_IN = "drop_in", "Chat at a drop-in"
        MEETING = "meeting", "Meeting somewhere else"
        MESSAGE = "message", "Message or email"

    # Indexed with the date below, which serves lookups by person as well.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conversations", db_index=False)
    happened_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    notes = models.TextField()
    next_step = models.CharField(max_length=300, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    followed_up = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=models.F("happened_on")),
                name="conversation_follow_up_after",
            )
        ]
        # Reports ask, for each person, whether they had a conversation in a period.
        indexes = [models.Index(fields=["person", "happened_on"], name="conversation_person_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class SafeguardingNote(models.Model):
    """A concern about someone's safety. Seen only by their coordinator and the team's leads."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safeguarding_notes")
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Safeguarding note {self.pk}"


ANOTHER_TEAM = "known to another team"


class Introduction(models.Model):
    """A practitioner connects a person to a listing, to another person, or to something else
    (a volunteering role, a neighbour not on record), and follows up whether it worked."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        INTRODUCED = "introduced", "Introduced"
        WENT_ALONG = "went_along", "Went along"
        STILL_CONNECTED = "still_connected", "Still connected"
        DID_NOT_WORK_OUT = "did_not_work_out", "Didn't work out"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="introductions")
    listing = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    other_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="introduced_to"
    )
    elsewhere = models.CharField(
        "someone or something else",
        max_length=200,
        blank=True,
        help_text="For example a volunteering role, or a neighbour who is not on record.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUGGESTED)
    follow_up_on = models.DateField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_on = models.DateField(default=timezone.localdate)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_on", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=models.F("made_on")),
                name="introduction_follow_up_after",
            ),
            models.CheckConstraint(
                condition=~Q(other_person=models.F("person")), name="introduction_not_to_themselves"
            ),
        ]

    def __str__(self) -> str:
        return f"Introduction to {self.to_label}"

    @property
    def across_teams(self) -> bool:
        """Whether it links people on two teams. Each team then knows the other person only by
        their first name and that another team knows them: a practitioner on both teams made the
        link, but their colleagues on one team may not read the other team's records."""
        return self.other_person_id is not None and self.other_person.team_id != self.person.team_id

    @property
    def to_label(self) -> str:
        """Who or what the person was introduced to, as their own team reads it."""
        if self.listing_id:
            return self.listing.name
        if self.other_person_id:
            if self.across_teams:
                return f"{self.other_person.first_name} ({ANOTHER_TEAM})"
            return self.other_person.display_name
        return self.elsewhere or "a listing no longer in the directory"

    @property
    def to_label_for_them(self) -> str:
        """Who or what the person was introduced to, as they read it on their own record: another
        person by the first name they go by, whichever team knows them (their record is theirs,
        not the other person's)."""
        if self.other_person_id and not self.listing_id:
            return self.other_person.first_name
        return self.to_label

    @property
    def from_label(self) -> str:
        """Who was introduced to the other person, as the other person's team reads it."""
        if self.across_teams:
            return f"{self.person.first_name} ({ANOTHER_TEAM})"
        return self.person.display_name

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.DID_NOT_WORK_OUT}


# The steps an introduction may take next. "Didn't work out" can end it at any point.
NEXT_STEPS = {
    Introduction.Status.SUGGESTED: [Introduction.Status.INTRODUCED, Introduction.Status.DID_NOT_WORK_OUT],
    Introduction.Status.INTRODUCED: [Introduction.Status.WENT_ALONG, Introduction.Status.DID_NOT_WORK_OUT],
    Introduction.Status.WENT_ALONG: [
        Introduction.Status.STILL_CONNECTED,
        Introduction.Status.DID_NOT_WORK_OUT,
    ],
    Introduction.Status.STILL_CONNECTED: [Introduction.Status.DID_NOT_WORK_OUT],
    Introduction.Status.DID_NOT_WORK_OUT: [],
}
# Statuses that count as an active connection in the person's relationships map.
CONNECTED = {Introduction.Status.WENT_ALONG, Introduction.Status.STILL_CONNECTED}


class IntroductionStep(models.Model):
    """Each change of an introduction's status, kept so connections can be counted over time."""

    # Indexed with the date below, which serves lookups by introduction as well.
    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    status = models.CharField(max_length=20, choices=Introduction.Status.choices)
    on = models.DateField(default=timezone.localdate)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at"]
        # Reports count steps of a status by date (connections made each month: the index covers
        # it), and ask, for each person, whether an introduction of theirs moved in a period.
        indexes = [
            models.Index(fields=["status", "on", "introduction"], name="introduction_step_status_on"),
            models.Index(fields=["introduction", "on"], name="introduction_step_intro_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on}"


class DropInSession(models.Model):
    """A drop-in at a venue on a day, run by a team, with hosts: for example a community-led
    drop-in with a social worker and a Local Area Coordinator on hand."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="drop_ins")
    title = models.CharField(max_length=200, help_text="For example: Partington community drop-in.")
    venue = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(max_length=200, blank=True, help_text="Where, when the venue is not listed.")
    on = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="drop_ins_hosted")
    others_on_hand = models.CharField(
        max_length=300, blank=True, help_text="For example: a social worker from the adult social care team."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="drop_in_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.on}"

    @property
    def where(self) -> str:
        return self.venue.name if self.venue_id else self.place


class Attendance(models.Model):
    """Someone at a drop-in: a person on record, or someone not yet on record (a first name only),
    and who or what they were linked with there."""

    session = models.ForeignKey(DropInSession, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="attendances"
    )
    first_name = models.CharField(
        max_length=60, blank=True, help_text="For someone not yet on record: a first name is enough."
    )
    linked_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A professional they spoke with there.",
    )
    linked_listing = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(first_name=""))
                | (Q(person__isnull=True) & ~Q(first_name="")),
                name="attendance_person_or_first_name",
            ),
            models.UniqueConstraint(
                fields=["session", "person"], condition=Q(person__isnull=False), name="attends_a_session_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"

    @property
    def who(self) -> str:
        return self.person.display_name if self.person_id else f"{self.first_name} (not on record)"


class ReferralLink(models.Model):
    """A referring organisation's way into a team's referral inbox, with no account: a secret
    link to the referral form and a token for the API. Only digests of the two secrets are kept
    (they are shown once, when made); revoking the link stops both."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="referral_links")
    referring_organisation = models.CharField(
        max_length=200, help_text="For example: Partington Health Centre."
    )
    kind = models.CharField(
        "kind of organisation", max_length=20, choices=Introducer.choices, default=Introducer.GP_PRACTICE
    )
    form_digest = models.CharField(max_length=64, unique=True)
    api_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["referring_organisation", "-created_at"]

    def __str__(self) -> str:
        return f"Referral link for {self.referring_organisation}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class IncomingReferral(models.Model):
    """A referral sent in by a referring organisation (through its link or the API), waiting in
    the team's referral inbox until a link worker accepts it (making or linking the person's
    record and a ``Referral``) or declines it. Holds a person's data: read it only through
    ``selectors``; every read is audited."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        MORE_INFORMATION_ASKED = "more_information_asked", "More information asked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="incoming_referrals")
    link = models.ForeignKey(
        ReferralLink, null=True, on_delete=models.SET_NULL, related_name="incoming_referrals"
    )
    referring_organisation = models.CharField(max_length=200)
    referrer_name = models.CharField(max_length=200)
    referrer_email = models.EmailField()
    referrer_phone = models.CharField(max_length=40, blank=True)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    communication_needs = models.TextField(blank=True)
    reasons = models.JSONField(default=list, help_text="Codes from Referral.Reason.")
    what_matters = models.TextField(blank=True, help_text="Why they are referred, and what matters to them.")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    decline_reason = models.TextField(blank=True)
    snomed_code = models.CharField("SNOMED CT code", max_length=18, default=SNOMED_REFERRAL)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming_referrals"
    )
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming"
    )
    received_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["team", "status"], name="incoming_referral_team_status")]

    def __str__(self) -> str:
        return f"Incoming referral {self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Every incoming referral read while answering a request is on its audit trail, as a
        person's record is (``Person.from_db``)."""
        incoming = super().from_db(db, field_names, values)
        audit.loaded(incoming)
        return incoming

    @property
    def reference(self) -> str:
        return f"R{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.MORE_INFORMATION_ASKED)

    def reason_labels(self) -> list[str]:
        labels = dict(Referral.Reason.choices)
        return [labels.get(code, code) for code in self.reasons]


class ReferralStep(models.Model):
    """One step of a referral's history, who took it and when: received, more information asked,
    accepted, declined, changed, closed. Steps of an incoming referral move to the ``Referral``
    it becomes, so the referral shows its whole history."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        MORE_INFORMATION_ASKED = "more_information_asked", "More information asked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CHANGED = "changed", "Changed"
        CLOSED = "closed", "Closed"

    incoming = models.ForeignKey(
        IncomingReferral, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(max_length=24, choices=Status.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=254, blank=True, help_text="Who, when not someone signed in.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False) | Q(referral__isnull=False),
                name="referral_step_of_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        return self.by.full_name if self.by_id else self.by_label
