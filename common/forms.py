"""Helpers every app's forms share: date and time fields as people type them, putting a service's
refusal on a form, and listing every error of a page's forms for the GOV.UK error summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from .dates import birth_date, sensible_date
from .templatetags.closeknit_forms import first_input_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on the field it names, when the form has
    that field, otherwise on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def error_summary(*forms_: forms.BaseForm) -> list[tuple[str, StrOrPromise]]:
    """(input id, message) for every error of these forms in page order, for the error summary.
    An error about a whole form links to that form's first input."""
    # An ErrorList yields messages (its __getitem__ unwraps each ValidationError); the stubs say it
    # may yield the ValidationError itself, hence the two narrow ignores.
    found: list[tuple[str, StrOrPromise]] = []
    for form in forms_:
        first = first_input_id(next(iter(form))) if form.fields else ""
        found.extend((first, error) for error in form.non_field_errors())  # type: ignore[misc]
        for field in form:
            found.extend((first_input_id(field), error) for error in field.errors)  # type: ignore[misc]
    return found


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def day_field(
    label: str, *, required: bool = True, help_text: str = "", birth: bool = False
) -> forms.DateField:
    """A date typed as 2026-11-24 or 24/11/2026, with a message naming the field when it is not,
    and within the sensible range of ``common.dates`` (a date of birth's with ``birth``)."""
    return forms.DateField(
        label=label,
        required=required,
        validators=[birth_date(label) if birth else sensible_date(label)],
        help_text=help_text or "For example, 24/11/2026",
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %m %Y"],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a real date, like 24/11/2026",
        },
    )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TimeInput(),
        help_text="For example, 10:00 or 14:30",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a time, like 14:30",
        },
    )
