import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from common.testing import sign_in
from people.models import CONNECTED, DropInSession, Introduction, Person
from people.selectors import count_follow_ups_due


@pytest.mark.django_db
def test_demo_coordinator_sees_a_living_caseload(client):
    call_command("seed_demo", residents=5, verbosity=0)
    coordinator = User.objects.get(email="coordinator@demo.closeknit.example")
    people = Person.objects.filter(coordinator=coordinator)
    assert people.count() == 10 and not Person.objects.filter(is_demo=False).exists()
    assert all(p.consents.filter(withdrawn_on__isnull=True).exists() for p in people)
    assert all(p.conversations.exists() for p in people)
    intros = Introduction.objects.filter(person__in=people)
    assert (
        intros.filter(listing__isnull=False).exists() and intros.filter(other_person__isnull=False).exists()
    )
    assert intros.filter(status__in=CONNECTED).exists()
    assert count_follow_ups_due(coordinator, timezone.localdate()) > 0
    assert DropInSession.objects.filter(team__members=coordinator, attendances__isnull=False).exists()
    sign_in(client, coordinator)
    page = client.get(reverse("people:caseload")).content.decode()
    assert all(escape(p.full_name) in page for p in people)


@pytest.mark.django_db
def test_demo_link_worker_has_referrals_waiting_in_the_inbox(client):
    call_command("seed_demo", residents=5, verbosity=0)
    worker = User.objects.filter(is_demo=True, role="link_worker").first()
    sign_in(client, worker)
    page = client.get(reverse("people:inbox")).content.decode()
    assert "Waiting for an answer (2)" in page and "More information asked" in page
