from django import forms


class ContactForm(forms.Form):
    """For someone signing up without an account."""

    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )
    phone = forms.CharField(
        label="Phone number", required=False, max_length=40, help_text="An email address or a phone number."
    )


class EventSignUpForm(ContactForm):
    shifts = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="What would you like to do?",
        error_messages={
            "required": "Choose at least one thing to sign up to",
            "invalid_choice": "Choose from the list",
        },
    )

    def __init__(self, *args, shifts, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shifts"].queryset = shifts
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]
