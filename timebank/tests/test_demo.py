import pytest
from django.core.management import call_command

from timebank.models import Entry, Exchange, Timebank


@pytest.mark.django_db
def test_demo_timebanks_have_a_year_of_exchanges_and_no_drift(capsys):
    call_command("seed_demo", residents=60, verbosity=0)
    assert Timebank.objects.filter(is_demo=True).count() == 2
    assert Exchange.objects.filter(status=Exchange.Status.RECORDED).count() > 100
    months = {e.happened_on.month for e in Exchange.objects.filter(status="recorded")}
    assert len(months) >= 10
    assert Entry.objects.filter(kind="redemption").exists()
    capsys.readouterr()
    call_command("timebank_audit")
    assert "No drift: 3 ledger(s)" in capsys.readouterr().out  # two timebanks and the time credits
