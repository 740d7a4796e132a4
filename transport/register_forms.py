"""Forms of the coordinators' registers. They check shape (a real date, a known postcode, a choice
from the list); the services check meaning (dates in order, who may do what)."""

from __future__ import annotations

from django import forms

from common.forms import day_field, time_field
from people.models import Consent
from places.forms import PostcodeField

from .models import Availability, ComplianceCheck, MobilityAid, Vehicle


def _choice(label: str, choices, message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def _text(label: str, longest: int, *, rows: int = 0, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=longest,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={"max_length": f"Use {longest:,} characters or fewer"},
        **kwargs,
    )


def _whole(label: str, *, required: bool = False, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=9_999_999,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a whole number, like 12500",
            "min_value": f"Enter the {label.lower()} as a whole number, like 12500",
            "max_value": f"Enter the {label.lower()} as a whole number, like 12500",
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        error_messages={"max_length": "Use 100 characters or fewer"},
    )


class PassengerNotesForm(forms.Form):
    """What is noted for a passenger's rides (the fields ``services.register_passenger`` takes)."""

    mobility_aid = _choice(
        "Mobility aid", MobilityAid.choices, "Choose a mobility aid from the list", initial=MobilityAid.NONE
    )
    has_mobility_need = forms.BooleanField(label="Their mobility keeps them from using buses", required=False)
    is_isolated = forms.BooleanField(label="They are isolated", required=False)
    escort_allowed = forms.BooleanField(label="They may bring an escort or a guest", required=False)
    date_of_birth = day_field(
        "Date of birth", required=False, birth=True, help_text="Optional. For example, 3/7/1948"
    )
    notes_for_driver = _text(
        "Notes for the driver (optional)",
        2000,
        rows=3,
        help_text="Only what the driver needs to know: ring the bell twice, needs a hand at the step.",
    )
    usual_places = _text(
        "Usual places (optional)", 2000, rows=3, help_text="One a line: where they often go."
    )


class PassengerFromRecordForm(PassengerNotesForm):
    """Someone on the team's records, chosen from the people whose names match the search. The
    page draws only those people as radios; the choice is looked up among ``people`` (those the
    coordinator may see), so no other list of names is ever read."""

    field_order = ["person"]
    person = forms.UUIDField(
        label="Who",
        error_messages={"required": "Choose who to register", "invalid": "Choose someone from the list"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_person(self):
        person = self.people.filter(pk=self.cleaned_data["person"]).first()
        if person is None:
            raise forms.ValidationError("Choose someone from the list")
        return person


class NewPassengerForm(PassengerNotesForm):
    """Someone the team has no record of: their record is started with their agreement."""

    field_order = ["full_name", "postcode", "consent_method"]
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter their full name", "max_length": "Use 200 characters or fewer"},
    )
    postcode = PostcodeField(
        label="Home postcode", required=False, help_text="Where they are usually picked up."
    )
    consent_method = _choice(
        "How they agreed to us keeping a record of them",
        Consent.Method.choices,
        "Say how they agreed to us keeping a record",
    )


class DecisionForm(forms.Form):
    is_eligible = _choice(
        "May they use the scheme?",
        [("yes", "Yes"), ("no", "No")],
        "Say whether they may use the scheme",
    )
    reason = _text(
        "Why (they are told when it is no)", 2000, rows=3, help_text="Needed when they may not use it."
    )

    def clean_is_eligible(self):
        return self.cleaned_data["is_eligible"] == "yes"


class CheckForm(forms.Form):
    kind = _choice("Which check", ComplianceCheck.Kind.choices, "Choose which check")
    reference = _text("Reference (optional)", 100, help_text="For example, the DBS certificate number.")
    checked_on = day_field("Date of the check")
    expires_on = day_field("Date it runs out", help_text="The last day it covers. For example, 24/11/2029")


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day",
        choices=Availability._meta.get_field("weekday").choices,
        coerce=int,
        error_messages={"required": "Choose a day", "invalid_choice": "Choose a day"},
    )
    starts_at = time_field("From")
    ends_at = time_field("Until")


class LeaveForm(forms.Form):
    starts_on = day_field("First day away")
    ends_on = day_field("Last day away")


class KeepApartForm(forms.Form):
    passenger = forms.ModelChoiceField(
        queryset=None,
        label="Passenger",
        empty_label="Choose a passenger",
        error_messages={
            "required": "Choose a passenger",
            "invalid_choice": "Choose a passenger from the list",
        },
    )
    reason = _text("Why (optional)", 300, help_text="For example: asked not to be driven by them.")

    def __init__(self, *args, passengers, name_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passenger"].queryset = passengers
        self.fields["passenger"].label_from_instance = name_of


class ServiceForm(forms.Form):
    serviced_on = day_field("Date of the service")
    odometer_miles = _whole("Odometer reading on the day (optional)")
    next_due_on = day_field("Next service due on", required=False)
    next_due_at_miles = _whole("Next service due at (miles)", help_text="Give a date, a mileage or both.")


class MotForm(forms.Form):
    tested_on = day_field("Date of the test")
    expires_on = day_field("Date the MOT runs out")


class PermitForm(forms.Form):
    permit = _choice(
        "Permit",
        [c for c in Vehicle.Permit.choices if c[0]],
        "Choose Section 19 or Section 22",
    )
    permit_number = forms.CharField(
        label="Permit number",
        max_length=30,
        error_messages={"required": "Enter the permit number", "max_length": "Use 30 characters or fewer"},
    )
    expires_on = day_field("Date the permit runs out")


class TaxYearForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Tax year",
        coerce=int,
        error_messages={"invalid_choice": "Choose a tax year from the list"},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"6 April {y} to 5 April {y + 1}") for y in years]
