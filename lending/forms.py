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


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "name",
            "kind",
            "description",
            "donated_by",
            "kept_at",
            "condition",
            "longest_loan_days",
            "service_every_months",
            "service_after_each_loan",
            "service_provider",
            "last_serviced_on",
            "is_retired",
        ]
        labels = {
            "kind": "What kind of thing it is",
            "kept_at": "Kept at",
            "longest_loan_days": "Longest loan residents may ask for (days)",
            "service_every_months": "Service every (months)",
            "service_after_each_loan": "Service it after every loan",
            "service_provider": "Serviced by",
            "last_serviced_on": "Last serviced on",
            "is_retired": "Retired: no longer lent",
        }
        widgets = {"condition": forms.RadioSelect}

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Give the item a name"
        self.fields["kind"].error_messages["required"] = "Say what kind of thing it is"
        self.fields["service_every_months"].error_messages["invalid"] = "Enter a whole number of months"
        self.fields["longest_loan_days"].error_messages["invalid"] = "Enter a whole number of days"
        self.fields["service_provider"].queryset = providers
        self.fields["service_provider"].empty_label = "No one yet"
        self.fields["service_provider"].error_messages["invalid_choice"] = (
            "Choose an organisation from the list"
        )
        self.fields["last_serviced_on"] = day_field("Last serviced on", required=False)
        if self.instance.pk is None:
            del self.fields["is_retired"]


class BorrowFilterForm(forms.Form):
    """The Borrow page's filter: words, and a kind of thing."""

    q = forms.CharField(label="Words", max_length=100, required=False, help_text="For example: scooter")
    kind = forms.ChoiceField(
        label="Kind of thing",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of thing from the list"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages["max_length"] = "Use 100 characters or fewer"
        self.fields["kind"].choices = [("", "Any kind")] + [(k, k.capitalize()) for k in kinds]


class AskForm(forms.Form):
    """A signed-in person asks to borrow an item; their name comes from their account."""

    starts_on = day_field("From")
    ends_on = day_field("Until", help_text="The last day you would have it, included.")
    contact = forms.CharField(
        label="Phone number or email address",
        max_length=200,
        help_text="How the lenders can reach you about it.",
        error_messages={
            "required": "Give a phone number or email address",
            "max_length": "Use 200 characters or fewer",
        },
    )
    note = forms.CharField(
        label="Anything the lenders should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: what you need it for, or if you need it delivered.",
        error_messages={"max_length": "Use 500 characters or fewer"},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why (the borrower is told)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, for the borrower", "max_length": "Use 500 characters or fewer"},
    )
