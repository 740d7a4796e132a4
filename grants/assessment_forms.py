"""Forms of the assessment pages: the shape of what is typed (a score from 0 to 5, pounds and
pence, a date, a choice); ``assessment_services`` checks what it means and names the field when it
refuses. A review's fields are built from the round's criteria: ``score_<id>`` and ``comment_<id>``
for each, then the recommendation and an overall comment."""

from __future__ import annotations

from typing import Any

from django import forms

from common.forms import day_field

from .assessment_services import Award, Marks
from .forms import money_field, pence
from .models import Criterion, Decision, PanelMember, Question, Review


def _text(label: str, most: int, *, required: bool = True, rows: int = 4, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=most,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"Use at most {most:,} characters",
        },
    )


class CriterionForm(forms.Form):
    name = forms.CharField(
        label="Criterion",
        max_length=200,
        help_text="Something the panel scores from 0 to 5, like: Brings neighbours together",
        error_messages={"required": "Enter the criterion", "max_length": "Use at most 200 characters"},
    )
    guidance = _text(
        "Guidance for the panel (optional)",
        2_000,
        required=False,
        rows=3,
        hint="What a low and a high score look like",
    )


class PanelMemberForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        help_text="The address they sign in with. They need an account already.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
            "max_length": "Use at most 254 characters",
        },
    )


class AssignForm(forms.Form):
    members: forms.ModelMultipleChoiceField[PanelMember] = forms.ModelMultipleChoiceField(
        label="Panel members to assess it",
        queryset=PanelMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the panel members to assess it",
            "invalid_choice": "Choose members of this round's panel",
            "invalid_pk_value": "Choose members of this round's panel",
        },
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members
        field.label_from_instance = lambda m: m.user.full_name or m.user.email  # type: ignore[method-assign,assignment]


class ScreeningForm(forms.Form):
    eligible = forms.ChoiceField(
        label="Is it eligible?",
        choices=[("yes", "Yes: pass it to the panel"), ("no", "No: it is not eligible")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is eligible"},
    )
    note = _text(
        "Why it is not eligible",
        2_000,
        required=False,
        hint="Only if it is not eligible: the applicant is emailed this",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("eligible") == "no" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why it is not eligible: the applicant is told")
        return data


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label="Do you have a conflict of interest in this application?",
        help_text="For example: you belong to the group, work for it, or are related to someone who runs it",
        choices=[
            ("none", "No, I have no conflict of interest"),
            ("conflict", "Yes, I have a conflict of interest"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have a conflict of interest"},
    )
    conflict_note = _text(
        "What the conflict is",
        2_000,
        required=False,
        rows=3,
        hint="Only if you have one: the fund officer reads this. You cannot change your answer later",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("declaration") == "conflict" and not (data.get("conflict_note") or "").strip():
            self.add_error("conflict_note", "Say what the conflict is")
        return data


SCORES = [(str(n), str(n)) for n in range(6)]


class ReviewForm(forms.Form):
    """A score from 0 to 5 and a comment per criterion, the recommendation and an overall comment."""

    def __init__(
        self, *args: Any, criteria: list[Criterion], review: Review | None = None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = {}
        if review is not None:
            for score in review.scores.all():
                initial[f"score_{score.criterion_id}"] = str(score.score)
                initial[f"comment_{score.criterion_id}"] = score.comment
            initial["recommendation"] = review.recommendation
            initial["comment"] = review.comment
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=(criterion.guidance + " " if criterion.guidance else "")
                + "0 is none at all, 5 is excellent",
                choices=SCORES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={"invalid_choice": f"Score “{criterion.name}” from 0 to 5"},
            )
            self.fields[f"comment_{criterion.pk}"] = _text(
                f"Your comment on {criterion.name} (optional)", 2_000, required=False, rows=3
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label="Your recommendation",
            choices=Review.Recommendation.choices,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose fund, fund with conditions, or do not fund"},
        )
        self.fields["comment"] = _text("Overall comment (optional)", 5_000, required=False, rows=5)

    def marks(self) -> Marks:
        data = self.cleaned_data
        scores: dict[int, tuple[int | None, str]] = {}
        for criterion in self.criteria:
            value = data.get(f"score_{criterion.pk}")
            scores[criterion.pk] = (
                value if value not in ("", None) else None,
                data.get(f"comment_{criterion.pk}", ""),
            )
        return Marks(
            scores=scores, recommendation=data.get("recommendation", ""), comment=data.get("comment", "")
        )


class CommentForm(forms.Form):
    text = _text(
        "Your comment",
        5_000,
        rows=4,
        hint="The fund officers and the panel members without a conflict read it",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="The fund's decision",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose award, decline or ask for more information"},
    )
    amount = money_field("Amount awarded", required=False, help_text="Award only. In pounds, like 1500")
    conditions = _text("Conditions of the award (optional)", 5_000, required=False, rows=3)
    planned_start = day_field(
        "Planned start", required=False, help_text="Award only. For example, 24/11/2026"
    )
    planned_end = day_field("Planned end", required=False, help_text="Award only. For example, 24/11/2027")
    reason = _text(
        "Reason or message",
        5_000,
        required=False,
        hint="Decline: why (the applicant is emailed it). More information: what you need to know",
    )
    questions: forms.ModelMultipleChoiceField[Question] = forms.ModelMultipleChoiceField(
        label="More information: questions the applicant may answer again",
        queryset=Question.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose questions of this application",
            "invalid_pk_value": "Choose questions of this application",
        },
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = questions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Decision.Outcome.AWARD:
            for name, message in (
                ("amount", "Enter the amount awarded in pounds, like 1500"),
                ("planned_start", "Enter the planned start"),
                ("planned_end", "Enter the planned end"),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        elif (
            outcome in (Decision.Outcome.DECLINE, Decision.Outcome.MORE_INFORMATION)
            and not (data.get("reason") or "").strip()
            and "reason" not in self.errors
        ):
            self.add_error("reason", "Enter the reason, or what you need to know")
        return data

    def award(self) -> Award:
        data = self.cleaned_data
        return Award(
            amount_pence=pence(data["amount"]) or 0,
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            conditions=data.get("conditions", ""),
        )
