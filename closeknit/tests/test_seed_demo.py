"""The demo district loads whole or not at all: a step that fails part-way leaves no demo rows."""

import re
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


@pytest.mark.django_db
def test_every_printed_sign_in_signs_in_and_each_story_has_something_to_try(capsys):
    from accounts.demo import DEMO_PASSWORD
    from lending.models import Reservation
    from timebank.models import Exchange, Membership
    from volunteering.models import SignUp

    call_command("seed_demo", residents=30, verbosity=0)
    out = capsys.readouterr().out
    printed = re.findall(r"^  (\S+@demo\.closeknit\.example)\s+(.+)$", out, flags=re.MULTILINE)
    emails = [email for email, _ in printed]
    assert len(emails) == len(set(emails))
    for email, story in printed:
        user = User.objects.get(email=email)
        assert user.is_demo and user.is_active and user.check_password(DEMO_PASSWORD), email
        assert story.strip(), email
    residents = [e for e in emails if e.startswith("resident")]
    assert residents == [f"resident{n}@demo.closeknit.example" for n in range(1, 6)]
    # The parish council's helper, the servicing business and a stall's group are printed.
    by_email = dict(printed)
    parish = User.objects.get(email="parish@demo.closeknit.example")
    assert parish.organisation.kind == Organisation.Kind.PARISH_COUNCIL and "Parish" in by_email[parish.email]
    garage = User.objects.get(email="garage@demo.closeknit.example")
    assert Item.objects.filter(service_provider=garage.organisation).exists()
    stall = User.objects.get(email="stall@demo.closeknit.example")
    assert stall.organisation.stalls.exists() and stall.role == "organisation_editor"
    # Each resident who signs in has a timebank membership, an exchange to confirm, a shift and
    # a loan asked for, booked or out.
    for email in residents:
        person = User.objects.get(email=email)
        assert Membership.objects.filter(user=person, status="active").exists(), email
        assert Exchange.objects.filter(receiver__holder=person, status="proposed").exists(), email
        assert SignUp.objects.filter(user=person).exists(), email
    loans = {
        r.borrower.email: r.status
        for r in Reservation.objects.filter(borrower__email__in=residents).exclude(status="returned")
    }
    assert set(loans) == set(residents)
    assert {"requested", "out", "reserved"} <= set(loans.values())
