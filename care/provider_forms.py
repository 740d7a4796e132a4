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


# Registering and changing a provider. The forms check the shape of what is typed (a postcode we
# know, pounds and pence, a number of miles); ``provider_services.clean_provider_details`` checks
# the rest, for the pages and the back office alike.


class ProviderDetailsForm(forms.Form):
    """What a micro-provider offers, where, for how much and in which languages."""

    owner_name = forms.CharField(
        label="Who runs it", max_length=200, error_messages={"required": "Enter the name of who runs it"}
    )
    offers = forms.MultipleChoiceField(
        label="What it offers",
        choices=Offer.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of support it offers"},
    )
    base_postcode = PostcodeField(
        label="Postcode it works from",
        help_text="Distances to the people it supports are measured from here.",
        error_messages={"required": "Enter the postcode it works from"},
    )
    covers_postcode_areas = forms.CharField(
        label="Postcode districts or sectors it covers",
        required=False,
        max_length=500,
        help_text="Separated by commas, for example: M33, M32 9. Or give a distance below, or both.",
    )
    covers_radius_miles = forms.DecimalField(
        label="Or how far from its base it goes, in miles",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": "Enter a number of miles, like 3 or 2.5",
            "max_digits": "Enter a distance of up to 100 miles",
            "max_decimal_places": "Enter the miles to one decimal place, like 2.5",
        },
    )
    # Named as the service names it, so its refusals land here; typed in pounds and pence.
    price_per_hour_pence = forms.DecimalField(
        label="Price for an hour, in pounds",
        help_text="For example 18.50",
        max_digits=7,
        decimal_places=2,
        error_messages={
            "required": "Enter the price for an hour, like 18.50",
            "invalid": "Enter the price for an hour in pounds and pence, like 18.50",
            "max_digits": "Enter the price for an hour, from £0 to £1,000",
            "max_decimal_places": "Enter the price for an hour in pounds and pence, like 18.50",
        },
    )
    languages = forms.CharField(
        label="Languages spoken (optional)",
        required=False,
        max_length=300,
        help_text="Separated by commas, for example: English, Urdu.",
    )
    needs_cqc_registration = forms.BooleanField(
        label="It needs CQC registration (two or more staff doing personal care)", required=False
    )
    cqc_number = forms.CharField(
        label="CQC id (when registered)",
        required=False,
        max_length=20,
        help_text="As CQC writes it: 1- and then 9 to 11 digits, like 1-101234567.",
    )

    def clean_price_per_hour_pence(self) -> int:
        pounds = self.cleaned_data["price_per_hour_pence"]
        return int(pounds * 100)

    def clean_languages(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["languages"].split(",") if name.strip()]

    @staticmethod
    def initial_for(micro_provider) -> dict:  # type: ignore[no-untyped-def]
        """The form's starting values from a provider as it is."""
        pence = micro_provider.price_per_hour_pence
        return {
            "owner_name": micro_provider.owner_name,
            "offers": micro_provider.offers,
            "base_postcode": micro_provider.base_postcode_id,
            "covers_postcode_areas": micro_provider.covers_postcode_areas,
            "covers_radius_miles": micro_provider.covers_radius_miles,
            "price_per_hour_pence": f"{pence // 100}.{pence % 100:02d}",
            "languages": ", ".join(micro_provider.languages),
            "needs_cqc_registration": micro_provider.needs_cqc_registration,
            "cqc_number": micro_provider.cqc_number,
        }


class RegisterProviderForm(ProviderDetailsForm):
    """A new micro-provider: its name in the directory, which team supports it, then its details."""

    team = forms.ModelChoiceField(
        label="Micro-enterprise team",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose a team"},
    )
    name = forms.CharField(
        label="Name, as people will see it",
        max_length=200,
        error_messages={"required": "Enter the provider's name, as people will see it"},
    )
    description = forms.CharField(
        label="What it does",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what it does, in a sentence or two"},
    )
    email = forms.EmailField(
        label="Email address for contact requests (optional)",
        required=False,
        help_text="Used until it has an editor of its own.",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    field_order = ["team", "name", "description", "email"]

    def __init__(self, *args, teams, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.only_team = teams[0] if len(teams) == 1 else None
        if self.only_team is not None:
            # One team to choose: it is the team, whatever was posted.
            del self.fields["team"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if self.only_team is not None:
            data["team"] = self.only_team
        return data


class WorkerForm(forms.Form):
    name = forms.CharField(
        label="Worker's name", max_length=200, error_messages={"required": "Enter the worker's name"}
    )
    role = forms.CharField(
        label="What they do",
        max_length=100,
        help_text="For example: support worker.",
        error_messages={"required": "Enter what they do, such as support worker"},
    )


class WorkerLeftForm(forms.Form):
    worker = forms.TypedChoiceField(
        label="Who has left", coerce=int, error_messages={"required": "Choose who has left"}
    )
    left_on = forms.DateField(
        label="The day they left",
        widget=DateInput(),
        error_messages={"required": "Enter the day they left", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, workers=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "Choose a worker"), *[(str(w.pk), str(w)) for w in workers]]


class TimeSlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[("", "Choose a day"), *[(str(n), d) for n, d in WEEKDAY_CHOICES]],
        error_messages={"required": "Choose a day"},
    )
    starts_at = forms.TimeField(
        label="From",
        widget=TimeInput(),
        error_messages={"required": "Enter the time it starts", "invalid": "Enter a time like 09:00"},
    )
    ends_at = forms.TimeField(
        label="Until",
        widget=TimeInput(),
        error_messages={"required": "Enter the time it ends", "invalid": "Enter a time like 17:00"},
    )
