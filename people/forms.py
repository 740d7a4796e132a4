"""Forms check shape (a real date, a known postcode); services check meaning (dates in order,
consent in place, who may do what)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone

from common.forms import day_field, time_field
from common.free_times import FreeTimesField
from places.forms import PostcodeField
from places.selectors import PostcodeError, normalise_postcode

from .models import (
    AccessNeed,
    Attendance,
    Consent,
    Conversation,
    DropInSession,
    Goal,
    Introducer,
    Introduction,
    Person,
    Referral,
)
from .selectors import interests_to_choose


def _required(field: forms.Field, message: str) -> None:
    field.required = True
    field.error_messages["required"] = message


class ShapeOnly:
    """A model form that checks shape only: the service checks meaning (dates in order and the
    like), and says which field is wrong, where the database's own constraint could not."""

    def _post_clean(self):
        # Django would build the record and check the model's constraints here, reporting a broken
        # date order as "Constraint … is violated". The service builds and checks the record
        # instead (calling full_clean too), with a message on the field.
        pass


class PersonForm(ShapeOnly, forms.ModelForm):
    postcode = PostcodeField(label="Postcode", required=False, help_text="Their area is worked out from it.")
    date_of_birth = day_field(
        "Date of birth", required=False, help_text="Optional. For example, 3/7/1948", birth=True
    )
    interests = forms.ModelMultipleChoiceField(
        queryset=interests_to_choose(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Interests",
        help_text="The directory's categories, so suggestions can follow what they enjoy.",
    )
    free_times = FreeTimesField()
    access_needs = forms.MultipleChoiceField(
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What a place needs for them to get in and take part",
        help_text="Suggestions put places that have it first.",
        error_messages={"invalid_choice": "Choose access needs from the list (%(value)s is not one of them)"},
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "preferred_name",
            "email",
            "phone",
            "address",
            "postcode",
            "date_of_birth",
            "communication_needs",
            "vision",
            "what_matters",
            "strengths",
            "interests",
            "free_times",
            "access_needs",
            "needs_free",
            "travel",
            "online_ok",
            "team",
            "coordinator",
            "introduced_by",
            "introducer_detail",
        ]
        labels = {
            "full_name": "Full name",
            "introduced_by": "Who introduced them",
            "needs_free": "Things need to be free",
            "travel": "How far they can get to things",
            "online_ok": "Would they join things online?",
        }
        widgets = {"travel": forms.RadioSelect, "online_ok": forms.RadioSelect}

    def __init__(self, *args, teams, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["full_name"], "Enter their full name")
        self.fields["team"].queryset = teams
        self.fields["team"].error_messages["invalid_choice"] = "Choose one of your own teams"
        self.fields["team"].error_messages["required"] = "Choose the team that will walk alongside them"
        self.fields["coordinator"].queryset = coordinators
        self.fields["coordinator"].label = "Coordinator"
        self.fields["coordinator"].error_messages["invalid_choice"] = "Choose someone from the team"
        if self.instance.pk:
            self.initial["postcode"] = self.instance.postcode_id or ""


class NewPersonConsentForm(forms.Form):
    agreed = forms.BooleanField(
        label="They agree to us keeping a record of our conversations and connections",
        error_messages={"required": "A record can only be kept if they agree to it"},
    )
    method = forms.ChoiceField(
        label="How they agreed",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed"},
    )
    given_on = day_field("Date they agreed")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What they agree to",
        choices=Consent.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they agree to"},
    )
    method = forms.ChoiceField(
        label="How they agreed",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed"},
    )
    given_on = day_field("Date they agreed")


class WithdrawConsentForm(forms.Form):
    withdrawn_on = day_field("Date they withdrew")


