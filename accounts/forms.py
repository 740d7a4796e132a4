import re

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .models import User, normalise_email

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address like name@example.org",
}


def _email_field(label: str = "Email address") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={**EMAIL_ERRORS, "max_length": "Enter an email address of 254 characters or fewer"},
    )


def _password_field(label: str, autocomplete: str, *, hint: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=hint,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={
            "required": required or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": "Enter a password of 128 characters or fewer",
        },
    )


NEW_PASSWORD_HINT = "At least 12 characters. A few words you will remember, not a common password."  # noqa: S105


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

    def confirm_login_allowed(self, user):
        # Reached only with the right password, so it tells nothing to someone guessing.
        super().confirm_login_allowed(user)
        if not user.email_verified:
            self.unverified = True
            raise forms.ValidationError(
                "Confirm your email address first: follow the link in the email we sent you when "
                "you signed up. If you cannot find it, ask for a new link.",
                code="unverified",
            )


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


class SignUpForm(forms.Form):
    """A resident makes their own account. Nothing else posted (a role, an organisation) is read."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your full name",
            "max_length": "Enter a name of 200 characters or fewer",
        },
    )
    email = _email_field()
    password = _password_field(
        "Password", "new-password", hint=NEW_PASSWORD_HINT, required="Choose a password"
    )
    home_postcode = forms.CharField(
        label="Home postcode (optional)",
        required=False,
        max_length=10,
        help_text="To show you what is near you. Leave it empty if you prefer.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
        error_messages={"max_length": "Enter a postcode like M32 0TH"},
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter your full name")
        return name

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_home_postcode(self):
        """The postcode as stored (``M32 0TH``), or None. The postcode table is reached through the
        account's own field, since ``places`` sits above ``accounts``."""
        compact = re.sub(r"\s+", "", self.cleaned_data["home_postcode"] or "").upper()
        if not compact:
            return None
        postcodes = User._meta.get_field("home_postcode").related_model._default_manager
        found = postcodes.filter(pk=f"{compact[:-3]} {compact[-3:]}").first() if len(compact) > 4 else None
        if found is None:
            raise forms.ValidationError(
                "We do not know that postcode. Enter a postcode in the district, like M32 0TH, "
                "or leave it empty"
            )
        return found

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            someone = User(full_name=data.get("full_name", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class EmailForm(forms.Form):
    """An email address, for asking for a link again."""

    email = _email_field()

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class ResetRequestForm(PasswordResetForm):
    """Django's reset request, finding the account by the address in any letter case or spacing."""

    email = _email_field()

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm):
    """A new password, twice, checked by the password rules (against the person's own details)."""

    new_password1 = _password_field(
        "New password", "new-password", hint=NEW_PASSWORD_HINT, required="Choose a new password"
    )
    new_password2 = _password_field(
        "Type the new password again", "new-password", required="Type the new password again"
    )
    error_messages = {"password_mismatch": "The two passwords are not the same. Type the new one twice"}

    def __init__(self, *args, user, **kwargs):
        # The person first, by name, so a page can bind(request, form, user=...) as for any form.
        super().__init__(user, *args, **kwargs)

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class ChangePasswordForm(NewPasswordForm):
    """The current password, then the new one twice."""

    current_password = _password_field(
        "Current password", "current-password", required="Enter your current password"
    )
    field_order = ["current_password", "new_password1", "new_password2"]


class CloseAccountForm(forms.Form):
    password = _password_field("Your password", "current-password", required="Enter your password")
