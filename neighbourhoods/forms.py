from typing import Any

from django import forms
from django.db.models import QuerySet

from common.forms import day_field
from places.models import Neighbourhood


class TeamForm(forms.Form):
    """A team's name, area and description; ``areas`` are the requester's to choose
    (``selectors.areas_for_team``)."""

    name = forms.CharField(
        label="Team name",
        max_length=200,
        help_text="For example: Partington neighbourhood team.",
        error_messages={"required": "Enter the team's name", "max_length": "Keep it under 200 characters"},
    )
    neighbourhood = forms.ModelChoiceField(
        label="Area the team works",
        queryset=Neighbourhood.objects.none(),
        empty_label="Choose an area",
        error_messages={
            "required": "Choose the area the team works",
            "invalid_choice": "Choose one of the areas listed",
        },
    )
    description = forms.CharField(
        label="About the team (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who is on it and how to reach them: residents and partners read this.",
    )

    def __init__(self, *args: Any, areas: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = areas


class MemberForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="The address they sign in to Closeknit with.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    role = forms.CharField(
        label="Their role on the team (optional)",
        required=False,
        max_length=120,
        help_text="For example: practice manager, PCSO, housing officer.",
        error_messages={"max_length": "Keep it under 120 characters"},
    )


class PriorityForm(forms.Form):
    title = forms.CharField(
        label="Priority",
        max_length=200,
        help_text="For example: fuel poverty, falls prevention, getting to know each other.",
        error_messages={"required": "Enter the priority", "max_length": "Keep it under 200 characters"},
    )
    why = forms.CharField(
        label="Why it matters here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the team has heard and seen.",
    )


class PriorityChangeForm(PriorityForm):
    rank = forms.IntegerField(
        label="Its place in the order",
        min_value=1,
        help_text="1 is the top priority.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Give its place in the order",
            "invalid": "Give its place as a whole number",
            "min_value": "1 is the top place",
        },
    )


def _amount(label: str, what: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what.capitalize()} must be a number",
            "max_decimal_places": f"{what.capitalize()} can have at most 2 decimal places",
            "max_digits": f"{what.capitalize()} is too large",
            "max_whole_digits": f"{what.capitalize()} is too large",
        },
    )


class MeasureForm(forms.Form):
    name = forms.CharField(
        label="What is measured",
        max_length=200,
        help_text="For example: homes helped with energy bills, falls reported a month.",
        error_messages={"required": "Enter what is measured", "max_length": "Keep it under 200 characters"},
    )
    unit = forms.CharField(
        label="Unit (optional)", required=False, max_length=40, help_text="For example: homes, %."
    )
    baseline = _amount("Where it starts (baseline)", "the baseline")
    target = _amount("Target", "the target")
    target_by = day_field("Target date")


class ReadingForm(forms.Form):
    on = day_field("Date of the reading")
    value = _amount("Reading", "the reading")
    note = forms.CharField(label="Note", required=False, max_length=300)


class SurveyRoundForm(forms.Form):
    label = forms.CharField(
        label="Which round",
        max_length=60,
        help_text="For example: Baseline, After 12 months.",
        error_messages={"required": "Say which round this is"},
    )
    held_on = day_field("Date")
    respondents = forms.IntegerField(
        label="How many answered",
        min_value=1,
        error_messages={
            "required": "Enter how many answered",
            "invalid": "Enter a whole number",
            "min_value": "At least one person must have answered",
        },
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for n, question in enumerate(questions):
            self.fields[f"q{n}"] = forms.IntegerField(
                label=f"How many agreed: “{question}”",
                min_value=0,
                error_messages={
                    "required": "Enter how many agreed",
                    "invalid": "Enter a whole number",
                    "min_value": "Cannot be below 0",
                },
            )

    def results(self) -> dict[str, int]:
        return {q: self.cleaned_data[f"q{n}"] for n, q in enumerate(self.questions)}
