"""Template helpers for GOV.UK form components."""

from django import template
from django.forms import BoundField

register = template.Library()


def first_input_id(bound_field: BoundField) -> str:
    """The id of the first input of a field: the field's own, or its first option's for radios and
    checkboxes, so an error summary link moves focus to something that exists."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    subwidgets = bound_field.subwidgets
    return subwidgets[0].id_for_label if subwidgets else bound_field.auto_id or ""


register.filter("input_id", first_input_id)


@register.filter
def input_value(bound_field: BoundField) -> str:
    """A field's value as its widget writes it into an input (e.g. 10:00, not "10 a.m.")."""
    value = bound_field.field.widget.format_value(bound_field.value())
    return "" if value is None else value


@register.filter
def widget_kind(bound_field: BoundField) -> str:
    """Which GOV.UK component draws a field: textarea, radios, checkboxes, checkbox, select or input."""
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, forms.Textarea):
        return "textarea"
    # Before radios and select: CheckboxSelectMultiple is a RadioSelect, and SelectMultiple a Select,
    # to Django, but both take several answers. GOV.UK draws several answers as checkboxes.
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.SelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"
