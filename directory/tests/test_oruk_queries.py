"""The Open Referral UK lists cost the same number of queries for a page of 2 items as of 12: no
query per item (an aggregator reads every page of every feed it knows)."""

from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import OrganizationIdentifier
from directory.tests.factories import (
    LocationFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

LISTS = [
    "/oruk/services",
    "/oruk/services?full=true",
    "/oruk/services?minimal=true",
    "/oruk/service_at_locations",
    "/oruk/organizations",
    "/oruk/taxonomies",
    "/oruk/taxonomy_terms",
]


def _add_listings(how_many: int) -> None:
    for _ in range(how_many):
        provider = ProviderFactory()
        OrganizationIdentifier.objects.create(
            organization=provider,
            identifier_scheme="GB-CHC",
            identifier_type="Charity number",
            identifier="1",
        )
        service = ServiceFactory(
            provider=provider, at=[LocationFactory()], categories=[TaxonomyTermFactory()]
        )
        ScheduleFactory(service=service, byday="TU", opens_at=time(10), closes_at=time(12))


def _queries(client, address: str) -> int:
    cache.clear()  # the directory's public reads are kept: count a first read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address, {"per_page": 50}).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("address", LISTS)
def test_a_list_costs_no_query_per_item(client, address):
    _add_listings(2)
    few = _queries(client, address)
    _add_listings(10)
    assert _queries(client, address) == few
