import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.testing import sign_in
from lending.models import Item, Reservation
from lending.services import servicing_overdue


@pytest.mark.django_db
def test_demo_scooter_scheme_is_working(client):
    call_command("seed_demo", residents=30, verbosity=0)
    today = timezone.localdate()
    assert Item.objects.filter(is_demo=True, kind="mobility scooter").count() == 3
    assert Reservation.objects.filter(status="returned").count() > 20
    assert Reservation.objects.filter(status="out", ends_on__lt=today).exists()
    assert any(servicing_overdue(item, today) for item in Item.objects.all())
    sign_in(client, User.objects.get(email="editor@demo.closeknit.example"))
    page = client.get(reverse("lending:dashboard")).content.decode()
    assert "1 loan overdue" in page and "Maureen" in page and "Overdue" in page


@pytest.mark.django_db
def test_the_demo_parish_council_s_helper_lands_on_its_errands(client):
    call_command("seed_demo", residents=30, verbosity=0)
    sign_in(client, User.objects.get(email="parish@demo.closeknit.example"))
    landing = client.get(reverse("lending:dashboard"), follow=True)
    assert landing.redirect_chain[-1][0] == reverse("lending:errands")
    assert "12 Moss Lane, Carrington" in landing.content.decode()
