"""Unit costs come from a CSV by header name; the estimate shows its method and suppresses small counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from outcomes.models import OutcomeEvent, UnitCost
from outcomes.selectors import social_value
from people.tests.factories import PersonFactory

EXAMPLE = "data/unit_costs/example_unit_costs.csv"


def test_the_example_file_loads_marked_as_examples(db):
    call_command("import_unit_costs", EXAMPLE)
    assert UnitCost.objects.count() == 5 and not UnitCost.objects.filter(is_example=False).exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Rent,evictions,100,2025,Source", "line 2, column 'outcome': 'evictions' is not one of"),
        ("Rent,tenancy_sustained,lots,2025,Source", "line 2, column 'value': 'lots' is not a number"),
        ("Rent,tenancy_sustained,100,,Source", "line 2, column 'year': is empty"),
    ],
)
def test_a_bad_row_names_the_line_and_column_and_loads_nothing(db, tmp_path, row, message):
    call_command("import_unit_costs", EXAMPLE)
    bad = tmp_path / "costs.csv"
    bad.write_text(
        "name,outcome,value,year,source\nGood,crisis_avoided,10,2025,Source\n".replace(
            "\nGood", "\n" + row + "\nGood", 1
        )
    )
    with pytest.raises(CommandError, match=message):
        call_command("import_unit_costs", str(bad))
    assert UnitCost.objects.count() == 5  # the old table stands


def test_estimate_multiplies_counts_by_costs_and_suppresses_small_ones(db):
    call_command("import_unit_costs", EXAMPLE)
    people = PersonFactory.create_batch(7)
    for person in people:
        OutcomeEvent.objects.create(
            person=person, kind="tenancy_sustained", on=date(2026, 5, 1), evidence="x"
        )
    for person in people[:2]:
        OutcomeEvent.objects.create(person=person, kind="crisis_avoided", on=date(2026, 5, 1), evidence="x")
    value = social_value()
    rows = {row["outcome"]: row for row in value["rows"]}
    assert rows["Tenancy sustained or eviction avoided"]["value"] == Decimal("35000.00")  # 7 x 5,000
    assert rows["Crisis avoided"]["count"] is None and rows["Crisis avoided"]["value"] is None
    assert value["total"] == Decimal("35000.00") and "not cash saved" in value["method"]


def test_social_value_page_is_for_commissioners_and_warns_about_examples(client, db):
    call_command("import_unit_costs", EXAMPLE)
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    page = client.get(reverse("outcomes:social_value")).content.decode()
    assert "invented example unit costs" in page and "not cash saved" in page
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR))
    assert client.get(reverse("outcomes:social_value")).status_code == 403
