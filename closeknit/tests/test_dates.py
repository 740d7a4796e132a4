"""Dates outside a sensible range (a conversation in 1018 or 2206, an exchange in 1018, a birth in 1850
or next year) are refused by the API and the pages alike, naming the field, and nothing is saved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from common.dates import birth_date, sensible_date, years_from
from common.testing import sign_in
from people.models import Conversation, Introduction, IntroductionStep, Person
from people.tests.factories import IntroductionFactory, PersonFactory
from timebank.models import Exchange
from timebank.tests.factories import make_member, make_timebank


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator):
    return PersonFactory(team=team, coordinator=coordinator, date_of_birth=date(1948, 7, 3))


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_rule_keeps_events_between_2000_and_five_years_ahead_and_births_between_1900_and_today():
    today = timezone.localdate()
    event, birth = sensible_date("date"), birth_date()
    for fine in (date(2000, 1, 1), today, years_from(today, 5)):
        event(fine)
    for wrong in (date(1018, 11, 20), date(1999, 12, 31), years_from(today, 5) + timedelta(days=1)):
        with pytest.raises(ValidationError):
            event(wrong)
    for fine in (date(1900, 1, 1), date(1948, 7, 3), today):
        birth(fine)
    for wrong in (date(1899, 12, 31), today + timedelta(days=1)):
        with pytest.raises(ValidationError):
            birth(wrong)
    assert years_from(date(2028, 2, 29), 5) == date(2033, 2, 28)


@pytest.mark.parametrize("day", ["1018-11-20", "1999-12-31", "2206-11-20"])
def test_a_conversation_in_the_year_1018_is_refused_through_the_api(client, person, coordinator, day):
    sign_in(client, coordinator)
    response = post_json(
        client,
        reverse("api_conversations", args=[person.pk]),
        {"happened_on": day, "kind": "call", "notes": "Rang about Tuesday"},
    )
    assert response.status_code == 400, response.content
    assert "date of the conversation" in response.json()["happened_on"][0]
    assert not Conversation.objects.exists()


def test_a_follow_up_centuries_ahead_is_refused_through_the_api(client, person, coordinator):
    sign_in(client, coordinator)
    today = timezone.localdate().isoformat()
    response = post_json(
        client,
        reverse("api_conversations", args=[person.pk]),
        {"happened_on": today, "kind": "call", "notes": "x", "follow_up_on": "2999-01-01"},
    )
    assert response.status_code == 400 and "follow_up_on" in response.json()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("day", ["1850-01-01", "2999-01-01"])
def test_an_impossible_date_of_birth_is_refused_through_the_api(client, person, coordinator, day):
    sign_in(client, coordinator)
    response = client.patch(
        reverse("api_person", args=[person.pk]), {"date_of_birth": day}, content_type="application/json"
    )
    assert response.status_code == 400 and "date of birth" in response.json()["date_of_birth"][0]
    assert Person.objects.get(pk=person.pk).date_of_birth == date(1948, 7, 3)


def test_introductions_and_their_steps_in_1018_are_refused_through_the_api(client, person, coordinator):
    introduction = IntroductionFactory(person=person)
    sign_in(client, coordinator)
    made = post_json(
        client,
        reverse("api_introductions", args=[person.pk]),
        {"elsewhere": "Bowls", "made_on": "1018-11-20"},
    )
    assert made.status_code == 400 and "made_on" in made.json()
    step = post_json(
        client,
        reverse("api_introduction_steps", args=[introduction.pk]),
        {"status": "introduced", "on": "1018-11-20"},
    )
    assert step.status_code == 400 and "on" in step.json()
    assert Introduction.objects.count() == 1 and IntroductionStep.objects.count() == 1
    assert Introduction.objects.get().status == "suggested"


def test_a_time_exchange_in_1018_is_refused_through_the_api(client, db):
    timebank, broker = make_timebank(welcome_hours=Decimal("1"))
    ada, bert = make_member(timebank, broker), make_member(timebank, broker)
    sign_in(client, ada)
    response = post_json(
        client,
        reverse("api_timebank_exchanges", args=[timebank.slug]),
        {
            "giver": ada.pk,
            "receiver": bert.pk,
            "hours": "1",
            "description": "Help",
            "happened_on": "1018-01-01",
        },
    )
    assert response.status_code == 400 and "happened_on" in response.json()
    assert not Exchange.objects.exists()


def test_a_conversation_in_the_year_1018_is_refused_on_the_page(client, person, coordinator):
    sign_in(client, coordinator)
    response = client.post(
        reverse("people:add_conversation", args=[person.pk]),
        {"happened_on": "20/11/1018", "kind": "call", "notes": "Rang about Tuesday"},
    )
    assert "The date of the conversation must be on or after 1 January 2000" in response.content.decode()
    assert not Conversation.objects.exists()
