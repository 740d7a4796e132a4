from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

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


class VenueField(forms.ModelChoiceField):
    """A venue from the list; anything else (a venue's id is a UUID) is "not on the list"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class EventForm(forms.Form):
    """An event: what, where and when (one day, from a start to an end time)."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the event a title"}
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What people will find there.",
    )
    venue = VenueField(
        queryset=None,
        required=False,
        label="Venue",
        empty_label="Not listed: say where below",
        error_messages={"invalid_choice": "Choose a venue from the list, or say where it is"},
    )
    place = forms.CharField(label="Where, when the venue is not listed", max_length=200, required=False)
    on = day_field("Date")
    starts_at = time_field("Start time")
    ends_at = time_field("End time")

    def __init__(self, *args, venues, event=None, **kwargs):
        if event is not None:
            starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
            kwargs.setdefault("initial", {}).update(
                title=event.title,
                description=event.description,
                venue=event.venue_id,
                place=event.place,
                on=starts.date(),
                starts_at=starts.time(),
                ends_at=ends.time(),
            )
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues

    def details(self) -> dict:
        """The cleaned event as the service takes it: times on the day, in the local time zone."""
        data, tz = self.cleaned_data, timezone.get_current_timezone()
        return {
            "title": data["title"],
            "description": data["description"],
            "venue": data["venue"],
            "place": data["place"],
            "starts_at": datetime.combine(data["on"], data["starts_at"], tzinfo=tz),
            "ends_at": datetime.combine(data["on"], data["ends_at"], tzinfo=tz),
        }


class StallForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        help_text="The organisation that will run the stall. Its organisers then choose what it offers.",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class StallOpportunitiesForm(forms.Form):
    opportunities = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What the stall offers",
        help_text="People at the event can sign up to these opportunities' coming shifts.",
        error_messages={"invalid_choice": "Choose from your organisation's open opportunities"},
    )

    def __init__(self, *args, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunities"].queryset = opportunities
