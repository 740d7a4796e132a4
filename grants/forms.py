"""Forms of the grants pages. They check the shape of what is typed (pounds and pence, a date, a
yes or no); the services check what it means and name the field when they refuse.

An application's answers are one form per section (``AnswersForm``), its fields built from the
section's questions: ``q<id>`` for each question, and for a budget table ``q<id>_item_<n>`` and
``q<id>_amount_<n>`` for each row (blank rows to add more, as the page works without JavaScript).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from common.forms import day_field
from directory.models import Provider

from .models import Answer, Application, EligibilityQuestion, Question
from .services import MOST_BUDGET_ROWS, Applicant, Budget, RoundDetails

MONEY_HINT = "In pounds, like 1500 or 1500.50"


def money_field(label: str, *, required: bool = True, help_text: str = MONEY_HINT) -> forms.DecimalField:
    lower = label.lower()
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000000"),
        max_digits=11,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {lower} in pounds, like 1500",
            "invalid": f"Enter the {lower} in pounds, like 1500 or 1500.50",
            "min_value": f"The {lower} must be more than £0",
            "max_value": f"The {lower} must be at most £100,000,000",
            "max_digits": f"The {lower} must be at most £100,000,000",
            "max_whole_digits": f"The {lower} must be at most £100,000,000",
            "max_decimal_places": f"Enter the {lower} in pounds and pence, like 1500.50",
        },
    )


def pence(pounds: Decimal | None) -> int | None:
    return None if pounds is None else int(pounds * 100)


class RoundForm(forms.Form):
    name = forms.CharField(
        label="Name of the round",
        max_length=200,
        help_text="For example, Spring 2027",
        error_messages={
            "required": "Enter the name of the round",
            "max_length": "Use at most 200 characters",
        },
    )
    opens_on = day_field("Opening date")
    closes_on = day_field("Closing date", help_text="Applications close at midnight at the end of this day")
    budget = money_field("Budget for the round")
    minimum_award = money_field("Smallest award")
    maximum_award = money_field("Largest award")
    guidance = forms.CharField(
        label="Guidance for applicants (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Use at most 5,000 characters"},
    )

    def details(self) -> RoundDetails:
        data = self.cleaned_data
        return RoundDetails(
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            budget_pence=pence(data["budget"]) or 0,
            minimum_award_pence=pence(data["minimum_award"]) or 0,
            maximum_award_pence=pence(data["maximum_award"]) or 0,
            guidance=data["guidance"],
        )

    @classmethod
    def initial_of(cls, round_: Any) -> dict[str, Any]:
        return {
            "name": round_.name,
            "opens_on": round_.opens_on,
            "closes_on": round_.closes_on,
            "budget": Decimal(round_.budget_pence) / 100,
            "minimum_award": Decimal(round_.minimum_award_pence) / 100,
            "maximum_award": Decimal(round_.maximum_award_pence) / 100,
            "guidance": round_.guidance,
        }


YES_NO = [("yes", "Yes"), ("no", "No")]


class EligibilityQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text="A question answered yes or no, like: Are you based in East Cambridgeshire?",
        error_messages={"required": "Enter the question", "max_length": "Use at most 300 characters"},
    )
    eligible_answer = forms.ChoiceField(
        label="Which answer lets an applicant go on?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answer that lets an applicant go on"},
    )
    reason = forms.CharField(
        label="What to tell someone who answers the other way",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say why they cannot apply, and where else they might look",
        error_messages={
            "required": "Enter what to tell someone who cannot apply",
            "max_length": "Use at most 500 characters",
        },
    )

    def question(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["eligible_answer"] = data["eligible_answer"] == "yes"
        return data


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Section title",
        max_length=200,
        error_messages={"required": "Enter the section's title", "max_length": "Use at most 200 characters"},
    )
    intro = forms.CharField(
        label="Introduction (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Use at most 2,000 characters"},
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of question",
            "invalid_choice": "Choose the kind of question",
        },
    )
    text = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={"required": "Enter the question", "max_length": "Use at most 300 characters"},
    )
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Use at most 500 characters"},
    )
    required = forms.BooleanField(label="Applicants must answer it", required=False, initial=True)
    word_limit = forms.IntegerField(
        label="Word limit (text questions)",
        required=False,
        min_value=1,
        max_value=5000,
        error_messages={
            "invalid": "Enter the word limit as a whole number, like 250",
            "min_value": "The word limit must be at least 1",
            "max_value": "The word limit must be at most 5,000",
        },
    )
    choices = forms.CharField(
        label="Options (choice questions)",
        required=False,
        help_text="One option a line",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def question(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = data["choices"].splitlines()
        return data


class EligibilityForm(forms.Form):
    """The round's screening questions, each a yes or no."""

    def __init__(self, *args: Any, questions: list[EligibilityQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"eligibility_{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer yes or no: {question.text}"},
            )

    def answers(self) -> dict[int, bool]:
        return {
            int(name.removeprefix("eligibility_")): value == "yes"
            for name, value in self.cleaned_data.items()
            if value
        }


GROUP_LABEL = "A group without a constitution (a resident's account is enough)"


