"""The district figures: computed by each geography import and stored, read on the district page
without computing them, and the same as computing them afresh."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from places.models import DistrictSummary
from places.selectors import district_overview
from places.services import refresh_district_summary
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory
from places.tests.test_imports import IMD_FILE1_HEADER, TRAFFORD_HEADER, TRAFFORD_ROWS, write


@pytest.fixture
def north(db):
    area = NeighbourhoodFactory(name="North")
    deprived = PostcodeFactory(lsoa__imd_decile=2)
    PostcodeFactory(ward=deprived.ward, lsoa__imd_decile=8)
    area.wards.add(deprived.ward)
    return area


@pytest.mark.django_db
def test_before_any_import_the_page_says_when_the_figures_appear(client):
    response = client.get(reverse("places:district"))
    assert response.status_code == 200
    assert "appear here after the next import" in response.content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_stored_figures_without_computing_them(
    client, north, django_assert_max_num_queries
):
    refresh_district_summary()
    with django_assert_max_num_queries(2) as queries:
        page = client.get(reverse("places:district")).content.decode()
    assert not any(
        "places_lsoa" in q["sql"] or "places_postcode" in q["sql"] for q in queries.captured_queries
    )
    assert "North" in page
    assert "1 of its 2 small areas" in page  # one of two LSOAs is in the 30% most deprived
    assert "50.0% of the district" in page


@pytest.mark.django_db
def test_a_visit_shows_what_the_last_import_stored_not_what_changed_since(client, north):
    refresh_district_summary()
    NeighbourhoodFactory(name="Added after the import")
    page = client.get(reverse("places:district")).content.decode()
    assert "Added after the import" not in page


@pytest.mark.django_db
def test_the_stored_figures_match_computing_them_afresh(north):
    assert refresh_district_summary().figures == district_overview()
    assert DistrictSummary.objects.count() == 1


@pytest.mark.django_db
def test_each_import_command_refreshes_the_figures(tmp_path):
    postcodes = write(tmp_path, "trafford.csv", TRAFFORD_HEADER, TRAFFORD_ROWS)
    call_command("import_postcodes", str(postcodes), no_progress=True)
    assert DistrictSummary.objects.get().figures["postcodes"] == 3
    assert DistrictSummary.objects.get().figures["most_deprived_share"] is None
    imd = write(
        tmp_path,
        "imd.csv",
        IMD_FILE1_HEADER,
        [
            "E01006112,Trafford 001D,E08000009,Trafford,100,1",
            "E01006050,Trafford 023B,E08000009,Trafford,30000,10",
        ],
    )
    call_command("import_imd", str(imd), no_progress=True)
    assert DistrictSummary.objects.get().figures["most_deprived_share"] == 50.0
    call_command(
        "import_neighbourhoods",
        str(postcodes),
        name_column="locality",
        area_column="ward_code",
        no_progress=True,
    )
    figures = DistrictSummary.objects.get().figures
    assert sorted(n["name"] for n in figures["neighbourhoods"]) == ["North", "South"]
    assert figures == district_overview()


@pytest.mark.django_db
def test_a_failed_import_leaves_the_stored_figures_as_they_were(tmp_path, north):
    refresh_district_summary()
    before = DistrictSummary.objects.get()
    bad = write(tmp_path, "bad.csv", TRAFFORD_HEADER, [*TRAFFORD_ROWS, "not a postcode,E05015247,,,,,,,,,,"])
    with pytest.raises(CommandError):
        call_command("import_postcodes", str(bad), no_progress=True)
    after = DistrictSummary.objects.get()
    assert (after.figures, after.computed_at) == (before.figures, before.computed_at)
