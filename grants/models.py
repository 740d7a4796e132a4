"""Small grants: funds, their rounds, the questions a round asks, and applications with their
answers.

Answers are stored in typed columns (``Answer.text``, ``amount_pence``, ``day``, ``choice``) and a
budget table as rows (``BudgetRow``), not as JSON: assessment (part 2) and the 360Giving export
(part 3) read amounts, dates and totals with the database's own types, sums and checks. What a
360Giving export needs of the applicant is recorded on the application itself: the directory
organisation applied for (its charity and company numbers copied when the application starts),
or an unconstituted group's name, contact and postcode (``places.Postcode`` gives ward and LSOA).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


class Fund(models.Model):
    """A pot of money an organisation (usually a council) gives out in rounds."""

    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(max_length=200, unique=True)
    purpose = models.TextField(help_text="What the fund is for, in words applicants read.")
    total_pence = models.PositiveBigIntegerField(
        "total (pence)", help_text="All the fund may give, in pence."
    )
    prefix = models.CharField(
        max_length=40,
        blank=True,
        help_text="The owner's 360Giving prefix (for example 360G-trafford), for grant identifiers.",
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(total_pence__gt=0), name="grants_fund_total_positive")
        ]

    def __str__(self) -> str:
        return self.name


class FundOfficer(models.Model):
    """Someone on the owner organisation's staff who sets up this fund's rounds and reads its
    applications. Named in the back office, per fund; proves a second factor on every page."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "user"], name="grants_one_officer_row_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} (officer of {self.fund})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.user_id and self.fund_id and self.user.organisation_id != self.fund.owner_id:
            raise ValidationError({"user": "Choose someone whose organisation owns this fund."})


class Round(models.Model):
    """One window for applying to a fund, with its budget, award limits and questions.

    Open from the start of ``opens_on`` to the end of ``closes_on`` (Europe/London), once
    published. Its questions are fixed once anyone has applied (``services`` refuses changes)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    budget_pence = models.PositiveBigIntegerField("budget (pence)")
    minimum_award_pence = models.PositiveBigIntegerField("smallest award (pence)")
    maximum_award_pence = models.PositiveBigIntegerField("largest award (pence)")
    guidance = models.TextField(blank=True, help_text="What applicants should know before they start.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="grants_round_name_unique_in_fund"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="grants_round_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(minimum_award_pence__gt=0), name="grants_round_minimum_positive"
            ),
            models.CheckConstraint(
                condition=Q(maximum_award_pence__gte=F("minimum_award_pence")),
                name="grants_round_max_at_least_min",
            ),
            models.CheckConstraint(
                condition=Q(budget_pence__gte=F("maximum_award_pence")),
                name="grants_round_budget_at_least_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.name}"

    @property
    def opens_at(self) -> datetime:
        return datetime.combine(self.opens_on, time.min, tzinfo=LONDON)

    @property
    def closes_at(self) -> datetime:
        """The last moment to submit: the end of the closing day in Europe/London."""
        return datetime.combine(self.closes_on, time.max, tzinfo=LONDON)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now <= self.closes_at

    def has_closed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) > self.closes_at


class EligibilityQuestion(models.Model):
    """A yes-or-no question that screens applicants out before they write anything."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligibility_questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300, help_text='For example: "Are you based in East Cambridgeshire?"')
    eligible_answer = models.BooleanField(default=True, help_text="The answer that lets an applicant go on.")
    reason = models.CharField(
        max_length=500, help_text="What an applicant who answers the other way is told, and what they can do."
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Section(models.Model):
    """A part of a round's application form, with its questions."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A typed question of a section. The kind fixes how an answer is typed, checked and stored."""

    class Kind(models.TextChoices):
        TEXT = "text", "Text, with a word limit"
        AMOUNT = "amount", "Amount asked for (£, within the round's smallest and largest award)"
        DATE = "date", "Date"
        CHOICE = "choice", "Choice of one"
        BUDGET = "budget", "Budget table (items and amounts)"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    word_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Text questions only.")
    choices = models.JSONField(default=list, blank=True, help_text="Choice questions only: the options.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="text", word_limit__gt=0) | (~Q(kind="text") & Q(word_limit__isnull=True)),
                name="grants_question_word_limit_for_text",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def round_id(self) -> int:
        return self.section.round_id


class Application(models.Model):
    """An organisation's or unconstituted group's application to a round, from its first draft.

    ``applicant`` is the signed-in account that writes it. The organisation is a directory listing
    its editor applies for; a group without a constitution gives its name, contact and postcode."""

    class AppliesAs(models.TextChoices):
        ORGANISATION = "organisation", "An organisation in the directory"
        GROUP = "group", "A group without a constitution"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        MORE_INFORMATION = "more_information", "More information asked for"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="grant_applications"
    )
    applies_as = models.CharField(max_length=12, choices=AppliesAs.choices)
    organisation = models.ForeignKey(
        "directory.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grant_applications",
    )
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    group_name = models.CharField(max_length=200, blank=True)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=30, blank=True)
    postcode = models.ForeignKey(
        "places.Postcode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the group or its project is based: gives the ward and LSOA for 360Giving.",
    )
    title = models.CharField("project title", max_length=200)
    amount_requested_pence = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(applies_as="organisation") & Q(organisation__isnull=False))
                | (Q(applies_as="group") & Q(organisation__isnull=True) & ~Q(group_name="")),
                name="grants_application_names_its_applicant",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | (~Q(status="draft") & Q(submitted_at__isnull=False)),
                name="grants_application_submitted_when_not_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.applicant_name})"

    @property
    def applicant_name(self) -> str:
        return self.organisation.name if self.organisation_id and self.organisation else self.group_name


class EligibilityAnswer(models.Model):
    """What the applicant answered to a screening question (only eligible answers are kept: an
    applicant answering the other way is stopped before an application exists)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_answers")
    question = models.ForeignKey(EligibilityQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="grants_one_eligibility_answer")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {'yes' if self.answer else 'no'}"


class Answer(models.Model):
    """An answer to one question, in the column its kind uses (the others stay empty)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    amount_pence = models.PositiveBigIntegerField(null=True, blank=True)
    day = models.DateField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="grants_one_answer")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} on {self.application_id}"


class BudgetRow(models.Model):
    """A line of a budget table answer: what the money buys and how much."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="budget_rows")
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(max_length=200)
    amount_pence = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="grants_budget_row_positive")
        ]

    def __str__(self) -> str:
        return self.item


class InformationRequest(models.Model):
    """A fund officer asks for more information after a round closes: it re-opens the named
    questions, and only those, until the applicant sends their answers. Never deleted: the log of
    every change made after submission."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    questions = models.ManyToManyField(Question, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="grants_one_open_information_request",
            )
        ]

    def __str__(self) -> str:
        return f"Information asked for on application {self.application_id}"
