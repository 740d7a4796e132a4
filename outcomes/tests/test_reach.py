"""Reach by deprivation decile and ward, worked by hand on a small district, with every count
under 5 suppressed."""

from decimal import Decimal

import pytest

from outcomes.selectors import reach, share, shown
from people.models import Introduction
from people.tests.factories import PersonFactory
from places.tests.factories import LSOAFactory, NeighbourhoodFactory, PostcodeFactory, WardFactory


@pytest.fixture
def district(db):
    """20 people: 12 in decile 1, 3 in decile 3, 5 in decile 8; two wards (16 and 4 people)."""
    north, south = WardFactory(name="Gorse Hill"), WardFactory(name="Bowdon")
    postcodes = {
        1: PostcodeFactory(lsoa=LSOAFactory(imd_decile=1), ward=north),
        3: PostcodeFactory(lsoa=LSOAFactory(imd_decile=3), ward=north),
        8: PostcodeFactory(lsoa=LSOAFactory(imd_decile=8), ward=south),
    }
    people = []
    for decile, count in [(1, 12), (3, 3), (8, 5)]:
        people += [PersonFactory(postcode=postcodes[decile]) for _ in range(count)]
    # One person in a decile-8 area lives in Gorse Hill ward, so the wards hold 16 and 4.
    people[-1].postcode = PostcodeFactory(lsoa=postcodes[8].lsoa, ward=north)
    people[-1].save()
    return people


def test_share_in_the_most_deprived_areas_is_worked_out_by_hand(district):
    figures = reach()
    assert figures["people"] == 20
    assert figures["most_deprived_share"] == Decimal("75.0")  # (12 + 3) / 20
    deciles = {row["decile"]: row["count"] for row in figures["deciles"]}
    assert deciles[1] == 12 and deciles[8] == 5
    assert deciles[3] is None  # 3 people: suppressed
    assert deciles[2] is None  # 0 people: suppressed too, so a 0 cannot be told from a 3
    assert {row["label"]: row["count"] for row in figures["wards"]} == {"Gorse Hill": 16, "Bowdon": None}


def test_reach_by_neighbourhood_counts_its_wards_and_its_lsoas_once_each(district):
    north = district[0].postcode.ward
    decile_8 = district[-1].postcode.lsoa
    by_ward = NeighbourhoodFactory(name="North")
    by_ward.wards.add(north)  # 16 people
    by_lsoa = NeighbourhoodFactory(name="The Park")
    by_lsoa.lsoas.add(decile_8)  # 5 people, one of them in North's ward too
    both = NeighbourhoodFactory(name="North and the park")
    both.wards.add(north)
    both.lsoas.add(decile_8)  # 16 + 4: the one in both is counted once
    NeighbourhoodFactory(name="Empty")
    assert {row["label"]: row["count"] for row in reach()["neighbourhoods"]} == {
        "Empty": None,
        "North": 16,
        "North and the park": 20,
        "The Park": 5,
    }


def test_erased_people_still_count_where_they_lived(district):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from people.services import erase_person

    admin = UserFactory(role=Role.ADMINISTRATOR)
    for person in district[:4]:
        erase_person(admin, person)
    assert reach()["most_deprived_share"] == Decimal("75.0")


def test_introductions_still_working(district):
    for person in district[:10]:
        Introduction.objects.create(person=person, elsewhere="Choir", status="still_connected")
    for person in district[10:12]:
        Introduction.objects.create(person=person, elsewhere="Choir", status="did_not_work_out")
    figures = reach()
    assert figures["introductions"] == 12 and figures["still_working"] == 10
    assert figures["still_working_share"] == Decimal("83.3")


@pytest.mark.parametrize(("count", "expected"), [(0, None), (4, None), (5, 5), (120, 120)])
def test_counts_under_five_are_suppressed(count, expected):
    assert shown(count) == expected


def test_a_share_of_a_small_number_is_suppressed():
    assert share(4, 100) is None and share(5, 4) is None and share(5, 8) == Decimal("62.5")
