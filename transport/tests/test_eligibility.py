"""Who may use a scheme: its rules assessed (age, area, mobility, isolation), a coordinator's
decision with a reason, and a trip refused to someone not eligible."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotPermitted, NotVisible, Refusal
from people.tests.factories import PersonFactory
from places.models import Postcode, Ward
from transport import services
from transport.models import MobilityAid, SchemeEligibility, Trip
from transport.tests.factories import coming, make_passenger, make_scheme, make_trip


def eligibility(passenger, scheme):
    return SchemeEligibility.objects.get(passenger=passenger, scheme=scheme)


def test_someone_under_the_minimum_age_is_not_eligible_and_told_why(db):
    scheme, coordinator = make_scheme(minimum_age=60)
    today = timezone.localdate()
    young = make_passenger(scheme, coordinator, date_of_birth=today.replace(year=today.year - 40))
    old = make_passenger(scheme, coordinator, name="Alf Brown", date_of_birth=date(1940, 2, 1))
    assert not eligibility(young, scheme).is_eligible
    assert "aged 60 or over" in eligibility(young, scheme).reason
    assert eligibility(old, scheme).is_eligible and eligibility(old, scheme).reason == ""


def test_an_unknown_date_of_birth_is_a_reason_when_the_scheme_has_a_minimum_age(db):
    scheme, coordinator = make_scheme(minimum_age=60)
    passenger = make_passenger(scheme, coordinator)
    assert "date of birth is not known" in eligibility(passenger, scheme).reason


def test_the_area_served_is_by_ward_or_postcode_district(db):
    ward = Ward.objects.create(code="E05000829", name="Sale Moor")
    Postcode.objects.create(postcode="M33 2AA", ward=ward, latitude=53.42, longitude=-2.31)
    Postcode.objects.create(postcode="M41 0AA", latitude=53.45, longitude=-2.36)
    Postcode.objects.create(postcode="WA14 1AA", latitude=53.38, longitude=-2.35)
    scheme, coordinator = make_scheme(postcode_areas="M41, M32")
    scheme.wards.add(ward)
    in_ward = make_passenger(scheme, coordinator, name="Ann A")
    in_ward.home_postcode_id = "M33 2AA"
    in_ward.save()
    in_area = make_passenger(scheme, coordinator, name="Bea B")
    in_area.person.postcode_id = "M41 0AA"  # the person record's postcode counts when none is given
    in_area.person.save()
    outside = make_passenger(scheme, coordinator, name="Cy C")
    outside.home_postcode_id = "WA14 1AA"
    outside.save()
    unknown = make_passenger(scheme, coordinator, name="Di D")
    results = {
        p: services.assess_eligibility(coordinator, p, scheme) for p in (in_ward, in_area, outside, unknown)
    }
    assert results[in_ward].is_eligible and results[in_area].is_eligible
    assert not results[outside].is_eligible and "does not serve WA14 1AA" in results[outside].reason
    assert not results[unknown].is_eligible and "postcode is not known" in results[unknown].reason


def test_a_scheme_for_mobility_needs_and_isolation_checks_both(db):
    scheme, coordinator = make_scheme(needs_mobility_need=True, needs_isolation=True)
    neither = make_passenger(scheme, coordinator)
    walker = make_passenger(
        scheme, coordinator, name="Fay F", mobility_aid=MobilityAid.WALKER, is_isolated=True
    )
    assert not eligibility(neither, scheme).is_eligible
    assert (
        "mobility" in eligibility(neither, scheme).reason
        and "isolated" in eligibility(neither, scheme).reason
    )
    assert eligibility(walker, scheme).is_eligible


def test_a_coordinator_saying_no_must_say_why(db):
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator)
    with pytest.raises(Refusal) as refused:
        services.decide_eligibility(coordinator, passenger, scheme, is_eligible=False, reason="  ")
    assert "reason" in refused.value.message_dict
    assert eligibility(passenger, scheme).is_eligible  # unchanged
    services.decide_eligibility(
        coordinator, passenger, scheme, is_eligible=False, reason="Lives with a driver."
    )
    assert eligibility(passenger, scheme).reason == "Lives with a driver."


def test_the_database_refuses_not_eligible_without_a_reason(db):
    from django.db import IntegrityError, transaction

    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchemeEligibility.objects.filter(passenger=passenger).update(is_eligible=False, reason="")


@pytest.mark.parametrize("role", [Role.ORGANISATION_EDITOR, Role.RESIDENT, Role.COMMISSIONER])
def test_only_people_who_work_with_people_on_the_team_assess(db, role):
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator)
    on_team = UserFactory(role=role, teams=[scheme.team])
    other_team = UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()])
    for user in (on_team, other_team):
        with pytest.raises(NotPermitted):
            services.assess_eligibility(user, passenger, scheme)


def test_a_coordinator_cannot_register_someone_from_another_teams_records(db):
    scheme, coordinator = make_scheme()
    stranger = PersonFactory(team=TeamFactory())
    with pytest.raises(NotVisible):
        services.register_passenger(coordinator, scheme, person=stranger)


def test_registering_needs_exactly_one_person_or_resident(db):
    scheme, coordinator = make_scheme()
    with pytest.raises(Refusal) as refused:
        services.register_passenger(coordinator, scheme)
    assert "person" in refused.value.message_dict
    staff = UserFactory(role=Role.COORDINATOR)
    with pytest.raises(Refusal) as refused:
        services.register_passenger(coordinator, scheme, account=staff)
    assert "account" in refused.value.message_dict


def test_a_trip_is_refused_for_someone_not_eligible_or_not_assessed(db):
    scheme, coordinator = make_scheme(minimum_age=60)
    passenger = make_passenger(scheme, coordinator)
    with pytest.raises(Refusal) as refused:
        make_trip(coordinator, passenger, scheme, coming())
    assert "may not use" in refused.value.message_dict["scheme"][0]
    other, _ = make_scheme(name="Sale minibus")
    other.team = scheme.team
    other.save()
    with pytest.raises(Refusal) as refused:
        make_trip(coordinator, passenger, other, coming())
    assert "not been assessed" in refused.value.message_dict["scheme"][0]
    assert not Trip.objects.exists()
