import gzip

import pytest
from django.core.management import CommandError, call_command

from common.csvimport import ImportFileError
from places.models import LSOA, LocalAuthority, Neighbourhood, Postcode, Ward
from places.services import import_imd, import_neighbourhoods, import_postcodes

TRAFFORD_HEADER = (
    "postcode,ward_code,ward_name,msoa_code,msoa_hcl_name,lsoa_code,lsoa_name,"
    "locality,la_code,la_name,lon,lat"
)
TRAFFORD_ROWS = [
    "M15 4AB,E05015247,Gorse Hill & Cornbrook,E02001259,Old Trafford,E01034001,Trafford 001H,"
    "North,E08000009,Trafford,-2.26046,53.465578",
    "M15 4AD,E05015253,Old Trafford,E02001259,Old Trafford,E01006112,Trafford 001D,North,"
    "E08000009,Trafford,-2.260757,53.464903",
    "WA14 5PL,E05015242,Altrincham,E02001281,Altrincham Central,E01006050,Trafford 023B,South,"
    "E08000009,Trafford,-2.35,53.385",
]
# The full ONS Postcode Directory layout (a few of its columns), with codes only.
ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,lsoa11,lsoa21,lat,long"
ONSPD_ROWS = [
    "M154AB ,M15  4AB,M15 4AB,198001,,E08000009,E05015247,E01006108,E01034001,53.465578,-2.26046",
    "M1  1ZZ,M1  1ZZ,M1 1ZZ,198001,202006,E08000003,E05011368,E01005131,E01005131,53.48,-2.24",
    "GY1 1AA,GY1 1AA,GY1 1AA,198001,,L99999999,L99999999,L99999999,L99999999,99.999999,0.000000",
]
IMD_FILE1_HEADER = (
    "\ufeffLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile"
)
IMD_FILE7_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Score,"
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
)


def write(tmp_path, name, header, rows):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def trafford_file(tmp_path):
    return write(tmp_path, "trafford.csv", TRAFFORD_HEADER, TRAFFORD_ROWS)


@pytest.mark.django_db
def test_trafford_layout_imports_postcodes_with_their_areas(trafford_file):
    report = import_postcodes(trafford_file)
    assert (report.read, report.created, report.updated) == (3, 3, 0)
    postcode = Postcode.objects.get(postcode="M15 4AD")
    assert (postcode.latitude, postcode.longitude) == (53.464903, -2.260757)
    assert postcode.ward.name == "Old Trafford"
    assert postcode.lsoa.name == "Trafford 001D"
    assert postcode.local_authority.name == "Trafford"
    assert Ward.objects.get(code="E05015242").local_authority_id == "E08000009"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(trafford_file):
    import_postcodes(trafford_file)
    before = list(Postcode.objects.values_list())
    report = import_postcodes(trafford_file)
    assert (report.created, report.updated) == (0, 3)
    assert list(Postcode.objects.values_list()) == before


@pytest.mark.django_db
def test_onspd_layout_imports_and_keeps_names_from_an_earlier_file(tmp_path, trafford_file):
    import_postcodes(trafford_file)
    onspd = write(tmp_path, "ONSPD_NOV_2023_UK.csv", ONSPD_HEADER, ONSPD_ROWS)
    report = import_postcodes(onspd)
    assert report.created == 2  # M1 1ZZ and GY1 1AA are new; M15 4AB is updated
    assert Ward.objects.get(code="E05015247").name == "Gorse Hill & Cornbrook"
    assert LocalAuthority.objects.get(code="E08000009").name == "Trafford"
    assert Ward.objects.get(code="E05011368").name == "E05011368"  # no name published: code shown
    terminated = Postcode.objects.get(postcode="M1 1ZZ")
    assert str(terminated.terminated_on) == "2020-06-01"
    channel_islands = Postcode.objects.get(postcode="GY1 1AA")
    assert channel_islands.latitude is None and channel_islands.lsoa is None


