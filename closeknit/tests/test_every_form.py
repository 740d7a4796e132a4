"""Every multiple-choice field of every form in Closeknit takes several answers, end to end: drawn as
checkboxes by the shared field template, ticked twice, posted, and both answers kept.

The forms are found by themselves (every app's ``forms.py`` and ``<part>_forms.py``), so a new
form is checked without anyone remembering to add it here. Each app's own page tests post several
answers through its pages to the records they save (people's interests, a referral's reasons, a
drop-in's hosts)."""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = [("1", "First"), ("2", "Second"), ("3", "Third")]


def _project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for path in sorted(ROOT.glob("*/*forms.py")):
        module = importlib.import_module(f"{path.parent.name}.{path.stem}")
        found.extend(
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        )
    return found


def _multiple_choice_fields() -> list[tuple[str, str, forms.Field]]:
    return [
        (f"{form.__module__}.{form.__name__}", name, field)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    ]


FIELDS = _multiple_choice_fields()


def test_the_search_finds_the_forms_people_use():
    named = {f"{form}.{name}" for form, name, _ in FIELDS}
    # The three that lost answers before, and the others: a search that found none would pass.
    assert {
        "people.forms.PersonForm.interests",
        "people.forms.ReferralForm.reasons",
        "people.forms.DropInForm.hosts",
        "volunteering.forms.EventSignUpForm.shifts",
        "directory.forms.ListingForm.terms",
        "directory.forms.SessionForm.days",
        "care.provider_forms.ProviderDetailsForm.offers",  # a module named for its part of the app
    } <= named, named


def _inputs(html: str, name: str) -> list[dict[str, str]]:
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        attributes = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        attributes["checked"] = "yes" if re.search(r"\schecked\b", tag) else ""
        if attributes.get("name") == name:
            found.append(attributes)
    return found


@pytest.mark.parametrize(("form", "name", "field"), FIELDS, ids=[f"{f}.{n}" for f, n, _ in FIELDS])
def test_a_multiple_choice_field_takes_several_answers(form, name, field):
    # The field as its form declares it (its widget, label and help), with three options to tick.
    probe = forms.MultipleChoiceField(
        label=field.label, required=False, choices=OPTIONS, widget=copy.deepcopy(field.widget)
    )
    Probe = type("Probe", (forms.Form,), {name: probe})

    drawn = _inputs(render_to_string("includes/field.html", {"field": Probe()[name]}), name)
    assert [(i["type"], i["value"]) for i in drawn] == [("checkbox", value) for value, _ in OPTIONS]

    # Tick the first and the third, as a browser posts them: the name twice.
    posted = Probe(QueryDict(f"{name}=1&{name}=3"))
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data[name] == ["1", "3"]
    redrawn = _inputs(render_to_string("includes/field.html", {"field": posted[name]}), name)
    assert [i["value"] for i in redrawn if i["checked"]] == ["1", "3"]
