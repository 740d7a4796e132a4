"""What a resident tells the public suggestions form, as a :class:`~matching.ranking.Profile` named
"you". Nothing here is stored: the form is read, ranked against and forgotten."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from common.free_times import FreeTimesField, as_weekly_times
from places.forms import PostcodeField

from .ranking import Profile, Slot
from .selectors import MAX_PHRASES, phrases_in

MAX_LIKES = 500

# Beyond what splits a person's record (commas, full stops, semicolons, new lines:
# ``selectors.phrases_in``), "and" and "&" separate the things someone likes too ("gardening,
# singing and meeting people" is three).
_AND = re.compile(r"&|\band\b", re.IGNORECASE)


def phrases_from(text: str) -> tuple[str, ...]:
    """The separate things in what someone wrote, tidied as a person's record is
    (``selectors.phrases_in``), split again at "and" and "&", each once (ignoring case), in their
    order, at most ``MAX_PHRASES``."""
    found: list[str] = []
    seen: set[str] = set()
    for part in phrases_in(text):
        for phrase in phrases_in(_AND.sub(",", part)):
            if phrase.casefold() not in seen:
                seen.add(phrase.casefold())
                found.append(phrase)
    return tuple(found[:MAX_PHRASES])


class _NoNullCharacters:
    """A text field that drops NUL characters before checking: they mean nothing in what a person
    typed, and would otherwise be refused with a message that names no field."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)  # type: ignore[misc]
        return value.replace("\x00", "") if isinstance(value, str) else value


class LikesField(_NoNullCharacters, forms.CharField):
    pass


class SuggestionsPostcodeField(_NoNullCharacters, PostcodeField):
    pass


NEEDS = [("step_free", "Step-free access"), ("hearing_loop", "A hearing loop")]


class SuggestionsForm(forms.Form):
    """Find things near you that fit what you like: no account, nothing kept."""

    likes = LikesField(
        label="What do you like doing, or would like to try?",
        max_length=MAX_LIKES,
        widget=forms.Textarea,
        help_text=(
            "For example: gardening, singing and meeting people. Put a comma or a new line between things."
        ),
        error_messages={
            "required": "Enter what you like doing or would like to try",
            "max_length": (
                "What you like doing must be %(limit_value)d characters or fewer (it has %(show_value)d)"
            ),
        },
    )
    postcode = SuggestionsPostcodeField(
        label="Your postcode (optional)",
        required=False,
        help_text="To find things near you. For example, M32 0TH.",
    )
    free = FreeTimesField(label="When are you usually free? (optional)")
    needs = forms.MultipleChoiceField(
        label="What do you need at a place? (optional)",
        choices=NEEDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose what you need from the list (%(value)s is not one of them)"
        },
    )
    free_only = forms.BooleanField(label="Only show things that are free", required=False)
    online = forms.BooleanField(label="I am happy to join in online", required=False, initial=True)

    def clean_likes(self) -> str:
        likes: str = self.cleaned_data["likes"]
        if not phrases_from(likes):
            raise forms.ValidationError("Enter what you like doing or would like to try, in words")
        return likes

    def profile(self) -> Profile:
        """What was said, as the profile the ranking reads: named "you", so its reasons say "which
        you said matter to you" and "when you are free". Call after ``is_valid()``."""
        data = self.cleaned_data
        postcode = data.get("postcode")
        needs = set(data.get("needs") or ())
        return Profile(
            name="you",
            phrases=phrases_from(data["likes"]),
            home=(postcode.latitude, postcode.longitude) if postcode is not None else None,
            free=tuple(Slot(day, start, end) for day, start, end in as_weekly_times(data.get("free") or ())),
            needs_step_free="step_free" in needs,
            needs_hearing_loop="hearing_loop" in needs,
            needs_free=bool(data.get("free_only")),
            online_ok=bool(data.get("online")),
        )
