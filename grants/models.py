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
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

# A 360Giving prefix as 360Giving gives it (360G-trafford), or the part after "360G-".
THREESIXTY_PREFIX = RegexValidator(
    r"^(360G-)?[A-Za-z0-9][A-Za-z0-9-]*$",
    "Enter the 360Giving prefix as 360Giving gave it, like 360G-trafford: letters, digits and hyphens.",
)
# An org-id.guide identifier: the list's code (GB-LAE, GB-CHC, XI-...) then the organisation's own
# code in that list; or, for an organisation in no list, one made under a 360Giving prefix.
ORG_IDENTIFIER = RegexValidator(
    r"^([A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9][A-Za-z0-9-]*|360G-[A-Za-z0-9][A-Za-z0-9-]*)$",
    "Enter the identifier from org-id.guide, like GB-LAE-TRF (a council in England) or GB-CHC-1234567 "
    "(a charity in England and Wales).",
)


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
        validators=[THREESIXTY_PREFIX],
        help_text="The owner's 360Giving prefix (for example 360G-trafford), for grant identifiers. "
        "360Giving gives it when the owner registers to publish; without it the fund's grants are not "
        "exported.",
    )
    org_identifier = models.CharField(
        "funder's organisation identifier",
        max_length=60,
        blank=True,
        validators=[ORG_IDENTIFIER],
        help_text="The owner's identifier from org-id.guide, named as the funder in the 360Giving "
        "export: a council in England is GB-LAE- and its code (GB-LAE-TRF), in Scotland GB-LAS-, in "
        "Wales GB-PLA-, in Northern Ireland GB-LANI-; a charity in England and Wales GB-CHC- and its "
        "number. "
        "Without it the fund's grants are not exported.",
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
        SCREENED_OUT = "screened_out", "Not eligible"
        IN_ASSESSMENT = "in_assessment", "Being assessed"
        AWARDED = "awarded", "Awarded"
        DECLINED = "declined", "Declined"

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
    # Staff screening, after submission: passed to the panel, or not eligible (with the reason).
    screened_at = models.DateTimeField(null=True, blank=True, editable=False)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screening_note = models.TextField(blank=True)

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

    @property
    def status_for_applicant(self) -> str:
        """The status as the applicant's own pages show it: an award reads "Being assessed" until
        its offer is sent, because the fund tells the group itself, with the letter."""
        if self.status == self.Status.AWARDED:
            grant = Grant.objects.filter(application=self).only("offer_sent_at").first()
            if grant is None or grant.offer_sent_at is None:
                return str(self.Status.IN_ASSESSMENT.label)
        return str(self.get_status_display())


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


# --- Assessment (issue 20, part 2) ---------------------------------------------------------------


class Criterion(models.Model):
    """Something a round's panel scores each application against, from 0 to 5."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What a low and a high score look like.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="grants_criterion_name_unique_in_round")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    """Someone named by a fund officer to assess a round's applications: council staff, a
    councillor, or a resident on a participatory panel. Sees only the applications assigned to them,
    and each only after declaring whether they have a conflict of interest in it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_panels")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="grants_one_panel_row_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} (panel of {self.round})"


