from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import normalise_email


class SignInForm(AuthenticationForm):
    """Email and password. The field stays named ``username`` so lockout tracking sees it."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter the email address and password of your account. "
        "Both are case-sensitive except the email address.",
        "inactive": "This account is switched off. Ask your organisation's administrator.",
    }

    def clean_username(self):
        # One form of the address for the lookup and for lockout counting alike.
        return normalise_email(self.cleaned_data["username"])


class TwoFactorCodeForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows, like 123456")
        return token


class ReplaceTwoFactorForm(TwoFactorCodeForm):
    """The password again, then a code from the new authenticator app."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    field_order = ["password", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].label = "Code from your new authenticator app"
