from django import forms

from common.safe_urls import SafeURLFormField
from places.forms import PostcodeField
from places.geo import Point
from places.selectors import (
    PostcodeError,
    UnknownPostcode,
    district_authorities,
    district_name,
    find_postcode,
)

from .models import WEEKDAY_NAMES, ListingProblem
from .selectors import TIMES_OF_DAY, ListingSearch, categories, top_level_categories

DISTANCES = [
    ("0.5", "Half a mile"),
    ("1", "1 mile"),
    ("2", "2 miles"),
    ("3", "3 miles"),
    ("5", "5 miles"),
    ("10", "10 miles"),
]


class OutsideDistrict(str):
    """A well-formed postcode the district's data does not hold ("SW1A 1AA"): somewhere else."""


class SearchPostcodeField(PostcodeField):
    """A postcode to search near: the ``Postcode`` when the district holds it, an
    ``OutsideDistrict`` when it is a well-formed postcode from elsewhere (searched as the whole
    district and online, never refused), and a message for anything that is not a postcode."""

    def clean(self, value):
        text = forms.CharField.clean(self, value).strip()
        if not text:
            return None
        try:
            return find_postcode(text)
        except UnknownPostcode as error:
            return OutsideDistrict(error.postcode)
        except PostcodeError as error:
            raise forms.ValidationError(str(error)) from None


class ListingSearchForm(forms.Form):
    """What a resident or practitioner types to find local support. Every field is optional."""

    q = forms.CharField(label="What are you looking for?", required=False, max_length=200)
    postcode = SearchPostcodeField(label="Near postcode", required=False)
    miles = forms.TypedChoiceField(
        label="Within", choices=DISTANCES, coerce=float, required=False, empty_value=3.0
    )
    category = forms.ModelChoiceField(
        label="Category",
        required=False,
        to_field_name="slug",
        queryset=top_level_categories(),
        empty_label="Any category",
        error_messages={"invalid_choice": "Choose a category from the list"},
    )
    day = forms.TypedChoiceField(
        label="Day",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any day")] + [(str(i), d) for i, d in enumerate(WEEKDAY_NAMES)],
        error_messages={"invalid_choice": "Choose a day from the list"},
    )
    time = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=[
            ("", "Any time"),
            ("morning", "Morning (before 12:00)"),
            ("afternoon", "Afternoon (12:00 to 17:00)"),
            ("evening", "Evening (after 17:00)"),
        ],
        error_messages={"invalid_choice": "Choose a time of day from the list"},
    )
    free = forms.BooleanField(label="Free only", required=False)
    wheelchair = forms.BooleanField(label="Wheelchair accessible venues only", required=False)
    order = forms.ChoiceField(
        label="Sort by",
        required=False,
        initial="relevance",
        choices=[("relevance", "Best match"), ("distance", "Distance"), ("name", "Name")],
        error_messages={"invalid_choice": "Choose how to sort from the list"},
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("order") == "distance"
            and not cleaned.get("postcode")
            and "postcode" not in self.errors
        ):
            self.add_error("postcode", "Enter a postcode to sort by distance")
        return cleaned

    def outside_district(self) -> str:
        """What to say when the postcode is from outside the district, or "" when it is not."""
        postcode = self.cleaned_data.get("postcode") if self.is_valid() else None
        if not isinstance(postcode, OutsideDistrict):
            return ""
        return (
            f"{postcode} is outside {district_name()}; "
            "showing support that serves the whole district and online"
        )

    def search(self) -> ListingSearch:
        data = self.cleaned_data
        postcode = data.get("postcode")
        window = TIMES_OF_DAY.get(data.get("time") or "")
        if isinstance(postcode, OutsideDistrict):
            # Somewhere else: no distance to measure, so what serves the whole district or online.
            return ListingSearch(
                text=data.get("q", ""),
                terms=(data["category"],) if data.get("category") else (),
                whole_district=tuple(district_authorities().values_list("code", flat=True)) or ("",),
                day=data.get("day"),
                starts_after=window[0] if window else None,
                ends_before=window[1] if window else None,
                free_only=data.get("free", False),
                wheelchair_accessible=data.get("wheelchair", False),
                order="name" if data.get("order") == "distance" else data.get("order") or "relevance",
            )
        return ListingSearch(
            text=data.get("q", ""),
            terms=(data["category"],) if data.get("category") else (),
            near=Point(postcode.latitude, postcode.longitude) if postcode else None,
            covering=tuple(
                code for code in (postcode.ward_id, postcode.lsoa_id, postcode.local_authority_id) if code
            )
            if postcode
            else (),
            miles=data.get("miles") or 3.0 if postcode else None,
            day=data.get("day"),
            starts_after=window[0] if window else None,
            ends_before=window[1] if window else None,
            free_only=data.get("free", False),
            wheelchair_accessible=data.get("wheelchair", False),
            order=data.get("order") or "relevance",
        )


class ListingProblemForm(forms.ModelForm):
    class Meta:
        model = ListingProblem
        fields = ["kind", "details", "reporter_email"]
        labels = {
            "kind": "What is wrong?",
            "details": "Tell us more (optional)",
            "reporter_email": "Your email address (optional)",
        }
        help_texts = {
            "reporter_email": "Only if you would like to hear back about this.",
            "details": "Do not include anyone's personal or health details.",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "kind": {"required": "Choose what is wrong with the listing"},
            "reporter_email": {"invalid": "Enter an email address like name@example.org"},
        }


