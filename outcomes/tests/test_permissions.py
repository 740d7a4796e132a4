"""Who may read the figures and record a person's outcomes, asked of outcomes.permissions, and the
services' own refusals reaching the page as 403 and 404."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import sign_in
from outcomes import services, views
from outcomes.models import OutcomeEvent
from outcomes.permissions import may_record_outcomes, may_record_outcomes_for, may_see_reports
from outcomes.selectors import report_areas
from people.tests.factories import PersonFactory
from places.tests.factories import NeighbourhoodFactory

RECORDING_ROLES = [Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.ADMINISTRATOR]
OTHER_ROLES = [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER]


@pytest.mark.parametrize("role", Role.values)
def test_only_commissioners_and_administrators_see_the_figures(db, role):
    assert may_see_reports(UserFactory(role=role)) == (role in {Role.COMMISSIONER, Role.ADMINISTRATOR})


def test_a_superuser_sees_the_figures_and_anonymous_or_closed_accounts_do_not(db):
    assert may_see_reports(UserFactory(role=Role.RESIDENT, is_superuser=True))
    assert not may_see_reports(AnonymousUser())
    assert not may_see_reports(UserFactory(role=Role.COMMISSIONER, is_active=False))


def test_the_report_offers_every_area_to_a_commissioner_and_none_to_anyone_else(db):
    NeighbourhoodFactory(name="Sale Moor")
    NeighbourhoodFactory(name="Partington")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    assert [n.name for n in report_areas(commissioner)] == ["Partington", "Sale Moor"]
    for user in (UserFactory(role=Role.COORDINATOR), UserFactory(role=Role.RESIDENT), AnonymousUser()):
        assert not report_areas(user).exists()


@pytest.mark.parametrize("role", RECORDING_ROLES + OTHER_ROLES)
def test_only_staff_whose_work_is_with_people_record_outcomes(db, role):
    assert may_record_outcomes(UserFactory(role=role)) == (role in RECORDING_ROLES)


def test_anonymous_and_closed_accounts_record_no_outcomes(db):
    assert not may_record_outcomes(AnonymousUser())
    assert not may_record_outcomes(UserFactory(role=Role.COORDINATOR, is_active=False))


def test_outcomes_are_recorded_for_the_teams_people_only(db):
    ada = PersonFactory()
    assert may_record_outcomes_for(UserFactory(role=Role.COORDINATOR, teams=[ada.team]), ada)
    assert not may_record_outcomes_for(UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), ada)
    assert may_record_outcomes_for(UserFactory(role=Role.ADMINISTRATOR), ada)
    # On the team, but not someone whose work is with people.
    assert not may_record_outcomes_for(UserFactory(role=Role.COMMISSIONER, teams=[ada.team]), ada)
    assert not may_record_outcomes_for(AnonymousUser(), ada)


def test_no_one_records_outcomes_for_an_erased_record(db):
    ada = PersonFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[ada.team])
    ada.erased_at = timezone.now()
    ada.save()
    assert not may_record_outcomes_for(coordinator, ada)
    assert not may_record_outcomes_for(UserFactory(role=Role.ADMINISTRATOR), ada)


def _record(user, person):
    return services.record_outcome(user, person, "crisis_avoided", date(2026, 1, 5), "Rent plan agreed")


def test_the_service_refuses_a_commissioner_and_hides_another_teams_person(db):
    ada = PersonFactory()
    with pytest.raises(NotPermitted, match="Only staff who work with people"):
        _record(UserFactory(role=Role.COMMISSIONER, teams=[ada.team]), ada)
    with pytest.raises(NotVisible):
        _record(UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), ada)
    assert not OutcomeEvent.objects.exists()
    _record(UserFactory(role=Role.COORDINATOR, teams=[ada.team]), ada)
    assert OutcomeEvent.objects.count() == 1


POSTED = {"kind": "crisis_avoided", "on": "2026-01-05", "evidence": "Rent plan agreed"}


def test_the_services_refusals_reach_the_page_as_403_and_404_even_if_the_view_forgot_to_ask(
    client, db, monkeypatch
):
    ada = PersonFactory(full_name="Ada Whitfield")
    # A view that forgot who may see whom: the service still refuses.
    monkeypatch.setattr(views, "may_record_outcomes", lambda user: True)
    monkeypatch.setattr(views, "person_for_viewer", lambda user, pk: ada)
    url = reverse("outcomes:record_outcome", args=[ada.pk])
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    assert client.post(url, POSTED).status_code == 403
    sign_in(client, UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]))
    hidden = client.post(url, POSTED)
    assert hidden.status_code == 404 and b"Whitfield" not in hidden.content
    assert not OutcomeEvent.objects.exists()
