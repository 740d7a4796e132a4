from django import forms

from common.forms import day_field, time_field

from .models import Opportunity


class ContactForm(forms.Form):
    """For someone signing up without an account."""

    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )
    phone = forms.CharField(
        label="Phone number", required=False, max_length=40, help_text="An email address or a phone number."
    )


class EventSignUpForm(ContactForm):
    shifts = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="What would you like to do?",
        error_messages={
            "required": "Choose at least one thing to sign up to",
            "invalid_choice": "Choose from the list",
        },
    )

    def __init__(self, *args, shifts, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shifts"].queryset = shifts
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "skills_wanted",
            "venue",
            "place",
            "accessibility",
            "checks",
            "credit_scheme",
            "is_published",
        ]
        labels = {"is_published": "Open for sign-ups", "venue": "Venue", "credit_scheme": "Time credits"}
        widgets = {"checks": forms.RadioSelect}

    def __init__(self, *args, venues, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Give the role a title"
        self.fields["description"].error_messages["required"] = "Say what the role involves"
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = "Not listed: say where below"
        self.fields["credit_scheme"].queryset = schemes
        self.fields["credit_scheme"].empty_label = "None"
        self.fields["credit_scheme"].error_messages["invalid_choice"] = (
            "Choose a scheme your organisation takes part in"
        )
        self.fields["venue"].error_messages["invalid_choice"] = (
            "Choose a venue from the list, or say where it is"
        )


class ShiftsForm(forms.Form):
    on = day_field("Date of the first shift")
    starts_at = time_field("Start time")
    ends_at = time_field("End time")
    places = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Enter how many people are needed",
            "invalid": "Enter a whole number",
            "min_value": "Give between 1 and 500 places",
            "max_value": "Give between 1 and 500 places",
        },
    )
    weeks = forms.IntegerField(
        label="Repeat weekly for",
        initial=1,
        min_value=1,
        max_value=52,
        help_text="Number of weeks, 1 for a one-off shift.",
        error_messages={
            "min_value": "Repeat for between 1 and 52 weeks",
            "max_value": "Repeat for between 1 and 52 weeks",
            "invalid": "Enter a whole number",
        },
    )


class PlacesForm(forms.Form):
    places = forms.IntegerField(
        label="Places", min_value=1, max_value=500, error_messages={"invalid": "Enter a whole number"}
    )


HOURS_RANGE = "Give the hours as quarter hours from 0.25 to 24, like 2.5"


class AttendanceForm(forms.Form):
    """The hours someone gave, when the organiser marks that they came (empty: the shift's)."""

    hours = forms.DecimalField(
        label="Hours",
        required=False,
        min_value=0.25,
        max_value=24,
        max_digits=4,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the hours as a number, like 2.5",
            "min_value": HOURS_RANGE,
            "max_value": HOURS_RANGE,
            "max_digits": HOURS_RANGE,
            "max_decimal_places": HOURS_RANGE,
            "max_whole_digits": HOURS_RANGE,
        },
    )
