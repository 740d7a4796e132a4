"""Forms for a resident asking for a ride and a driver recording a run's odometer readings. They
check the shape of what is typed; the services (``services.request_trip``,
``mileage.record_odometer``) check what it means, and their refusals land on these fields, whose
names are the services' own."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from common.forms import TimeInput, day_field, time_field

from .models import MobilityAid, Passenger, Purpose, Scheme
from .services import MOST_ESCORTS, Journey

ELSEWHERE = "elsewhere"
# A usual place may end with its postcode ("Friendship lunch club, M33 2AA"); it is used if so.
TRAILING_POSTCODE = re.compile(r"[,\s]+([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\s*$", re.IGNORECASE)


def usual_places(passenger: Passenger) -> list[str]:
    return [line.strip() for line in passenger.usual_places.splitlines() if line.strip()][:12]


class RideRequestForm(forms.Form):
    """Where from and to, when, the way back, and who and what travels."""

    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.none(),
        label="Which scheme",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the scheme", "invalid_choice": "Choose one of your schemes"},
    )
    pickup_address = forms.CharField(
        label="Pick-up address",
        max_length=300,
        help_text="Where the driver collects you: house number and street",
        error_messages={"required": "Enter the pick-up address"},
    )
    pickup_postcode = forms.CharField(
        label="Pick-up postcode",
        max_length=8,
        error_messages={"required": "Enter the pick-up postcode"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
    )
    place = forms.ChoiceField(
        label="Where to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where you are going"},
    )
    destination = forms.CharField(
        label="Somewhere else: the place and its address",
        max_length=300,
        required=False,
    )
    destination_postcode = forms.CharField(
        label="Postcode of where you are going",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    on = day_field("Day of the ride")
    time_is = forms.ChoiceField(
        label="The time is",
        widget=forms.RadioSelect,
        choices=[("pickup", "When to pick me up"), ("appointment", "When I need to be there")],
        initial="pickup",
        error_messages={"required": "Say whether the time is the pick-up or the appointment"},
    )
    pickup_at = time_field("Time")
    return_pickup_at = forms.TimeField(
        label="Ride home: pick-up time (optional)",
        required=False,
        help_text="Leave empty if you do not need a ride back. For example, 14:30",
        widget=TimeInput(),
        error_messages={"invalid": "The ride home's pick-up time must be a time, like 14:30"},
    )
    purpose = forms.ChoiceField(
        label="What is the ride for? (optional)",
        required=False,
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        help_text="It helps the scheme plan. You do not have to say.",
        error_messages={"invalid_choice": "Choose what the ride is for from the list"},
    )
    mobility_aid = forms.ChoiceField(
        label="Travelling with",
        choices=MobilityAid.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you travel with"},
    )
    escorts = forms.IntegerField(
        label="People coming with you",
        min_value=0,
        max_value=MOST_ESCORTS,
        initial=0,
        help_text=f"A carer, friend or guest: up to {MOST_ESCORTS}",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many people come with you (0 if nobody)",
            "invalid": "Enter how many people come with you as a number, like 1",
            "min_value": "Enter how many people come with you (0 if nobody)",
            "max_value": f"Up to {MOST_ESCORTS} people can come with you",
        },
    )

    def __init__(self, *args: Any, passenger: Passenger, schemes: list[Scheme], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "mobility_aid": passenger.mobility_aid,
                "pickup_postcode": passenger.postcode.postcode if passenger.postcode else "",
                "scheme": schemes[0].pk if len(schemes) == 1 else None,
                "escorts": 0,
                "time_is": "pickup",
            },
        )
        super().__init__(*args, **kwargs)
        scheme_field = self.fields["scheme"]
        assert isinstance(scheme_field, forms.ModelChoiceField)
        scheme_field.queryset = Scheme.objects.filter(pk__in=[s.pk for s in schemes])
        places = usual_places(passenger)
        place_field = self.fields["place"]
        assert isinstance(place_field, forms.ChoiceField)
        place_field.choices = [(f"usual:{n}", name) for n, name in enumerate(places)] + [
            (ELSEWHERE, "Somewhere else")
        ]
        self.places = places
        if len(places) == 0:
            self.fields["place"].initial = ELSEWHERE
        if not passenger.escort_allowed:
            del self.fields["escorts"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        place = data.get("place")
        if place and place.startswith("usual:"):
            name = self.places[int(place.removeprefix("usual:"))]
            found = TRAILING_POSTCODE.search(name)
            if found:
                name = name[: found.start()].strip()
                data["destination_postcode"] = data.get("destination_postcode") or found.group(1)
            data["destination"] = name
        elif place == ELSEWHERE and not data.get("destination"):
            self.add_error("destination", "Enter where you are going")
        if place and not data.get("destination_postcode"):
            self.add_error("destination_postcode", "Enter the postcode of where you are going")
        return data

    def request(self) -> dict[str, Any]:
        """The keyword arguments of ``services.request_trip`` (after the user and passenger)."""
        data = self.cleaned_data
        on: date = data["on"]

        def moment(clock: time | None) -> datetime | None:
            return None if clock is None else timezone.make_aware(datetime.combine(on, clock))

        at = moment(data["pickup_at"])
        return {
            "scheme": data["scheme"],
            "journey": Journey(
                pickup_address=data["pickup_address"],
                pickup_postcode=data["pickup_postcode"],
                destination=data["destination"],
                destination_postcode=data["destination_postcode"],
            ),
            "pickup_at": at if data["time_is"] == "pickup" else None,
            "appointment_at": at if data["time_is"] == "appointment" else None,
            "return_pickup_at": moment(data.get("return_pickup_at")),
            "escorts": data.get("escorts") or 0,
            "mobility_aid": data["mobility_aid"],
            "purpose": data.get("purpose") or None,
        }


class OdometerForm(forms.Form):
    """A run's readings, and for a volunteer in their own car what they paid and carried."""

    start_odometer = forms.IntegerField(
        label="Odometer at the start (miles)",
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the odometer reading at the start",
            "invalid": "Enter the start reading as a whole number of miles, like 31250",
            "min_value": "Enter the start reading as a whole number of miles, like 31250",
        },
    )
    end_odometer = forms.IntegerField(
        label="Odometer at the end (miles)",
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the odometer reading at the end",
            "invalid": "Enter the end reading as a whole number of miles, like 31268",
            "min_value": "Enter the end reading as a whole number of miles, like 31268",
        },
    )
    parking = forms.DecimalField(
        label="Parking paid (£)",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="In pounds and pence, like 2.50. Leave empty if none",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the parking paid in pounds and pence, like 2.50",
            "min_value": "Enter the parking paid in pounds and pence, like 2.50",
            "max_digits": "Enter the parking paid in pounds and pence, like 2.50",
            "max_decimal_places": "Enter the parking paid in pounds and pence, like 2.50",
            "max_whole_digits": "Enter the parking paid in pounds and pence, like 2.50",
        },
    )
    passenger_miles = forms.IntegerField(
        label="Passenger miles",
        required=False,
        min_value=0,
        help_text="Each passenger's miles added up (two passengers for 5 miles: 10)",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the passenger miles as a whole number, like 12",
            "min_value": "Enter the passenger miles as a whole number, like 12",
        },
    )

    def __init__(self, *args: Any, claims: bool, supplement: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not claims:
            del self.fields["parking"]
        if not claims or not supplement:
            del self.fields["passenger_miles"]
