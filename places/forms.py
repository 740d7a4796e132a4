from django import forms

from .selectors import PostcodeError, find_postcode


class PostcodeField(forms.CharField):
    """A postcode typed in any spacing or case, cleaned to the ``Postcode`` we know (or ``None``
    when left empty and not required), with a message saying what is wrong otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        try:
            return find_postcode(text)
        except PostcodeError as error:
            raise forms.ValidationError(str(error)) from None


class PostcodeForm(forms.Form):
    postcode = PostcodeField(label="Postcode", error_messages={"required": "Enter a postcode"})
