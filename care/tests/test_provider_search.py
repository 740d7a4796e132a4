"""Finding support near a person: coverage (radius edge, postcode districts and sectors, outside
the area), what is needed, when, language, ordering by distance and the reasons in words."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from care import provider_services
from care.provider_selectors import ProviderSearch, parse_postcode_areas, search_providers
from care.tests.provider_factories import make_provider, make_team, postcode
from directory.models import ListingStatus

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 14)


def names(matches) -> list[str]:
    return [m.micro_provider.provider.name for m in matches]


def test_a_radius_covers_up_to_its_edge_and_not_beyond():
    team, coordinator = make_team()
    make_provider(team, coordinator, name="Radius", base=postcode("M33 7XZ"), radius="2")
    on_edge = postcode("M33 6AA", miles_north=2.0)
    beyond = postcode("M33 6AB", miles_north=2.06)
    (match,) = search_providers(ProviderSearch(postcode=on_edge), TODAY)
    assert match.miles == pytest.approx(2.0)
    assert "goes up to 2 miles from its base" in match.reasons
    assert search_providers(ProviderSearch(postcode=beyond), TODAY) == []


def test_a_district_or_sector_list_covers_those_postcodes_only():
    team, coordinator = make_team()
    make_provider(
        team, coordinator, name="Districts", base=postcode("M33 7XZ"), areas="M32, M41 9", radius=None
    )
    in_district = postcode("M32 0TH", miles_north=3)
    in_sector = postcode("M41 9AB", miles_north=4)
    other_sector = postcode("M41 8AB", miles_north=4)
    near_but_outside = postcode("M33 1AB", miles_north=0.2)  # its own district is not listed
    (match,) = search_providers(ProviderSearch(postcode=in_district), TODAY)
    assert "covers M32" in match.reasons
    (match,) = search_providers(ProviderSearch(postcode=in_sector), TODAY)
    assert "covers M41 9" in match.reasons
    assert search_providers(ProviderSearch(postcode=other_sector), TODAY) == []
    assert search_providers(ProviderSearch(postcode=near_but_outside), TODAY) == []


def test_nearest_base_first_with_distance_in_the_suggestions_words():
    team, coordinator = make_team()
    home = postcode("M33 7XZ")
    make_provider(team, coordinator, name="Far", base=postcode("M33 2AA", miles_north=2.5), radius="5")
    make_provider(team, coordinator, name="Near", base=postcode("M33 3AA", miles_north=1.0), radius="5")
    make_provider(team, coordinator, name="Middle", base=postcode("M33 4AA", miles_north=1.6), radius="5")
    matches = search_providers(ProviderSearch(postcode=home), TODAY)
    assert names(matches) == ["Near", "Middle", "Far"]
    assert matches[0].reasons[0] == "1 mile"
    assert matches[1].reasons[0] == "1.6 miles"
    assert "£18.50 an hour" in matches[0].reasons


def test_need_day_time_and_language_narrow_the_search_with_reasons():
    team, coordinator = make_team()
    home = postcode("M33 7XZ")
    make_provider(
        team, coordinator, name="Urdu carers", base=postcode("M33 2AA", miles_north=0.5),
        offers=("personal_care", "companionship"), languages=("English", "Urdu"),
        availability=((1, time(9), time(15)),),
    )  # fmt: skip
    make_provider(
        team, coordinator, name="Gardens", base=postcode("M33 3AA", miles_north=0.3),
        offers=("help_at_home",), availability=((1, time(9), time(15)),),
    )  # fmt: skip
    make_provider(
        team, coordinator, name="Evenings", base=postcode("M33 4AA", miles_north=0.4),
        offers=("companionship",), availability=((1, time(16), time(20)),),
    )  # fmt: skip

    wanted = ProviderSearch(postcode=home, need="companionship", day=1, starts_at=time(10), ends_at=time(12))
    (match,) = search_providers(wanted, TODAY)
    assert match.micro_provider.provider.name == "Urdu carers"
    assert match.reasons[0] == "Companionship"
    assert "works Tuesdays 09:00 to 15:00" in match.reasons

    assert names(search_providers(ProviderSearch(postcode=home, language="urdu"), TODAY)) == ["Urdu carers"]
    assert "speaks Urdu" in search_providers(ProviderSearch(postcode=home, language="Urdu"), TODAY)[0].reasons
    assert search_providers(ProviderSearch(postcode=home, language="Polish"), TODAY) == []
    assert search_providers(ProviderSearch(postcode=home, day=3), TODAY) == []  # nobody on Thursdays
    evening = ProviderSearch(postcode=home, day=1, starts_at=time(17), ends_at=time(19))
    assert names(search_providers(evening, TODAY)) == ["Evenings"]


def test_a_provider_with_a_lapsed_check_or_no_published_listing_is_not_found():
    team, coordinator = make_team()
    home = postcode("M33 7XZ")
    make_provider(team, coordinator, name="Lapsed", checks_expire=TODAY - timedelta(days=1))
    make_provider(team, coordinator, name="Unlisted", listed=False)
    drafted = make_provider(team, coordinator, name="Drafted")
    drafted.provider.services.update(listing_status=ListingStatus.DRAFT)
    make_provider(team, coordinator, name="Fine")
    # Before the daily job has hidden its listings, the search already leaves the lapsed one out.
    assert names(search_providers(ProviderSearch(postcode=home), TODAY)) == ["Fine"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"need": "gardening"}, "need"),
        ({"starts_at": time(12), "ends_at": time(11)}, "ends_at"),
    ],
)
def test_bad_search_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as refused:
        search_providers(ProviderSearch(postcode=postcode("M33 7XZ"), **fields), TODAY)
    assert field in refused.value.message_dict


def test_a_postcode_with_no_location_is_refused():
    from places.tests.factories import PostcodeFactory

    nowhere = PostcodeFactory(postcode="M33 9QQ", latitude=None, longitude=None)
    with pytest.raises(ValidationError) as refused:
        search_providers(ProviderSearch(postcode=nowhere), TODAY)
    assert "postcode" in refused.value.message_dict


@pytest.mark.parametrize(
    "text, areas",
    [
        ("m33, M32 9", ["M33", "M32 9"]),
        ("M33 M32 9 WA14", ["M33", "M32 9", "WA14"]),
        ("M33;m33\nM1", ["M33", "M1"]),
        ("", []),
    ],
)
def test_postcode_areas_are_read_in_any_spacing_and_case(text, areas):
    assert parse_postcode_areas(text) == areas


@pytest.mark.parametrize("text", ["M33 7XZ", "Sale", "33", "M33, 7"])
def test_something_that_is_not_a_district_or_sector_is_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as refused:
        parse_postcode_areas(text)
    assert "covers_postcode_areas" in refused.value.message_dict


@pytest.mark.parametrize(
    "change, field",
    [
        ({"offers": []}, "offers"),
        ({"offers": ["gardening"]}, "offers"),
        ({"covers_postcode_areas": "", "covers_radius_miles": None}, "covers_postcode_areas"),
        ({"covers_postcode_areas": "Sale"}, "covers_postcode_areas"),
        ({"covers_radius_miles": Decimal("-1")}, "covers_radius_miles"),
        ({"price_per_hour_pence": -5}, "price_per_hour_pence"),
        ({"price_per_hour_pence": "18.50"}, "price_per_hour_pence"),
        ({"base_postcode": None}, "base_postcode"),
        ({"owner_name": " "}, "owner_name"),
    ],
)
def test_registering_a_provider_with_bad_details_is_refused_and_nothing_is_saved(change, field):
    from care.models import MicroProvider
    from directory.tests.factories import ProviderFactory

    team, coordinator = make_team()
    details = {
        "owner_name": "Ann",
        "offers": ["companionship"],
        "base_postcode": postcode("M33 7XZ"),
        "covers_postcode_areas": "M33",
        "covers_radius_miles": None,
        "price_per_hour_pence": 1800,
    } | change
    with pytest.raises(ValidationError) as refused:
        provider_services.register_micro_provider(coordinator, ProviderFactory(), team, details)
    assert field in refused.value.message_dict
    assert not MicroProvider.objects.exists()


def test_bad_availability_or_workers_save_nothing():
    from care.models import MicroProvider
    from directory.tests.factories import ProviderFactory

    team, coordinator = make_team()
    details = {
        "owner_name": "Ann", "offers": ["companionship"], "base_postcode": postcode("M33 7XZ"),
        "covers_postcode_areas": "M33", "price_per_hour_pence": 1800,
    }  # fmt: skip
    for availability, workers, field in (
        ([(1, time(15), time(9))], [], "availability"),
        ([(7, time(9), time(15))], [], "availability"),
        ([], [("", "carer")], "workers"),
    ):
        with pytest.raises(ValidationError) as refused:
            provider_services.register_micro_provider(
                coordinator, ProviderFactory(), team, details, availability=availability, workers=workers
            )
        assert field in refused.value.message_dict
    assert not MicroProvider.objects.exists()
