from django import forms

from places.geo import Point
from places.selectors import PostcodeError, find_postcode

from .models import WEEKDAY_NAMES, ListingProblem, TaxonomyTerm
from .selectors import TIMES_OF_DAY, ListingSearch

DISTANCES = [
    ("0.5", "Half a mile"),
    ("1", "1 mile"),
    ("2", "2 miles"),
    ("3", "3 miles"),
    ("5", "5 miles"),
    ("10", "10 miles"),
]


class ListingSearchForm(forms.Form):
    """What a resident or practitioner types to find local support. Every field is optional."""

    q = forms.CharField(label="What are you looking for?", required=False, max_length=200)
    postcode = forms.CharField(label="Near postcode", required=False, max_length=16)
    miles = forms.TypedChoiceField(
        label="Within", choices=DISTANCES, coerce=float, required=False, empty_value=3.0
    )
    category = forms.ModelChoiceField(
        label="Category",
        required=False,
        to_field_name="slug",
        queryset=TaxonomyTerm.objects.filter(parent__isnull=True),
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

    def clean_postcode(self):
        text = self.cleaned_data["postcode"].strip()
        if not text:
            return None
        try:
            return find_postcode(text)
        except PostcodeError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("order") == "distance"
            and not cleaned.get("postcode")
            and "postcode" not in self.errors
        ):
            self.add_error("postcode", "Enter a postcode to sort by distance")
        return cleaned

    def search(self) -> ListingSearch:
        data = self.cleaned_data
        postcode = data.get("postcode")
        window = TIMES_OF_DAY.get(data.get("time") or "")
        return ListingSearch(
            text=data.get("q", ""),
            terms=(data["category"],) if data.get("category") else (),
            near=Point(postcode.latitude, postcode.longitude) if postcode else None,
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
