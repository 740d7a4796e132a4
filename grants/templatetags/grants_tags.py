"""Filters of grants' templates: money in pence as people write it (care's one way), a budget
table's total, an answer by question, a budget question's rows of fields."""

from typing import Any

from django import template

from common.money import pounds as as_pounds

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return "" if pence is None else as_pounds(int(pence))


@register.filter
def budget_total(rows: Any) -> int:
    return sum(row.amount_pence for row in rows)


@register.filter
def get_answer(answers: dict, pk: int) -> Any:
    return answers.get(pk)


@register.filter
def budget_rows(form: Any, question: Any) -> list:
    return form.rows_of(question)