class ConversationForm(ShapeOnly, forms.ModelForm):
    happened_on = day_field("Date of the conversation")
    follow_up_on = day_field(
        "Follow up on", required=False, help_text="Optional. On or after the conversation."
    )

    class Meta:
        model = Conversation
        fields = ["happened_on", "kind", "notes", "next_step", "follow_up_on"]
        labels = {"kind": "What kind of conversation", "notes": "What you talked about"}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _required(self.fields["kind"], "Choose what kind of conversation it was")
        _required(self.fields["notes"], "Enter what you talked about")
        self.fields["kind"].choices = Conversation.Kind.choices


class IntroductionForm(forms.Form):
    listing = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="A listing in the directory",
        empty_label="None",
        error_messages={"invalid_choice": "Choose a listing from the list"},
    )
    other_person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Another person",
        empty_label="None",
        help_text="For example a neighbour with a shared interest.",
        error_messages={"invalid_choice": "Choose someone from your own teams"},
    )
    elsewhere = forms.CharField(
        label="Or someone or something else",
        required=False,
        max_length=200,
        help_text=Introduction._meta.get_field("elsewhere").help_text,
    )
    status = forms.ChoiceField(
        label="Where it stands",
        choices=[
            (Introduction.Status.SUGGESTED, "Suggested: they will think about it"),
            (Introduction.Status.INTRODUCED, "Introduced: the connection is made"),
        ],
        widget=forms.RadioSelect,
        initial=Introduction.Status.SUGGESTED,
        error_messages={"required": "Choose where the introduction stands"},
    )
    made_on = day_field("Date")
    follow_up_on = day_field("Follow up on", required=False, help_text="Optional. When to ask how it went.")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, listings, people, offered=None, **kwargs):
        """``listings`` are those that may be chosen; ``offered`` (a few of them, found by a search or
        suggested: ``selectors.OfferedListing``, each with its venue and miles) are those the list
        shows, since a directory can hold far too many for one list."""
        kwargs.setdefault("initial", {"made_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = listings
        self.fields["other_person"].queryset = people
        if offered is not None:
            chosen = self.data.get("listing") if self.is_bound else None
            shown = [(str(offer.listing.pk), offer.label) for offer in offered]
            if chosen and chosen not in {pk for pk, _ in shown}:
                shown += [(str(listing.pk), listing.name) for listing in listings.filter(pk=chosen)[:1]]
            self.fields["listing"].choices = [("", "None")] + shown

    def clean(self):
        data = super().clean()
        chosen = [
            bool(data.get("listing")),
            bool(data.get("other_person")),
            bool((data.get("elsewhere") or "").strip()),
        ]
        if sum(chosen) != 1 and not self.errors:
            self.add_error("listing", "Choose one listing, one person, or describe who or what, not more")
        return data


class IntroductionStepForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose one of the steps shown: an introduction cannot skip a step",
        },
    )
    on = day_field("Date")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = day_field("Follow up again on", required=False, help_text="Optional.")

    def __init__(self, *args, choices, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class GoalForm(ShapeOnly, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description"]
        labels = {"description": "Goal"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["description"], "Enter the goal, in the person's words")


class ReferralForm(ShapeOnly, forms.ModelForm):
    received_on = day_field("Date received")
    first_contact_on = day_field("Date of first contact", required=False, help_text="Optional.")
    closed_on = day_field("Date closed", required=False, help_text="Optional.")
    reasons = forms.MultipleChoiceField(
        label="Reasons for the referral",
        choices=Referral.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason"},
    )

    class Meta:
        model = Referral
        fields = [
            "received_on",
            "referring_organisation",
            "practitioner",
            "reasons",
            "first_contact_on",
            "closed_on",
            "closure_reason",
        ]
        labels = {"referring_organisation": "Referring organisation", "closure_reason": "Why it closed"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["referring_organisation"], "Enter the referring organisation")


class SafeguardingNoteForm(forms.Form):
    note = forms.CharField(
        label="Safeguarding concern",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only their coordinator and the team's leads can read this.",
        error_messages={"required": "Enter the concern"},
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand the record will be erased for good",
        error_messages={"required": "Confirm that you understand the record will be erased for good"},
    )


class DropInForm(ShapeOnly, forms.ModelForm):
    on = day_field("Date")
    starts_at = time_field("Start time")
    ends_at = time_field("End time")
    hosts = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Hosts from the team"
    )

    class Meta:
        model = DropInSession
        fields = ["title", "team", "venue", "place", "on", "starts_at", "ends_at", "hosts", "others_on_hand"]
        labels = {"others_on_hand": "Others on hand"}

    def __init__(self, *args, teams, members, venues, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["title"], "Enter a name for the drop-in")
        self.fields["team"].queryset = teams
        self.fields["team"].error_messages["required"] = "Choose the team running the drop-in"
        self.fields["team"].error_messages["invalid_choice"] = "Choose one of your own teams"
        self.fields["venue"].queryset = venues
        self.fields["venue"].label = "Venue"
        self.fields["venue"].empty_label = "Not listed: say where below"
        self.fields["venue"].error_messages["invalid_choice"] = (
            "Choose a venue from the list, or say where it is"
        )
        self.fields["hosts"].error_messages["invalid_choice"] = "Hosts must be members of the team"
        self.fields["hosts"].queryset = members


class AttendanceForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Someone on record",
        empty_label="Not on record",
        error_messages={"invalid_choice": "Choose someone from the team running this drop-in"},
    )
    first_name = forms.CharField(
        label="Or their first name",
        required=False,
        max_length=60,
        help_text=Attendance._meta.get_field("first_name").help_text,
    )
    linked_with = forms.ModelChoiceField(
        queryset=None, required=False, label="Spoke with", empty_label="No one in particular"
    )
    linked_listing = forms.ModelChoiceField(
        queryset=None, required=False, label="Linked with a listing", empty_label="None"
    )
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, people, members, listings, offered, **kwargs):
        """``offered``: the listings near the drop-in, which the list shows (any published one may
        be chosen)."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["linked_with"].queryset = members
        self.fields["linked_listing"].queryset = listings
        self.fields["linked_listing"].choices = [("", "None")] + [(str(x.pk), x.name) for x in offered]
        self.fields["linked_listing"].help_text = "Listings within a mile of the drop-in."


class LinkAccountForm(forms.Form):
    email = forms.EmailField(
        label="Email address of their resident account",
        help_text="They sign up as a resident first; then they can see their record when they sign in.",
        error_messages={
            "required": "Enter the email address of their account",
            "invalid": "Enter an email address, like name@example.org",
        },
    )


class PublicReferralForm(forms.Form):
    """The form a referring organisation fills in through its link, with no account. Spam is
    kept out without JavaScript: ``website`` is a field people never see (a robot filling in
    every field fills it), and a form sent back faster than a person could fill it in is
    refused (the time it was drawn travels signed in ``started``)."""

    referrer_name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Enter your name"}
    )
    referrer_email = forms.EmailField(
        label="Your email address",
        help_text="We send an acknowledgement here, and the outcome when the referral closes.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address, like name@example.nhs.net",
        },
    )
    referrer_phone = forms.CharField(
        label="Your phone number", required=False, max_length=40, help_text="Optional."
    )
    full_name = forms.CharField(
        label="Full name of the person referred",
        max_length=200,
        error_messages={"required": "Enter the full name of the person referred"},
    )
    date_of_birth = day_field(
        "Their date of birth", required=False, help_text="Optional. For example, 3/7/1948", birth=True
    )
    phone = forms.CharField(label="Their phone number", required=False, max_length=40)
    email = forms.EmailField(
        label="Their email address",
        required=False,
        error_messages={"invalid": "Enter their email address, like name@example.org, or leave it empty"},
    )
    address = forms.CharField(label="Their address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(label="Their postcode", required=False, max_length=16)
    communication_needs = forms.CharField(
        label="How best to contact them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Person._meta.get_field("communication_needs").help_text,
    )
    reasons = forms.MultipleChoiceField(
        label="Reasons for the referral",
        choices=Referral.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason for the referral"},
    )
    what_matters = forms.CharField(
        label="What matters to them, and anything else we should know",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    agreed = forms.BooleanField(
        label="They agree to being referred, and to us holding these details",
        error_messages={"required": "A referral can only be sent if the person agrees to it"},
    )
    website = forms.CharField(label="Leave this empty", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_postcode(self):
        text = self.cleaned_data["postcode"].strip()
        if text:
            try:
                normalise_postcode(text)
            except PostcodeError:
                raise forms.ValidationError(
                    "Enter a real postcode, like M31 4DJ, or leave it empty"
                ) from None
        return text

    def clean(self):
        """The form must have been drawn by us, at least a few seconds and at most a day ago: said
        about the form as a whole, as no field the person sees is wrong."""
        data = super().clean()
        try:
            started = signing.loads(data.get("started") or "", salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
        except signing.BadSignature:  # SignatureExpired too
            self.add_error(None, "The form was open for too long. Check the details and send it again.")
            return data
        if timezone.now().timestamp() - float(started) < settings.REFERRAL_FORM_MIN_SECONDS:
            self.add_error(
                None,
                "That was sent faster than a person can fill the form in. "
                "Check the details and send it again.",
            )
        return data

    @staticmethod
    def started_now() -> str:
        return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)


STARTED_SALT = "people.referral-form.started"
STARTED_MAX_AGE = 24 * 3600


class AcceptReferralForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Are they on the team's records already?",
        empty_label="No: start a new record",
        error_messages={"invalid_choice": "Choose someone on the team's records, or start a new record"},
    )
    consent_method = forms.ChoiceField(
        label="For a new record: how they agreed to us keeping one",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_given_on = day_field("Date they agreed", required=False)

    def __init__(self, *args, people, **kwargs):
        kwargs.setdefault("initial", {"consent_given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class DeclineReferralForm(forms.Form):
    reason = forms.CharField(
        label="Why the referral is declined",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The referrer is told this.",
        error_messages={"required": "Say why the referral is declined"},
    )


class AskForMoreForm(forms.Form):
    question = forms.CharField(
        label="What do you need to know?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It is emailed to the referrer; their reply comes to your email address.",
        error_messages={"required": "Enter what you need to know"},
    )


class ReferralLinkForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=None,
        label="Team whose inbox receives the referrals",
        error_messages={"required": "Choose a team you lead", "invalid_choice": "Choose a team you lead"},
    )
    referring_organisation = forms.CharField(
        label="Referring organisation",
        max_length=200,
        help_text="For example: Partington Health Centre.",
        error_messages={"required": "Enter the name of the referring organisation"},
    )
    kind = forms.ChoiceField(
        label="Kind of organisation", choices=Introducer.choices, initial=Introducer.GP_PRACTICE
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.initial.setdefault("team", teams[0].pk)


class ChangeReferralForm(ShapeOnly, forms.ModelForm):
    received_on = day_field("Date received")
    first_contact_on = day_field("Date of first contact", required=False, help_text="Optional.")
    reasons = forms.MultipleChoiceField(
        label="Reasons for the referral",
        choices=Referral.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason"},
    )

    class Meta:
        model = Referral
        fields = ["received_on", "referring_organisation", "practitioner", "reasons", "first_contact_on"]
        labels = {"referring_organisation": "Referring organisation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["referring_organisation"], "Enter the referring organisation")


class CloseReferralForm(forms.Form):
    closed_on = day_field("Date closed")
    closure_reason = forms.ChoiceField(
        label="Why it closed",
        choices=Referral.Closure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the referral closed"},
    )
    support_offered = forms.CharField(
        label="What support was offered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The activities and services they were introduced to.",
    )
    what_changed = forms.CharField(
        label="What changed for them", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"closed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