@pytest.mark.django_db
def test_local_authority_option_keeps_only_that_district(tmp_path):
    onspd = write(tmp_path, "onspd.csv", ONSPD_HEADER, ONSPD_ROWS)
    report = import_postcodes(onspd, local_authority="E08000009")
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["M15 4AB"]
    assert report.skipped == 2


@pytest.mark.django_db
def test_gzipped_file_imports(tmp_path):
    path = tmp_path / "trafford.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([TRAFFORD_HEADER, *TRAFFORD_ROWS]))
    assert import_postcodes(path).created == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row, line, column, problem",
    [
        (TRAFFORD_ROWS[2].replace("53.385", "fifty-three"), 4, "lat", "'fifty-three' is not a number"),
        (TRAFFORD_ROWS[2].replace("WA14 5PL", "NOT A PC"), 4, "postcode", "is not a UK postcode"),
        (TRAFFORD_ROWS[2].replace("E01006050", "E1-6050"), 4, "lsoa_code", "is not an ONS area code"),
        (TRAFFORD_ROWS[2].replace("-2.35", "-200.35"), 4, "lon", "is not a longitude"),
        (TRAFFORD_ROWS[2].replace(",-2.35,", ",,"), 4, "lon", "is empty but the other coordinate"),
        (TRAFFORD_ROWS[2] + ",extra", 4, None, "has 13 fields but the header has 12"),
    ],
)
def test_malformed_postcode_file_names_line_and_column_and_writes_nothing(
    tmp_path, bad_row, line, column, problem
):
    # Enough good rows before the bad one that earlier batches would have been written.
    good = [
        f"M33 {n % 10}{'ABDEFGHJLN'[n // 10 % 10]}{'ABDEFGHJLN'[n // 100 % 10]},E05015247,"
        f"Ward,E02001259,M,E01006112,L,North,E08000009,Trafford,-2.3,53.4"
        for n in range(999)
    ]
    path = write(tmp_path, "bad.csv", TRAFFORD_HEADER, [*TRAFFORD_ROWS[:2], bad_row, *good])
    with pytest.raises(ImportFileError) as raised:
        import_postcodes(path)
    error = raised.value
    assert (error.line, error.column) == (line, column)
    assert problem in str(error) and str(error).startswith(f"bad.csv, line {line}")
    assert Postcode.objects.count() == 0
    assert Ward.objects.count() == 0 and LSOA.objects.count() == 0


@pytest.mark.django_db
def test_error_after_the_first_batch_still_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("places.services.BATCH_SIZE", 2)
    bad = TRAFFORD_ROWS[2].replace("53.385", "x")
    path = write(tmp_path, "bad.csv", TRAFFORD_HEADER, [*TRAFFORD_ROWS, bad])
    with pytest.raises(ImportFileError, match="line 5"):
        import_postcodes(path)
    assert Postcode.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, "nolat.csv", "postcode,ward_code,lsoa_code,la_code,lon", ["M1 1AA,,,,-2"])
    with pytest.raises(ImportFileError, match="nolat.csv, line 1: no column headed 'lat' or 'latitude'"):
        import_postcodes(path)


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_refused_clearly(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((TRAFFORD_HEADER + "\n" + TRAFFORD_ROWS[0].replace("&", "\xe9")).encode("latin-1"))
    with pytest.raises(ImportFileError, match="is not UTF-8 text"):
        import_postcodes(path)
    assert Postcode.objects.count() == 0


@pytest.mark.django_db
def test_command_prints_one_line_error_and_imports_nothing(tmp_path):
    bad = TRAFFORD_ROWS[2].replace("53.385", "north")
    path = write(tmp_path, "trafford.csv", TRAFFORD_HEADER, [*TRAFFORD_ROWS[:2], bad])
    with pytest.raises(CommandError) as raised:
        call_command("import_postcodes", str(path), no_progress=True)
    message = str(raised.value)
    assert message == ("trafford.csv, line 4, column 'lat': 'north' is not a number. Nothing was imported.")
    assert Postcode.objects.count() == 0


@pytest.mark.django_db
def test_command_for_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="nowhere.csv: no such file"):
        call_command("import_postcodes", str(tmp_path / "nowhere.csv"), no_progress=True)


