from django import forms
from django.utils import timezone

from common.forms import day_field


def hours_field() -> forms.DecimalField:
    """Hours as people type them, in quarter hours (the service checks the steps and limits)."""
    return forms.DecimalField(
        label="Hours",
        help_text="In quarter hours: 0.25, 0.5, 1.75…",
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal"}),
        error_messages={"required": "Enter the hours", "invalid": "The hours must be a number, like 1.5"},
    )


class ExchangeForm(forms.Form):
    GAVE, RECEIVED = "gave", "received"
    other = forms.ModelChoiceField(
        queryset=None,
        label="Who with",
        empty_label="Choose a member",
        error_messages={
            "required": "Choose who the exchange was with",
            "invalid_choice": "Choose a member of this timebank",
        },
    )
    direction = forms.ChoiceField(
        label="Who gave their time",
        choices=[
            (GAVE, "I gave my time: I earn the hours"),
            (RECEIVED, "They gave their time to me: I spend the hours"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who gave their time"},
    )
    hours = hours_field()
    description = forms.CharField(
        label="What it was for",
        max_length=300,
        error_messages={"required": "Say what the time was for"},
    )
    happened_on = day_field("Date")

    def __init__(self, *args, others, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = others
        self.fields["other"].label_from_instance = lambda user: user.full_name


class ApproveForm(forms.Form):
    welcome_note = forms.CharField(
        label="The welcome conversation",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you talked about: what they would like to offer and ask for.",
        error_messages={"required": "Note the welcome conversation before approving"},
    )
    checks_note = forms.CharField(
        label="Checks made",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional. For example references, or a DBS check for work with children.",
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(
        label="Why it is being corrected",
        max_length=250,
        error_messages={"required": "Say why the exchange is being corrected"},
    )


class StatementForm(forms.Form):
    since = day_field("From", required=False)
    until = day_field("To", required=False)

    def period(self):
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        until = data.get("until") or today
        since = data.get("since") or until.replace(year=until.year - 1)
        return (since, until) if since <= until else (until, since)


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label="Are you offering or asking?",
        choices=[("offer", "Offering help"), ("request", "Asking for help")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you are offering or asking"},
    )
    title = forms.CharField(
        label="Title",
        max_length=120,
        help_text="For example: Lifts to the shops on Fridays",
        error_messages={"required": "Give it a short title"},
    )
    description = forms.CharField(
        label="More about it", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ModelChoiceField(queryset=None, required=False, label="Category", empty_label="None")
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=200,
        help_text="Words people might search for, separated by commas.",
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ReplyForm(forms.Form):
    message = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your reply"},
    )


class BoardSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Offers and requests"), ("offer", "Offers"), ("request", "Requests")],
    )
    category = forms.ModelChoiceField(queryset=None, required=False, label="Category", empty_label="Any")

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class AwardForm(forms.Form):
    volunteer = forms.EmailField(
        label="The volunteer's email address",
        help_text="The address they sign in with.",
        error_messages={
            "required": "Enter the volunteer's email address",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    hours = forms.DecimalField(
        label="Hours volunteered",
        max_digits=6,
        decimal_places=2,
        help_text="One credit for each whole hour.",
        error_messages={
            "required": "Enter the hours volunteered",
            "invalid": "The hours must be a number, like 3.5",
        },
    )
    what = forms.CharField(
        label="What they did", max_length=200, error_messages={"required": "Say what the volunteering was"}
    )


class CommunityExchangeForm(forms.Form):
    EARNED, SPENT = "earned", "spent"
    member = forms.ModelChoiceField(
        queryset=None,
        label="Member",
        empty_label="Choose a member",
        error_messages={
            "required": "Choose the member",
            "invalid_choice": "Choose a member of this timebank",
        },
    )
    direction = forms.ChoiceField(
        label="What happened",
        choices=[
            (EARNED, "They gave time to a group activity: they earn hours from the community account"),
            (SPENT, "The community gave them help: they spend hours to the community account"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    hours = hours_field()
    description = forms.CharField(
        label="What it was for", max_length=300, error_messages={"required": "Say what the time was for"}
    )
    happened_on = day_field("Date")

    def __init__(self, *args, members, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda user: user.full_name


class BrokerExchangeForm(forms.Form):
    """A broker records an exchange between two members."""

    giver = forms.ModelChoiceField(
        queryset=None,
        label="Who gave their time",
        help_text="They earn the hours.",
        empty_label="Choose a member",
        error_messages={
            "required": "Choose who gave their time",
            "invalid_choice": "Choose a member of this timebank",
        },
    )
    receiver = forms.ModelChoiceField(
        queryset=None,
        label="Who received it",
        help_text="They spend the hours.",
        empty_label="Choose a member",
        error_messages={
            "required": "Choose who received the time",
            "invalid_choice": "Choose a member of this timebank",
        },
    )
    hours = hours_field()
    description = forms.CharField(
        label="What was done", max_length=300, error_messages={"required": "Say what was done"}
    )
    happened_on = day_field("The day it happened")

    def __init__(self, *args, members, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for name in ("giver", "receiver"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda user: user.full_name


class SpendForm(forms.Form):
    """Spending credits has nothing to choose but the button: the offer is in the address."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label="The volunteer's code",
        max_length=20,
        help_text="6 letters and numbers, like K7P2QX. Capitals or not, spaces or not.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": "Enter the code the volunteer shows you"},
    )
