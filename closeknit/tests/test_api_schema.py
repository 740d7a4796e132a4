"""The API description is true: schemathesis sends every operation in /api/schema/ generated
requests (valid ones, about real records and about random ids, and invalid ones) signed in as a
coordinator (two factors verified), a timebank's broker and a resident, and every answer must be
no server error and exactly what the description says.

Examples are bounded and derandomised so the run is the same each time and takes a minute or so."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import Role
from common.testing import sign_in
from directory.tests.factories import ServiceFactory, TaxonomyTermFactory
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory
from timebank import services as timebank_services
from timebank.tests.factories import make_member, make_timebank

# Per operation, role and kind of request: enough to find the shapes, small enough for two cores.
# CLOSEKNIT_API_EXAMPLES=100 searches harder, locally.
EXAMPLES = int(os.environ.get("CLOSEKNIT_API_EXAMPLES", "8"))


@pytest.fixture
def world(db, team, make_user):
    """A coordinator with a person (a conversation, an introduction), a timebank with a broker,
    a member and an exchange, and a published listing with a category."""
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team, coordinator=coordinator)
    ConversationFactory(person=person)
    introduction = IntroductionFactory(person=person)
    timebank, broker = make_timebank(welcome_hours=Decimal("2"))
    member = make_member(timebank, broker)
    timebank_services.approve_member(  # the coordinator is a member too: their balance is there
        broker, timebank_services.apply_to_join(coordinator, timebank), "Met at the library."
    )
    exchange = timebank_services.propose_exchange(
        broker, timebank, giver=member, receiver=None, hours=Decimal("1"), description="Shopping"
    )
    term = TaxonomyTermFactory()
    listing = ServiceFactory(categories=[term])
    place = listing.service_at_locations.first()
    people = {"id": str(person.pk)}
    exchange_id = {"id": exchange.pk}
    timebank_slug = {"slug": timebank.slug}
    return {
        "coordinator": coordinator,
        "broker": broker,
        "resident": member,
        "ids": {
            "/api/people/{id}/": people,
            "/api/people/{id}/conversations/": people,
            "/api/people/{id}/introductions/": people,
            "/api/introductions/{id}/steps/": {"id": introduction.pk},
            "/api/timebanks/{slug}/balance/": timebank_slug,
            "/api/timebanks/{slug}/balances/": timebank_slug,
            "/api/timebanks/{slug}/exchanges/": timebank_slug,
            "/api/exchanges/{id}/confirm/": exchange_id,
            "/api/exchanges/{id}/cancel/": exchange_id,
            "/oruk/services/{id}": {"id": str(listing.pk)},
            "/oruk/organizations/{id}": {"id": str(listing.provider_id)},
            "/oruk/taxonomies/{id}": {"id": str(term.taxonomy_id)},
            "/oruk/taxonomy_terms/{id}": {"id": str(term.pk)},
            "/oruk/service_at_locations/{id}": {"id": str(place.pk)} if place else {},
        },
    }


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, answering inside the test's transaction: like the test client,
    it must not close the connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def check_every_operation(app, user, ids) -> list[str]:
    """Run every operation of the description as ``user``; return the failures' reports."""
    client = sign_in(Client(), user)
    csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it as cookie and header
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    headers = {"X-CSRFToken": csrf}
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # Valid and invalid requests about the real records, and valid ones about random ids.
        known = ids.get(operation.path)
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
        ]
        if known:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE))

        @settings(
            max_examples=EXAMPLES * len(strategies),
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def run(case):
            response = case.call(app=app, headers=headers, cookies=cookies)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - all are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:3000]}")
    return failures


@pytest.mark.parametrize("role", ["coordinator", "broker", "resident"])
def test_every_answer_matches_the_api_description(world, wsgi_app, role):
    """A coordinator (two factors verified), a timebank's broker and a resident member each get
    no server error, and only answers the description allows, from every operation."""
    failures = check_every_operation(wsgi_app, world[role], world["ids"])
    assert not failures, "\n\n".join(failures)
