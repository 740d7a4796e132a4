"""Forms of the coordinators' pages: the day board's date, assigning a driver and vehicle, a trip's
outcome, and asking for a ride for a passenger. Forms check the shape of what is typed; the
services check what it means (and name the field when they refuse)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from common.forms import TimeInput, day_field

from .models import MobilityAid, Passenger, Purpose, Trip
from .report_selectors import ReportPeriod, last_full_quarter


class DayForm(forms.Form):
    """The day board's "go to a day" form (a GET, so it works without JavaScript)."""

    day = day_field("Day")


class ReportPeriodForm(forms.Form):
    """The period of a scheme's reports (a GET): the last full quarter unless both days are given."""

    since = day_field("From", required=False)
    until = day_field("To", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if (since is None) != (until is None) and not self.errors:
            missing = "since" if since is None else "until"
            self.add_error(missing, "Enter both days, or neither for the last full quarter")
        elif since is not None and until is not None and since > until:
            self.add_error("until", "The day to must be the same as or after the day from")
        elif since is not None and until is not None and (until - since).days > 3 * 366:
            self.add_error("until", "Choose a period of at most three years")
        return data

    def period(self) -> ReportPeriod:
        """The period asked for, or the last full quarter (also when the form has errors)."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("since"):
            return ReportPeriod(self.cleaned_data["since"], self.cleaned_data["until"])
        return last_full_quarter(timezone.localdate())


class AssignForm(forms.Form):
    """A driver and a vehicle of the trip's scheme."""

    driver = forms.ModelChoiceField(
        queryset=None,
        label="Driver",
        empty_label="Choose a driver",
        error_messages={"required": "Choose a driver", "invalid_choice": "Choose a driver from the list"},
    )
    vehicle = forms.ModelChoiceField(
        queryset=None,
        label="Vehicle",
        empty_label="Choose a vehicle",
        error_messages={"required": "Choose a vehicle", "invalid_choice": "Choose a vehicle from the list"},
    )

    def __init__(self, *args: Any, drivers: Any, vehicles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = drivers
        self.fields["vehicle"].queryset = vehicles


MONEY_HINT = "In pounds and pence, like 2.50. Leave empty if none."


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[(value, label) for value, label in Trip.Status.choices if value in Trip.OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose what happened from the list",
        },
    )
    reason = forms.CharField(
        label="Why it did not happen as planned",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for everything but completed. Plain words: the passenger may ask to see it.",
        error_messages={"max_length": "Keep the reason to 500 characters"},
    )
    # Text, not a number field: the service says what is wrong with an amount, naming the field.
    fare = forms.CharField(label="Fare paid (£)", required=False, max_length=12, help_text=MONEY_HINT)
    donation = forms.CharField(
        label="Donation given (£)", required=False, max_length=12, help_text=MONEY_HINT
    )
    with_return = forms.BooleanField(
        label="If the trip did not happen, cancel its return too (when it has one not yet made)",
        required=False,
        initial=True,
    )


def _passenger_label(passenger: Passenger) -> str:
    if passenger.person is not None:
        return passenger.person.full_name
    return passenger.account.full_name if passenger.account else str(passenger)


def _local(day: date, at: time | None) -> datetime | None:
    return None if at is None else timezone.make_aware(datetime.combine(day, at))


class RequestForm(forms.Form):
    """A ride for a passenger: who, which scheme, when (pick-up or appointment, and a return),
    from and to, and who and what comes along."""

    passenger = forms.ModelChoiceField(
        queryset=None,
        label="Passenger",
        empty_label="Choose a passenger",
        error_messages={
            "required": "Choose a passenger",
            "invalid_choice": "Choose a passenger from the list",
        },
    )
    scheme = forms.ModelChoiceField(
        queryset=None,
        label="Scheme",
        empty_label="Choose a scheme",
        error_messages={"required": "Choose a scheme", "invalid_choice": "Choose a scheme from the list"},
    )
    on = day_field("Day of the ride")
    pickup_at = forms.TimeField(
        label="Pick-up time (optional)",
        required=False,
        widget=TimeInput(),
        help_text="For example, 10:00. Give a pick-up time, an appointment time, or both.",
        error_messages={"invalid": "The pick-up time must be a time, like 10:00"},
    )
    appointment_at = forms.TimeField(
        label="Appointment time (optional)",
        required=False,
        widget=TimeInput(),
        help_text="When they must be there. We then pick up in good time.",
        error_messages={"invalid": "The appointment time must be a time, like 10:45"},
    )
    return_pickup_at = forms.TimeField(
        label="Return pick-up time (optional)",
        required=False,
        widget=TimeInput(),
        help_text="Leave empty for one way.",
        error_messages={"invalid": "The return pick-up time must be a time, like 14:30"},
    )
    repeats_weekly_until = day_field(
        "Repeat every week until (optional)",
        required=False,
        help_text="For a weekly ride, like a lunch club: the last day. Leave empty for one ride.",
    )
    pickup_address = forms.CharField(label="Pick-up address", max_length=300, required=False)
    pickup_postcode = forms.CharField(label="Pick-up postcode", max_length=10, required=False)
    destination = forms.CharField(label="Going to", max_length=300, required=False)
    destination_postcode = forms.CharField(
        label="Postcode of where they are going", max_length=10, required=False
    )
    escorts = forms.IntegerField(
        label="Escorts or guests travelling too",
        min_value=0,
        max_value=3,
        initial=0,
        error_messages={
            "required": "Enter how many escorts or guests travel too (0 if none)",
            "invalid": "Enter how many escorts or guests as a number, like 1",
            "min_value": "Escorts or guests cannot be fewer than 0",
            "max_value": "Up to 3 escorts or guests",
        },
    )
    mobility_aid = forms.ChoiceField(
        label="Mobility aid on this ride",
        required=False,
        choices=[("", "As on their record"), *MobilityAid.choices],
        error_messages={"invalid_choice": "Choose a mobility aid from the list"},
    )
    purpose = forms.ChoiceField(
        label="What the ride is for (optional)",
        required=False,
        choices=[("", "Not said"), *Purpose.choices],
        help_text="For the scheme's reports. A ride to an introduction is to a group or activity.",
        error_messages={"invalid_choice": "Choose what the ride is for from the list"},
    )
    introduction = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That introduction is not one you can book a ride to"},
    )

    def __init__(self, *args: Any, passengers: Any, schemes: Any, introductions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["passenger"].queryset = passengers
        self.fields["passenger"].label_from_instance = _passenger_label
        self.fields["scheme"].queryset = schemes
        self.fields["introduction"].queryset = introductions

    def add_error(self, field: str | None, error: Any) -> None:
        # The introduction is a hidden field: its problem is said at the top of the form instead.
        super().add_error(None if field == "introduction" else field, error)

    def ride(self) -> dict[str, Any]:
        """The cleaned form as ``services.request_trip`` takes it (times in Europe/London)."""
        data = self.cleaned_data
        day = data["on"]
        aid = data.get("mobility_aid") or None
        return {
            "pickup_at": _local(day, data.get("pickup_at")),
            "appointment_at": _local(day, data.get("appointment_at")),
            "return_pickup_at": _local(day, data.get("return_pickup_at")),
            "repeats_weekly_until": data.get("repeats_weekly_until"),
            "escorts": data["escorts"],
            "mobility_aid": aid,
            "introduction": data.get("introduction"),
            "purpose": data.get("purpose") or None,
        }
