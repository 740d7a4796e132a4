import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, Role, User
from places.models import LSOA, Neighbourhood, Postcode


@pytest.mark.django_db
def test_demo_district_is_trafford_with_every_role_and_invented_residents(capsys):
    call_command("seed_demo", residents=20, verbosity=0)
    assert Postcode.objects.count() == 11264
    assert LSOA.objects.filter(postcodes__isnull=False).distinct().count() == 139
    assert sorted(Neighbourhood.objects.values_list("name", flat=True)) == [
        "Central",
        "North",
        "South",
        "West",
    ]
    staff_roles = set(User.objects.exclude(role=Role.RESIDENT).values_list("role", flat=True))
    assert staff_roles == set(Role.values) - {Role.RESIDENT}
    residents = User.objects.filter(role=Role.RESIDENT)
    assert residents.count() == 20
    assert not residents.filter(home_postcode__isnull=True).exists()
    assert not User.objects.filter(is_demo=False).exists()
    assert not Organisation.objects.filter(is_demo=False).exists()
    out = capsys.readouterr().out
    assert "coordinator@demo.closeknit.example" in out and "closeknit-demo" in out


@pytest.mark.django_db
def test_seeding_twice_adds_nothing(capsys):
    call_command("seed_demo", residents=5, verbosity=0)
    call_command("seed_demo", residents=5, verbosity=0)
    assert User.objects.filter(role=Role.RESIDENT).count() == 5
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_code_gives_a_code_that_signs_a_demo_coordinator_in(client, capsys):
    call_command("seed_demo", residents=1, verbosity=0)
    capsys.readouterr()
    call_command("demo_code", "coordinator@demo.closeknit.example")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    client.post(
        "/account/sign-in/", {"username": "coordinator@demo.closeknit.example", "password": "closeknit-demo"}
    )
    assert client.post("/account/two-factor/verify/", {"token": code}).status_code == 302
    assert client.get("/account/").status_code == 200


@pytest.mark.django_db
def test_demo_code_refuses_real_accounts(make_user):
    from common.testing import totp_device

    totp_device(make_user(Role.COORDINATOR, email="real@example.org"))
    with pytest.raises(CommandError, match="No demo account"):
        call_command("demo_code", "real@example.org")


@pytest.mark.django_db
def test_seed_refuses_a_nonsense_number_of_residents():
    with pytest.raises(CommandError, match="--residents must be at least 1"):
        call_command("seed_demo", residents=0)
    assert not User.objects.exists()
