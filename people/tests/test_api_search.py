"""A search for people with a NUL character in it (which PostgreSQL refuses in a query) is
answered, not a server error, through the API and the page."""

from django.urls import reverse

from accounts.models import Role
from common.testing import sign_in
from people.tests.factories import PersonFactory


def test_a_search_with_a_nul_character_is_answered_not_a_server_error(client, team, make_user):
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    sign_in(client, coordinator)
    listed = client.get(reverse("api_people"), {"scope": "team", "q": "Ada\x00"})
    assert listed.status_code == 200 and listed.json()["count"] == 1
    page = client.get(reverse("people:caseload"), {"scope": "team", "q": "Ada\x00"})
    assert page.status_code == 200 and "Ada Whitfield" in page.content.decode()