class ApplicantForm(forms.Form):
    """Who applies: an organisation the account edits in the directory, or a group they name."""

    applies_as = forms.ChoiceField(
        label="Who are you applying for?",
        choices=[
            (Application.AppliesAs.GROUP, GROUP_LABEL),
            (Application.AppliesAs.ORGANISATION, "An organisation I keep up to date in the directory"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are applying for"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Choose your organisation",
        help_text="Only for an organisation",
        error_messages={"invalid_choice": "Choose an organisation you edit in the directory"},
    )
    group_name = forms.CharField(
        label="Group's name",
        required=False,
        max_length=200,
        help_text="Only for a group",
        error_messages={"max_length": "Use at most 200 characters"},
    )
    postcode = forms.CharField(
        label="Postcode where the group meets or the project happens",
        required=False,
        max_length=10,
        help_text="For example, M32 0TH. Needed for a group",
        error_messages={"max_length": "Enter a postcode like M32 0TH"},
    )
    title = forms.CharField(
        label="Your project's title",
        max_length=200,
        help_text="For example, Start a parish timebank",
        error_messages={"required": "Enter your project's title", "max_length": "Use at most 200 characters"},
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        error_messages={"required": "Enter the contact's name", "max_length": "Use at most 200 characters"},
    )
    contact_phone = forms.CharField(
        label="Contact phone (optional)",
        required=False,
        max_length=30,
        error_messages={"max_length": "Use at most 30 characters"},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if not organisations.exists():
            del self.fields["organisation"]
            choice = self.fields["applies_as"]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = [(Application.AppliesAs.GROUP, GROUP_LABEL)]

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            applies_as=data["applies_as"],
            title=data["title"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            organisation=data.get("organisation"),
            group_name=data["group_name"],
            postcode=data["postcode"],
        )


BLANK_BUDGET_ROWS = 3
FEWEST_BUDGET_ROWS = 4


class AnswersForm(forms.Form):
    """The questions of one section, filled with the saved answers, each typed as its kind asks.
    Only ``editable`` questions get fields; the others are shown, not asked."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        answers: dict[int, Answer],
        editable: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.pk in editable]
        self.budget_rows: dict[int, int] = {}
        for question in self.questions:
            answer = answers.get(question.pk)
            name = f"q{question.pk}"
            hint = question.hint
            if question.kind == Question.Kind.TEXT:
                hint = f"{hint} Use {question.word_limit:,} words or fewer.".strip()
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 6}),
                    help_text=hint,
                )
                self.initial[name] = answer.text if answer else ""
            elif question.kind == Question.Kind.AMOUNT:
                self.fields[name] = money_field(question.text, required=False, help_text=hint or MONEY_HINT)
                if answer and answer.amount_pence is not None:
                    self.initial[name] = Decimal(answer.amount_pence) / 100
            elif question.kind == Question.Kind.DATE:
                self.fields[name] = day_field(question.text, required=False, help_text=hint)
                self.initial[name] = answer.day if answer else None
            elif question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    required=False,
                    choices=[(c, c) for c in question.choices],
                    widget=forms.RadioSelect,
                    help_text=hint,
                    error_messages={"invalid_choice": f"“{question.text}”: choose one of the options"},
                )
                self.initial[name] = answer.choice if answer else ""
            else:
                self._budget_fields(question, answer)

    def _budget_fields(self, question: Question, answer: Answer | None) -> None:
        saved = list(answer.budget_rows.all()) if answer else []
        count = min(max(len(saved) + BLANK_BUDGET_ROWS, FEWEST_BUDGET_ROWS), MOST_BUDGET_ROWS)
        self.budget_rows[question.pk] = count
        for n in range(count):
            item, amount = f"q{question.pk}_item_{n}", f"q{question.pk}_amount_{n}"
            self.fields[item] = forms.CharField(
                label=f"Item {n + 1}",
                required=False,
                max_length=200,
                error_messages={"max_length": f"“{question.text}”, item {n + 1}: use at most 200 characters"},
            )
            self.fields[amount] = money_field(f"Amount for item {n + 1}", required=False, help_text="")
            if n < len(saved):
                self.initial[item] = saved[n].item
                self.initial[amount] = Decimal(saved[n].amount_pence) / 100

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for pk, count in self.budget_rows.items():
            for n in range(count):
                item, amount = data.get(f"q{pk}_item_{n}"), data.get(f"q{pk}_amount_{n}")
                if item and amount is None and f"q{pk}_amount_{n}" not in self.errors:
                    self.add_error(f"q{pk}_amount_{n}", f"Give an amount for item {n + 1}")
                if amount is not None and not item:
                    self.add_error(f"q{pk}_item_{n}", f"Say what item {n + 1} is")
        return data

    def values(self) -> dict[int, Any]:
        """Each question's answer as the service takes it: pence for amounts, a ``Budget``."""
        data = self.cleaned_data
        found: dict[int, Any] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.AMOUNT:
                found[question.pk] = pence(data.get(name))
            elif question.kind == Question.Kind.BUDGET:
                rows = []
                for n in range(self.budget_rows[question.pk]):
                    item, amount = data.get(f"{name}_item_{n}"), data.get(f"{name}_amount_{n}")
                    if item and amount is not None:
                        rows.append((item, pence(amount) or 0))
                found[question.pk] = Budget(tuple(rows))
            else:
                found[question.pk] = data.get(name)
        return found

    def rows_of(self, question: Question) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """A budget question's rows of (item, amount) fields, for the template."""
        return [
            (self[f"q{question.pk}_item_{n}"], self[f"q{question.pk}_amount_{n}"])
            for n in range(self.budget_rows.get(question.pk, 0))
        ]


class InformationRequestForm(forms.Form):
    message = forms.CharField(
        label="What you need to know",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The applicant reads this in an email and on their application",
        error_messages={
            "required": "Enter what you need to know",
            "max_length": "Use at most 2,000 characters",
        },
    )
    questions: forms.ModelMultipleChoiceField[Question] = forms.ModelMultipleChoiceField(
        label="Questions the applicant may answer again",
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the questions the applicant may answer again",
            "invalid_choice": "Choose questions of this application",
            "invalid_pk_value": "Choose questions of this application",
        },
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = questions
