from django import forms

from common.forms import day_field


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
