from django import forms

from .selectors import PostcodeError, find_postcode


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
        error_messages={"required": "Enter a postcode"},
    )

    def clean_postcode(self):
        try:
            return find_postcode(self.cleaned_data["postcode"])
        except PostcodeError as error:
            raise forms.ValidationError(str(error)) from None
