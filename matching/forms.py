"""Forms of the suggestion pages: they check shape; the services check meaning."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Dismissal
from .ranking import DEFAULT_WEIGHTS, Weights
from .services import WEIGHT_LABELS

# What each factor means, in plain words, for the weights page and its form.
WEIGHT_HINTS = {
    "interest": "How well it fits what they said matters to them: their interests, what matters to "
    "them and their goals, compared by meaning, not only the same words.",
    "distance": "How near it is to where they live. Anything further than they can get (from how "
    "they travel) counts for nothing; online counts as near for someone who would join online.",
    "time": "Whether it runs when they are usually free.",
    "cost": "Whether it is free (pay what you can counts a little less). Paid things count for "
    "nothing for someone who needs things free.",
    "access": "Whether the venue has what they need to get in and take part: step-free access, a "
    "hearing loop.",
    "tried": "Something they tried before that did not work out counts for nothing here, so it "
    "ranks lower. What they tried and that worked, or is under way, is never suggested again.",
}


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is it not for them?",
        choices=Dismissal.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why it is not for them"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. 300 characters at most.",
        error_messages={"max_length": "Keep the note to 300 characters or fewer"},
    )


class WeightsForm(forms.Form):
    """One number from 0 to 10 for each factor; the service checks the range again."""

    def __init__(self, *args: Any, current: Weights = DEFAULT_WEIGHTS, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(current, name) for name in Weights.names()})
        super().__init__(*args, **kwargs)
        for name in Weights.names():
            label = WEIGHT_LABELS[name]
            problem = f"Enter a number from 0 to 10 for “{label}”"
            self.fields[name] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=10,
                max_digits=4,
                decimal_places=2,
                help_text=f"{WEIGHT_HINTS[name]} Default {getattr(DEFAULT_WEIGHTS, name):g}.",
                error_messages={
                    "required": problem,
                    "invalid": problem,
                    "min_value": problem,
                    "max_value": problem,
                    "max_digits": problem,
                    "max_decimal_places": f"Use at most 2 decimal places for “{label}”",
                    "max_whole_digits": problem,
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
