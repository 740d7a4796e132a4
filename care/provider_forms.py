"""Forms of the micro-provider pages: finding support near a person, a contact request, and the
pipeline's enquiries, support sessions and stages."""

from __future__ import annotations

from django import forms

from common.forms import DateInput
from places.forms import PostcodeField

from .models import WEEKDAY_CHOICES, Offer, ProviderCheck, ProviderEnquiry


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class FindSupportForm(forms.Form):
    postcode = PostcodeField(
        label="Where the person lives (postcode)",
        error_messages={"required": "Enter the postcode of where the person lives"},
    )
    need = forms.ChoiceField(
        label="What support they need", required=False, choices=[("", "Any support"), *Offer.choices]
    )
    day = forms.TypedChoiceField(
        label="Day",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any day"), *[(str(n), d) for n, d in WEEKDAY_CHOICES]],
    )
    starts_at = forms.TimeField(label="From", required=False, widget=TimeInput())
    ends_at = forms.TimeField(label="Until", required=False, widget=TimeInput())
    language = forms.CharField(label="Language spoken", required=False, max_length=60)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The time it ends must be after the time it starts")
        return data


class ContactRequestForm(forms.Form):
    name = forms.CharField(
        label="Name of who the support is for",
        max_length=200,
        error_messages={"required": "Enter the name of who the support is for"},
    )
    contact = forms.CharField(
        label="Phone number or email address to reply to",
        max_length=254,
        error_messages={"required": "Enter a phone number or email address"},
    )
    message = forms.CharField(
        label="What support would help (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EnquiryForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Micro-enterprise team",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose a team"},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter their name"})
    contact = forms.CharField(
        label="Phone number or email address",
        max_length=254,
        error_messages={"required": "Enter a phone number or email address"},
    )
    idea = forms.CharField(
        label="What they would like to offer (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams[0].pk


class SupportSessionForm(forms.Form):
    held_on = forms.DateField(
        label="Date of the session", widget=DateInput(), error_messages={"required": "Enter the date"}
    )
    notes = forms.CharField(
        label="What was covered (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", choices=ProviderEnquiry.Stage.choices)
    micro_provider = forms.TypedChoiceField(
        label="The micro-provider it became (when listed)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_provider"].choices = [("", "None"), *[(str(p.pk), str(p)) for p in providers]]


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label="Check", choices=ProviderCheck.Kind.choices)
    worker = forms.TypedChoiceField(label="Whose", required=False, coerce=int, empty_value=None)
    evidence_reference = forms.CharField(
        label="Evidence seen",
        max_length=100,
        help_text="The certificate, policy or letter, by its number or name.",
        error_messages={"required": "Enter the evidence seen"},
    )
    cover_pounds = forms.IntegerField(
        label="Insurance cover, in pounds (insurance only)",
        required=False,
        min_value=1,
        help_text="The quality criteria ask for £5,000,000.",
    )
    verified_on = forms.DateField(
        label="Checked on", widget=DateInput(), error_messages={"required": "Enter the date it was checked"}
    )
    expires_on = forms.DateField(
        label="Runs out on",
        required=False,
        widget=DateInput(),
        help_text="Leave empty if it does not run out.",
    )
    required = forms.BooleanField(
        label="Required: hide the provider from searches when it runs out", required=False, initial=True
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            ("", "The owner (or the business)"),
            *[(str(w.pk), str(w)) for w in workers],
        ]
