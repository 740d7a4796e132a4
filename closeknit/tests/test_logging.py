"""The logs say what was done, how many and how long, and never who it was done to.

Everything below runs with every logger at DEBUG and the real code paths (the demo seed's imports
and ledger entries, a subject access export, an erasure, a refused import, the reminder runs);
then every captured record, its message and its arguments, is searched for the residents' names,
emails, phone numbers and postcodes as they stood before the erasure."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from common.csvimport import ImportFileError
from common.testing import sign_in
from directory.reminders import send_review_reminders
from lending.reminders import send_overdue_reminders
from outcomes.services import import_unit_costs
from people.models import Person
from timebank.ledger import audit
from volunteering.reminders import send_shift_reminders


def _personal_values() -> set[str]:
    """Every resident's and person's name, email, phone and postcode now in the database."""
    values: set[str] = set()
    for person in Person.objects.select_related("postcode"):
        values |= {person.full_name, person.preferred_name, person.email, person.phone}
        if person.postcode_id:
            values.add(person.postcode.postcode)
    for user in User.objects.filter(role=Role.RESIDENT).select_related("home_postcode"):
        values |= {user.full_name, user.email}
        if user.home_postcode_id:
            values.add(user.home_postcode.postcode)
    return {value.strip() for value in values if value and len(value.strip()) >= 4}


def _leaks(records: list[logging.LogRecord], personal: set[str]) -> list[str]:
    """The personal values found in any record's formatted message or its arguments."""
    found = []
    for record in records:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        texts = [record.getMessage(), *(str(arg) for arg in args or ())]
        found += [
            f"{record.name}: {value!r}"
            for text in texts
            for value in personal
            if value.lower() in text.lower()
        ]
    return found


def _messages(records: list[logging.LogRecord], logger: str, level: int = logging.INFO) -> list[str]:
    return [r.getMessage() for r in records if r.name == logger and r.levelno == level]


@pytest.mark.django_db
def test_logs_say_what_was_done_and_how_many_but_never_whose_data(client, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    call_command("seed_demo", residents=10, verbosity=0)  # ten: the fewest that give timebank exchanges
    personal = _personal_values()
    assert len(personal) > 20  # the demo's invented residents, as a check that the search has teeth
    coordinator = User.objects.get(email="coordinator@demo.closeknit.example")
    person = Person.objects.filter(coordinator=coordinator).order_by("pk").first()
    # Their own sign-in, linked, so the export and the erasure reach it (and its apps) too.
    person.account = (
        User.objects.filter(role=Role.RESIDENT, is_demo=True).filter(person_record__isnull=True).first()
    )
    person.account_confirmed_at = timezone.now()
    person.save(update_fields=["account", "account_confirmed_at"])

    sign_in(client, coordinator)
    url = reverse("people:subject_access", args=[person.pk])
    assert client.get(url, {"format": "json"}).status_code == 200
    assert client.get(url).status_code == 200

    administrator = User.objects.filter(role=Role.ADMINISTRATOR, is_demo=True).first()
    sign_in(client, administrator)
    assert client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"}).status_code == 302

    # A refused import whose bad value is a resident's name: the operator sees it, the log must not.
    refused = tmp_path / "unit_costs.csv"
    name = next(p.full_name for p in Person.objects.exclude(full_name=""))
    refused.write_text(f"name,outcome,value,year,source\nVisit,{name},10,2024,PSSRU\n", encoding="utf-8")
    with pytest.raises(ImportFileError):
        import_unit_costs(refused)

    today = timezone.localdate()
    send_review_reminders(today + timedelta(days=400))
    send_shift_reminders(timezone.now())
    send_overdue_reminders(today + timedelta(days=400))
    assert audit() == []

    records = caplog.records
    assert _leaks(records, personal) == []

    imported = _messages(records, "places.services")
    assert any(m.startswith("Imported ") and " postcodes (" in m and " s" in m for m in imported), imported
    assert any(m.startswith("Imported IMD 2019 for ") for m in imported), imported
    assert any(m.startswith("Imported ") and " neighbourhoods from " in m for m in imported), imported
    assert any(
        m.startswith("Imported ") and "unit costs in" in m for m in _messages(records, "outcomes.services")
    )
    assert _messages(records, "outcomes.services", logging.WARNING) == [
        "Refused the unit cost import at line 2, column outcome: nothing was imported"
    ]
    ledger = _messages(records, "timebank.ledger")
    assert any(m.startswith("Posted entry ") for m in ledger), ledger
    assert any(m.startswith("Audited ") and ": 0 problems in " in m for m in ledger), ledger
    assert any(
        m.startswith(f"Gathered the subject access export for person {person.pk}: ")
        for m in _messages(records, "people.subject_access")
    )
    assert any(m.startswith(f"Erased person {person.pk} ") for m in _messages(records, "people.services"))
    assert any(m.startswith("Erased ") for m in _messages(records, "accounts.privacy"))
    assert any(m.startswith("Sent ") for m in _messages(records, "directory.reminders"))
    assert any(m.startswith("Sent ") for m in _messages(records, "volunteering.reminders"))
    assert any(m.startswith("Sent ") for m in _messages(records, "lending.reminders"))


@pytest.mark.django_db
def test_a_log_line_naming_a_resident_is_caught(caplog):
    """The search above would catch someone logging ``person.full_name``, as a message or an arg."""
    caplog.set_level(logging.DEBUG)
    call_command("seed_demo", residents=1, verbosity=0)
    person = Person.objects.exclude(full_name="").first()
    logging.getLogger("people.services").info("Erased %s", person.full_name)
    logging.getLogger("people.services").info(f"Erased {person.full_name.upper()}")
    assert len(_leaks(caplog.records, _personal_values())) >= 3


@pytest.mark.parametrize(
    "name",
    [
        "places.services",
        "outcomes.services",
        "outcomes.surveys",
        "directory.oruk.importer",
        "directory.reminders",
        "volunteering.reminders",
        "lending.reminders",
        "timebank.ledger",
        "people.services",
        "people.subject_access",
        "accounts.privacy",
    ],
)
def test_app_loggers_follow_log_level_which_is_info_by_default(name):
    """Nothing in the settings' LOGGING quiets an app's logger: it passes its lines to the root's
    console handler at LOG_LEVEL, INFO unless the operator says otherwise."""
    import logging.config
    import os

    from django.conf import settings

    assert settings.LOGGING["root"]["level"] == os.environ.get("LOG_LEVEL", "INFO")
    assert "console" in settings.LOGGING["root"]["handlers"]
    root_level = logging.getLogger().level
    try:
        logging.config.dictConfig(settings.LOGGING)
        logger = logging.getLogger(name)
        assert logger.propagate and not logger.disabled
        assert logger.getEffectiveLevel() == logging.getLevelName(settings.LOGGING["root"]["level"])
    finally:
        logging.getLogger().setLevel(root_level)
