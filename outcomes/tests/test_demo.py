import pytest
from django.core.management import call_command

from outcomes.models import OutcomeEvent, Response, UnitCost
from outcomes.selectors import reach, social_value


@pytest.mark.django_db
def test_demo_has_wellbeing_answers_outcomes_and_example_costs():
    call_command("seed_demo", residents=5, verbosity=0)
    assert Response.objects.filter(instrument__code="ons4").count() == 100  # 50 people, twice each
    assert OutcomeEvent.objects.exists() and UnitCost.objects.filter(is_example=True).count() == 5
    assert reach()["people"] == 50
    assert social_value()["uses_examples"]
