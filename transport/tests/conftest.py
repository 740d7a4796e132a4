"""Fixtures shared by transport's tests."""

from datetime import date
from decimal import Decimal

import pytest

from transport.models import MileageRate


@pytest.fixture
def hmrc(db):
    """HMRC's approved rates as the data migration seeds them. A transactional test (the browser
    tests) flushes the database after it, data migrations' rows with it, so a test that claims
    mileage asks for this rather than counting on the migration's row."""
    rate, _ = MileageRate.objects.get_or_create(
        applies_from=date(2011, 4, 6),
        defaults={"first_rate": Decimal("0.45"), "later_rate": Decimal("0.25"), "threshold_miles": 10000},
    )
    return rate
