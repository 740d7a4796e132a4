"""The demo district loads whole or not at all: a step that fails part-way leaves no demo rows."""

import shutil

import pytest
from django.core.management import call_command

from accounts.models import Organisation, Team, User
from closeknit.management.commands import seed_demo
from directory.models import Provider, Service
from lending.models import Item
from outcomes.models import Instrument
from people.models import Person
from places.models import LSOA, Neighbourhood, Postcode
from timebank.models import Timebank
from volunteering.models import Opportunity


def assert_no_demo_rows():
    for model in (Postcode, LSOA, Neighbourhood, Organisation, Team, User, Provider, Service, Person):
        assert not model.objects.exists(), f"{model.__name__} rows were left behind"
    for model in (Timebank, Opportunity, Item):
        assert not model.objects.exists(), f"{model.__name__} rows were left behind"


@pytest.mark.django_db
def test_a_demo_step_failing_late_leaves_no_half_loaded_demo():
    # The outcomes step runs after the places imports, people, directory, caseloads, timebanks,
    # volunteering and lending have all been written. Without the ONS4 questionnaire it fails for real.
    Instrument.objects.filter(code="ons4").delete()
    with pytest.raises(Instrument.DoesNotExist):
        call_command("seed_demo", residents=3, verbosity=0)
    assert_no_demo_rows()


@pytest.mark.django_db
def test_a_missing_data_file_leaves_no_postcodes_behind(tmp_path, monkeypatch):
    # The postcodes file is there, the deprivation file is not: the second import fails after the
    # first has written 11,264 postcodes.
    (tmp_path / "postcodes").mkdir()
    shutil.copy(seed_demo.DATA / "postcodes" / "trafford_postcodes.csv", tmp_path / "postcodes")
    monkeypatch.setattr(seed_demo, "DATA", tmp_path)
    with pytest.raises(Exception, match="IMD2019"):
        call_command("seed_demo", residents=3, verbosity=0)
    assert_no_demo_rows()