IMD_ROWS = [
    'E01006112,Trafford 001D,E08000009,Trafford,"6,120",2',
    'E01006050,Trafford 023B,E08000009,Trafford,"29,199",9',
    "E01000001,City of London 001A,E09000001,City of London,812,1",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header, rows",
    [
        (IMD_FILE1_HEADER, IMD_ROWS),
        (
            IMD_FILE7_HEADER,
            [
                row.replace(",Trafford,", ",Trafford,12.5,").replace(
                    ",City of London,", ",City of London,40.1,"
                )
                for row in IMD_ROWS
            ],
        ),
    ],
    ids=["file-1", "file-7"],
)
def test_imd_file_1_and_file_7_both_load(tmp_path, trafford_file, header, rows):
    import_postcodes(trafford_file)
    report = import_imd(write(tmp_path, "imd.csv", header, rows))
    assert report.read == 3
    lsoa = LSOA.objects.get(code="E01006050")
    assert (lsoa.imd_rank, lsoa.imd_decile, lsoa.name) == (29199, 9, "Trafford 023B")
    assert LocalAuthority.objects.get(code="E09000001").name == "City of London"
    # The 2021 LSOA in the postcode file has no IMD 2019 figures, and the report says so.
    assert LSOA.objects.get(code="E01034001").imd_decile is None
    assert report.notes == [
        "1 LSOA(s) with postcodes have no IMD 2019 figures (most likely LSOAs created in 2021): E01034001"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad, column, problem",
    [
        (
            'E01006050,Trafford 023B,E08000009,Trafford,"29,199",11',
            "Index of Multiple Deprivation (IMD) Decile",
            "'11' is outside 1 to 10",
        ),
        (
            "E01006050,Trafford 023B,E08000009,Trafford,high,9",
            "Index of Multiple Deprivation (IMD) Rank",
            "'high' is not a whole number",
        ),
        (
            "E01006050,Trafford 023B,E08000009,Trafford,,9",
            "Index of Multiple Deprivation (IMD) Rank",
            "is empty",
        ),
    ],
)
def test_malformed_imd_file_names_the_column_and_writes_nothing(tmp_path, bad, column, problem):
    path = write(tmp_path, "imd.csv", IMD_FILE1_HEADER, [IMD_ROWS[0], bad])
    with pytest.raises(ImportFileError) as raised:
        import_imd(path)
    assert (raised.value.line, raised.value.column) == (3, column)
    assert problem in str(raised.value)
    assert LSOA.objects.count() == 0


@pytest.mark.django_db
def test_neighbourhoods_are_defined_from_wards_and_redefined_on_rerun(tmp_path, trafford_file):
    import_postcodes(trafford_file)
    report = import_neighbourhoods(trafford_file, name_column="locality", area_column="ward_code")
    assert report.created == 2
    north = Neighbourhood.objects.get(name="North")
    assert set(north.wards.values_list("code", flat=True)) == {"E05015247", "E05015253"}
    moved = write(tmp_path, "areas.csv", "neighbourhood,area_code", ["North,E05015247", "North,E01006050"])
    import_neighbourhoods(moved)
    assert set(north.wards.values_list("code", flat=True)) == {"E05015247"}
    assert set(north.lsoas.values_list("code", flat=True)) == {"E01006050"}


@pytest.mark.django_db
def test_neighbourhood_area_we_do_not_know_is_refused(tmp_path, trafford_file):
    import_postcodes(trafford_file)
    path = write(tmp_path, "areas.csv", "neighbourhood,area_code", ["North,E05015247", "North,E05999999"])
    with pytest.raises(ImportFileError, match="line 3, column 'area_code': 'E05999999' is not a ward"):
        import_neighbourhoods(path)
    assert Neighbourhood.objects.count() == 0
