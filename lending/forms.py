from django import forms

from common.forms import day_field

from .models import Errand, Item


class ReserveForm(forms.Form):
    name = forms.CharField(
        label="Borrower's name", max_length=200, error_messages={"required": "Enter the borrower's name"}
    )
    contact = forms.CharField(
        label="Phone number or email address",
        max_length=200,
        error_messages={"required": "Give a phone number or email address for the borrower"},
    )
    starts_on = day_field("From")
    ends_on = day_field("Until", help_text="The last day of the loan, included.")


class LendForm(forms.Form):
    condition = forms.ChoiceField(
        label="Condition as it goes out",
        choices=Item.Condition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Note the item's condition"},
    )
    agreement_signed = forms.BooleanField(
        label="The borrower has signed the loan agreement",
        required=False,
    )


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label="Condition as it comes back",
        choices=Item.Condition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Note the item's condition"},
    )


class ExtendForm(forms.Form):
    ends_on = day_field("New last day")


class ServiceForm(forms.Form):
    serviced_on = day_field("Date of the service")
    notes = forms.CharField(label="What was done", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ErrandForm(forms.Form):
    kind = forms.ChoiceField(
        label="What",
        choices=Errand.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a delivery or a collection"},
    )
    helper = forms.ModelChoiceField(
        queryset=None,
        label="Who will do it",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose who will do it"},
    )
    on = day_field("Date")
    address = forms.CharField(
        label="Address",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the address"},
    )

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers


class WaitingForm(forms.Form):
    kind = forms.CharField(
        label="What they need",
        max_length=100,
        help_text="For example: mobility scooter",
        error_messages={"required": "Say what they need"},
    )
    name = forms.CharField(
        label="Their name", max_length=200, error_messages={"required": "Enter their name"}
    )
    contact = forms.CharField(
        label="Phone number or email address",
        max_length=200,
        error_messages={"required": "Give a phone number or email address"},
    )
    wanted_from = day_field("Needed from")
