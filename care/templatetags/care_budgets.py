"""``{{ pence|pounds }}``: money kept in pence, shown as people write it (£630, £24.50)."""

from django import template

from common.money import pounds as as_pounds

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return "" if pence is None else as_pounds(int(pence))
