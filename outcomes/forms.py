from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from common.forms import day_field
from places.models import Neighbourhood

from .models import Agreement, OutcomeEvent
from .report import Period


class ResponseForm(forms.Form):
    """One field per item of the instrument: radios for named answers, a 0–10 choice for scales."""

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(instrument.items.all())
        for item in self.items:
            named = len(item.options) > 2 or item.max_value - item.min_value < 3
            if named:
                choices = [(str(v), label) for v, label in item.options]
            else:
                ends = dict(item.options)
                choices = [
                    (str(v), f"{v}" + (f" ({ends[v]})" if v in ends else ""))
                    for v in range(item.min_value, item.max_value + 1)
                ]
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.text or f"Question {item.position}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {item.position}"},
            )
        self.fields["on"] = day_field("Date answered")

    def answers(self) -> dict:
        return {item.code: self.cleaned_data[f"item_{item.code}"] for item in self.items}

    def add_error(self, field, error):
        # The service names items by their code; the form's fields are item_<code>.
        if field and f"item_{field}" in self.fields:
            field = f"item_{field}"
        super().add_error(field, error)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="What changed",
        choices=OutcomeEvent.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what changed"},
    )
    on = day_field("When")
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows it happened: who said so, what changed.",
        error_messages={"required": "Say what shows it happened"},
    )


class SurveyForm(forms.Form):
    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        for statement in statements:
            self.fields[f"statement_{statement.pk}"] = forms.TypedChoiceField(
                label=statement.text,
                choices=Agreement.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say how far you agree: “{statement.text}”"},
            )

    def answers(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"statement_{s.pk}"] for s in self.statements}


class ReportForm(forms.Form):
    """The period and area of the evaluation report; ``areas`` are the requester's to choose
    (``selectors.report_areas(user)``)."""

    neighbourhood = forms.ModelChoiceField(
        queryset=Neighbourhood.objects.none(), required=False, label="Area", empty_label="The whole district"
    )
    since = day_field("From", required=False)
    until = day_field("To", required=False)

    def __init__(self, *args: Any, areas: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = areas

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        until = data.get("until") or timezone.localdate()
        since = data.get("since") or until.replace(year=until.year - 1)
        if since > until:
            since, until = until, since
        return Period(since=since, until=until, area=data.get("neighbourhood"))


class GoalRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How far have they come with it?",
        choices=[
            (str(n), f"{n}" + (" (not started)" if n == 1 else " (achieved)" if n == 10 else ""))
            for n in range(1, 11)
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 to 10",
            "invalid_choice": "Choose a rating from 1 to 10",
        },
    )
    on = day_field("Date")
