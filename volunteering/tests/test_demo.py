import pytest
from django.core.management import call_command
from django.urls import reverse

from volunteering.models import Event, SignUp


@pytest.mark.django_db
def test_demo_has_an_evening_with_stalls_and_people_signed_up(client):
    call_command("seed_demo", residents=40, verbosity=0)
    event = Event.objects.get(is_demo=True)
    assert event.stalls.count() == 7
    assert event.stalls.filter(organisation__name="Stretford Neighbours Together (demo)").exists()
    assert SignUp.objects.filter(event=event).exists()
    page = client.get(reverse("volunteering:event", args=[event.pk])).content.decode()
    assert "Marshal at parkrun" in page and "Pumpkin carving helper" in page