WEEKS_OF_MONTH = [
    ("", "Every week"),
    ("1", "First week of the month"),
    ("2", "Second week of the month"),
    ("3", "Third week of the month"),
    ("4", "Fourth week of the month"),
    ("-1", "Last week of the month"),
]


class ListingForm(forms.ModelForm):
    """What an editor says about a listing itself."""

    url = SafeURLFormField(
        label="Website",
        required=False,
        error_messages={"invalid": "Enter a website address like https://example.org"},
    )

    class Meta:
        from .models import Service

        model = Service
        fields = [
            "name",
            "description",
            "how_to_join",
            "eligibility",
            "minimum_age",
            "maximum_age",
            "cost",
            "status",
            "listing_status",
            "phone",
            "email",
            "url",
            "alert",
            "terms",
            "review_interval_days",
        ]
        labels = {
            "name": "Name of the group or activity",
            "how_to_join": "How to join",
            "listing_status": "Show it to the public?",
            "status": "Is it running?",
            "terms": "Categories",
            "url": "Website",
            "alert": "Notice (optional)",
            "review_interval_days": "Check it again after (days)",
        }
        widgets = {
            "terms": forms.CheckboxSelectMultiple,
            "cost": forms.RadioSelect,
            "listing_status": forms.RadioSelect,
            "status": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": "Enter the name of the group or activity"},
            "email": {"invalid": "Enter an email address like name@example.org"},
            "url": {"invalid": "Enter a website address starting https://"},
            "minimum_age": {"invalid": "Enter the youngest age as a whole number"},
            "maximum_age": {"invalid": "Enter the oldest age as a whole number"},
            "review_interval_days": {"invalid": "Enter a number of days, like 180"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = categories()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", "The oldest age must be the same as or more than the youngest age")
        interval = cleaned.get("review_interval_days")
        if interval is not None and not 7 <= interval <= 730:
            self.add_error("review_interval_days", "Choose between 7 and 730 days")
        return cleaned


class VenueForm(forms.Form):
    """Where it happens. Leave the address empty for a phone or online service."""

    venue_name = forms.CharField(label="Venue name", required=False, max_length=255)
    address = forms.CharField(label="Address", required=False, max_length=255)
    town = forms.CharField(label="Town", required=False, max_length=100)
    venue_postcode = PostcodeField(label="Postcode", required=False)
    wheelchair_accessible = forms.BooleanField(label="Wheelchair accessible", required=False)
    accessibility = forms.CharField(
        label="Access details",
        required=False,
        widget=forms.Textarea,
        help_text="Step-free entrance, hearing loop, accessible toilet…",
    )

    def clean(self):
        cleaned = super().clean()
        has_place = any(cleaned.get(f) for f in ("venue_name", "address", "town"))
        if has_place and not cleaned.get("venue_postcode") and "venue_postcode" not in self.errors:
            self.add_error("venue_postcode", "Enter the venue's postcode so people nearby can find it")
        return cleaned


class SessionForm(forms.Form):
    """When it happens, as a regular weekly or monthly session. Leave the days empty if it varies."""

    days = forms.MultipleChoiceField(
        label="Days",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (code, name)
            for code, name in zip(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], WEEKDAY_NAMES, strict=True)
        ],
    )
    week_of_month = forms.ChoiceField(label="How often", required=False, choices=WEEKS_OF_MONTH)
    opens_at = forms.TimeField(
        label="Starts at",
        required=False,
        help_text="For example, 10:00",
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"invalid": "Enter a start time like 10:00"},
    )
    closes_at = forms.TimeField(
        label="Ends at",
        required=False,
        help_text="For example, 12:00",
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"invalid": "Enter an end time like 12:00"},
    )
    session_description = forms.CharField(
        label="Note about when (optional)",
        required=False,
        max_length=255,
        help_text=(
            "People see the days and times first; this is shown beneath them as a note. "
            "For example, not in the school holidays"
        ),
    )

    replace = forms.BooleanField(label="Replace them with the session below", required=False)

    def __init__(self, *args, keeps: bool = False, **kwargs):
        """``keeps``: the listing has sessions this form cannot show in full (several, every
        other week, term dates…), which saving keeps unless the editor ticks ``replace``."""
        super().__init__(*args, **kwargs)
        self.keeps = keeps
        if not keeps:
            del self.fields["replace"]

    def session(self) -> dict | None:
        """The session to save, or ``None`` to keep the listing's sessions as they are."""
        if self.keeps and not self.cleaned_data.get("replace"):
            return None
        return self.cleaned_data

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if self.keeps and not cleaned.get("replace"):
            if cleaned.get("days") or opens or closes or cleaned.get("session_description"):
                self.add_error(
                    "replace",
                    "Tick this to replace the sessions above with the one you typed, or clear the "
                    "days, times and note",
                )
            return cleaned
        if opens and closes and opens >= closes:
            self.add_error("closes_at", "The end time must be after the start time")
        if (opens or closes) and not cleaned.get("days"):
            self.add_error("days", "Choose the day or days it runs")
        elif cleaned.get("session_description") and not cleaned.get("days"):
            # A note is shown beneath the sessions: with no day there is no session to hold it.
            self.add_error(
                "session_description",
                "Choose the day or days it runs for the note to go with, or say how to find out when "
                "in How to join",
            )
        if cleaned.get("week_of_month") and len(cleaned.get("days") or []) != 1:
            self.add_error("days", "Choose one day for a monthly session")
        return cleaned