class Assignment(models.Model):
    """An application given to a panel member, and their declaration of interest in it.

    ``declaration`` is empty until they declare; they see nothing of the application before.
    With a conflict they never see it, its scores or its discussion, cannot score it, and are left
    out of its average (``assessment_selectors``)."""

    class Declaration(models.TextChoices):
        NONE = "none", "I have no conflict of interest"
        CONFLICT = "conflict", "I have a conflict of interest"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)
    declaration = models.CharField(max_length=10, choices=Declaration.choices, blank=True)
    conflict_note = models.TextField(blank=True, help_text="What the conflict is, for the fund officer.")
    declared_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"], name="grants_one_assignment_per_member"
            ),
            models.CheckConstraint(
                condition=Q(declaration="", declared_at__isnull=True)
                | (~Q(declaration="") & Q(declared_at__isnull=False)),
                name="grants_assignment_declared_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.application_id} to {self.member}"

    @property
    def is_conflicted(self) -> bool:
        return self.declaration == self.Declaration.CONFLICT


class Review(models.Model):
    """A panel member's assessment of one assigned application: a score per criterion, a
    recommendation and a comment. Counts towards averages only once sent (``submitted_at``)."""

    class Recommendation(models.TextChoices):
        FUND = "fund", "Fund"
        FUND_WITH_CONDITIONS = "fund_with_conditions", "Fund, with conditions"
        DO_NOT_FUND = "do_not_fund", "Do not fund"

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Review of {self.assignment}"


class Score(models.Model):
    """A score from 0 to 5 against one criterion, with the reviewer's comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="grants_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=5), name="grants_score_zero_to_five"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class DiscussionComment(models.Model):
    """A remark in an application's panel discussion, seen by its fund officers and by the panel
    members assigned to it without a conflict."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="discussion")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on application {self.application_id}"


class Decision(models.Model):
    """The fund's decision on an application, with who made it and when. Never changed or deleted:
    a later decision (after more information, say) is a new row, so the record shows each."""

    class Outcome(models.TextChoices):
        AWARD = "award", "Award"
        DECLINE = "decline", "Decline"
        MORE_INFORMATION = "more_information", "Ask for more information"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    amount_pence = models.PositiveBigIntegerField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why it was declined, or what more is needed.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, help_text="Kept should the account go.")
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="award") & Q(amount_pence__gt=0))
                | (~Q(outcome="award") & Q(amount_pence__isnull=True) & ~Q(reason="")),
                name="grants_decision_award_has_amount_else_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on application {self.application_id}"


# --- After the award -----------------------------------------------------------------------------


class Grant(models.Model):
    """An award, from its offer letter to the last monitoring return.

    Made by an award decision; the applicant accepts it, entering the bank account once (shown
    masked from then on). ``listing`` is the funded group's listing in the directory, the link from
    the money to what people can find and join."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="grant")
    amount_pence = models.PositiveBigIntegerField()
    conditions = models.TextField(blank=True)
    awarded_on = models.DateField()
    planned_start = models.DateField()
    planned_end = models.DateField()
    offer_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by_name = models.CharField(max_length=200, blank=True)
    bank_account_name = models.CharField(max_length=200, blank=True)
    bank_sort_code = models.CharField(max_length=6, blank=True)
    bank_account_number = models.CharField(max_length=8, blank=True)
    listing = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="grants"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="grants_grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")), name="grants_grant_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True)
                | (~Q(bank_account_name="") & ~Q(bank_sort_code="") & ~Q(bank_account_number="")),
                name="grants_grant_accepted_with_bank_account",
            ),
        ]

    def __str__(self) -> str:
        return f"Grant for {self.application}"

    @property
    def masked_account(self) -> str:
        """The account as anyone sees it after acceptance: the last two digits of each number."""
        if not self.bank_account_number:
            return ""
        return f"**-**-{self.bank_sort_code[-2:]} ******{self.bank_account_number[-2:]}"


class Payment(models.Model):
    """A tranche of a grant: set up by one fund officer, approved by another, then paid.

    The database refuses the same person setting up and approving, and a payment marked paid that
    nobody approved."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments")
    position = models.PositiveSmallIntegerField(default=0)
    amount_pence = models.PositiveBigIntegerField()
    due_on = models.DateField()
    set_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_up_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    paid_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The finance system's reference.")

    class Meta:
        ordering = ["grant", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="grants_payment_positive"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("set_up_by")),
                name="grants_payment_approved_by_a_second_person",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(approved_at__isnull=False),
                name="grants_payment_paid_only_once_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.position} of {self.grant}"


class MonitoringReturn(models.Model):
    """A report the funded group owes on a date: what happened, how many people it reached and what
    was spent, with photos if they like. Reminded before it is due and once when overdue."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="returns")
    due_on = models.DateField()
    is_final = models.BooleanField(default=False)
    what_happened = models.TextField(blank=True)
    people_reached = models.PositiveIntegerField(null=True, blank=True)
    spend_pence = models.PositiveBigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["grant", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "due_on"], name="grants_one_return_a_day"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (~Q(what_happened="") & Q(people_reached__isnull=False) & Q(spend_pence__isnull=False)),
                name="grants_return_submitted_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Return due {self.due_on} on {self.grant}"


class ReturnPhoto(models.Model):
    """A photo sent with a monitoring return, kept in the database (it goes with its backups and
    its erasure), with the words that describe it for people who cannot see it."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="photos")
    image = models.BinaryField()
    content_type = models.CharField(max_length=20)
    description = models.CharField(
        max_length=300, help_text="What the photo shows, for people who cannot see it."
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.description
