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


@pytest.mark.django_db
def test_demo_residents_ask_to_borrow_and_the_coordinator_has_requests_to_answer(client):
    call_command("seed_demo", residents=30, verbosity=0)
    sign_in(client, User.objects.get(email="resident1@demo.closeknit.example"))
    yours = client.get(reverse("lending:yours")).content.decode()
    assert "Waiting for an answer" in yours and "Withdraw the request" in yours
    sign_in(client, User.objects.get(email="resident2@demo.closeknit.example"))
    assert "On loan" in client.get(reverse("lending:yours")).content.decode()
    sign_in(client, User.objects.get(email="editor@demo.closeknit.example"))
    dashboard = client.get(reverse("lending:dashboard")).content.decode()
    first = User.objects.get(email="resident1@demo.closeknit.example")
    assert "Asked to borrow" in dashboard and first.full_name in dashboard
    # The servicing business sees the scooters it services, and records a service.
    sign_in(client, User.objects.get(email="garage@demo.closeknit.example"))
    serviced = Item.objects.filter(service_provider__isnull=False).first()
    assert client.get(reverse("lending:service", args=[serviced.pk])).status_code == 200
    page = client.get(reverse("lending:dashboard")).content.decode()
    assert "Items you service" in page and serviced.name in page
