"""The 360Giving export: every awarded grant, and nothing else, as JSON valid against the 360Giving
Data Standard 1.4.3 (the copies in ``data/360giving``, validated offline) and as the CSV 360Giving's
spreadsheets use, which read back by its column titles gives the same grants; recipients' org-ids;
beneficiary locations from the codelist; nobody's name, email or phone; formulas never run; the
public files for anyone, and a fund without a prefix refused in words."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.errors import Refusal
from common.testing import sign_in
from directory.tests.factories import ProviderFactory
from grants import services, threesixty
from grants.assessment_services import Award, decide, screen
from grants.award_services import send_offer
from grants.models import Application, Fund, Grant, Round
from grants.services import Applicant
from grants.tests.factories import complete_answers, eligible, make_round, question
from places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "360giving"
CONTACT = "Zebedee Quillfeather"


# The schema, offline ----------------------------------------------------------------------------


@cache
def _schema(name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return found


@cache
def _validator() -> Draft202012Validator:
    """The package schema, its reference to the grant schema (by URL) resolved to the local copy;
    formats checked (``date-time`` decides between awardDate's two forms)."""
    grant = _schema("360-giving-schema.json")
    registry = Registry().with_resource(
        grant["$id"], Resource.from_contents(grant, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        _schema("360-giving-package-schema.json"), registry=registry, format_checker=FormatChecker()
    )


def _problems(package: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(package)]


def _titles_from_schema() -> dict[str, tuple[str | int, ...]]:
    """What flatten-tool calls each field in a 360Giving spreadsheet, worked out from the schema:
    a field's title; inside an array its title, a colon and the item field's title; arrays the
    schema does not roll up (and rolled-up arrays past their first item) numbered from 0."""
    schema = _schema("360-giving-schema.json")

    def item_of(prop: dict[str, Any]) -> dict[str, Any]:
        items = prop["items"]
        return schema["$defs"][items["$ref"].split("/")[-1]] if "$ref" in items else items

    def resolved(prop: dict[str, Any]) -> dict[str, Any]:
        return schema["$defs"][prop["$ref"].split("/")[-1]] | prop if "$ref" in prop else prop

    found: dict[str, tuple[str | int, ...]] = {}
    for key, prop in ((k, resolved(p)) for k, p in schema["properties"].items()):
        if "title" not in prop:
            continue
        if prop.get("type") == "array" and "items" in prop:
            item = item_of(prop)
            for field, sub in ((f, resolved(p)) for f, p in item.get("properties", {}).items()):
                if "title" not in sub:
                    continue
                if field in prop.get("rollUp", []):
                    found[f"{prop['title']}:{sub['title']}"] = (key, 0, field)
                for n in range(3):
                    found[f"{prop['title']}:{n}:{sub['title']}"] = (key, n, field)
        else:
            found[prop["title"]] = (key,)
    return found


def _number_fields() -> set[str]:
    schema = _schema("360-giving-schema.json")
    numbers = {key for key, p in schema["properties"].items() if p.get("type") == "number"}
    return numbers | {"duration"}


def _unflatten(csv_text: str) -> list[dict[str, Any]]:
    """The CSV read back by its column titles into 360Giving JSON, as flatten-tool would."""
    titles = _titles_from_schema()
    numbers = _number_fields()
    rows = list(csv.DictReader(io.StringIO(csv_text.removeprefix("\ufeff"), newline="")))
    grants = []
    for row in rows:
        grant: dict[str, Any] = {}
        for title, value in row.items():
            assert title in titles, f"{title!r} is not a 360Giving column title"
            if value == "":
                continue
            path = titles[title]
            if path[-1] in numbers:
                value = int(value) if value.isdigit() else float(value)
            target: Any = grant
            for step, following in zip(path, path[1:], strict=False):
                if isinstance(following, int):
                    target = target.setdefault(step, [])
                    while len(target) <= following:
                        target.append({})
                elif isinstance(step, int):
                    target = target[step]
                else:
                    target = target.setdefault(step, {})
            target[path[-1]] = value
        grants.append(grant)
    return grants


# Awarding grants, as a fund officer does ---------------------------------------------------------


@pytest.fixture
def round_() -> Round:
    found, officer = make_round()
    Fund.objects.filter(pk=found.fund_id).update(prefix="360G-soham", org_identifier="GB-LAE-ECA")
    found.refresh_from_db()
    return found


def _officer(round_: Round):
    return round_.fund.officers.get().user


def _apply(
    round_: Round, *, title="Start a timebank", description="We will start a timebank.", postcode=None
):
    applicant = UserFactory(role=Role.RESIDENT, full_name="Ottoline Brackenbury")
    application = services.start_application(
        applicant,
        round_,
        eligible(round_),
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Soham Timebank Friends",
            postcode=(postcode or PostcodeFactory()).postcode,
            title=title,
            contact_name=CONTACT,
            contact_phone="07700 900123",
        ),
    )
    answers = complete_answers(round_)
    answers[question(round_, "text").pk] = description
    services.save_answers(applicant, application, answers)
    services.submit_application(applicant, application)
    return application


def _award(round_: Round, amount_pence=75_050, **apply) -> Grant:
    application = _apply(round_, **apply)
    screen(_officer(round_), application, eligible=True)
    award = Award(amount_pence=amount_pence, planned_start=date(2027, 3, 1), planned_end=date(2028, 2, 29))
    decide(_officer(round_), application, "award", award=award)
    grant = Grant.objects.get(application=application)
    return send_offer(_officer(round_), grant)


def _as_organisation(grant: Grant, provider=None, *, charity="", company="") -> None:
    """The grant's application made for a directory organisation (with the numbers the directory
    held, copied when it started)."""
    Application.objects.filter(pk=grant.application_id).update(
        applies_as=Application.AppliesAs.ORGANISATION,
        organisation=provider or ProviderFactory(name="Soham Community Association"),
        group_name="",
        charity_number=charity,
        company_number=company,
    )


def _package(round_: Round) -> dict[str, Any]:
    return threesixty.fund_package(
        Fund.objects.get(pk=round_.fund_id), download_url="https://example.org/x.json"
    )


def _published(round_: Round) -> tuple[dict[str, Any], str, str]:
    """The package, its JSON and its CSV."""
    package = _package(round_)
    return package, threesixty.package_json(package), threesixty.package_csv(package)


# Valid, and the same in both forms ---------------------------------------------------------------


def test_the_export_is_valid_360giving_json(round_):
    _award(round_)
    _as_organisation(_award(round_, title="Lunch club"), charity="1123456", company="01234567")
    package, as_json, _ = _published(round_)
    assert _problems(json.loads(as_json)) == []
    assert len(package["grants"]) == 2


def test_the_csv_read_back_by_its_titles_is_the_same_valid_grants(round_):
    _award(round_)
    _as_organisation(_award(round_, title="Lunch club"), charity="SC012345")
    _, as_json, as_csv = _published(round_)
    written = json.loads(as_json)
    read_back = _unflatten(as_csv)
    assert read_back == written["grants"]
    assert _problems({"grants": read_back}) == []


def test_every_csv_column_title_is_the_one_360giving_uses():
    titles = _titles_from_schema()
    for title, path in threesixty.COLUMNS:
        assert titles.get(title) == path, title
    assert [t for t, _ in threesixty.COLUMNS[:6]] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
    ]


def test_a_grant_says_what_was_awarded_when_where_and_from_which_programme(round_):
    grant = _award(round_, amount_pence=75_050)
    record = _package(round_)["grants"][0]
    postcode = grant.application.postcode
    assert record["id"] == f"360G-soham-{grant.pk}"
    assert record["title"] == "Start a timebank"
    assert record["description"] == "We will start a timebank."
    assert record["currency"] == "GBP"
    assert record["amountAwarded"] == Decimal("750.50") and record["amountAppliedFor"] == Decimal("1000.00")
    assert record["awardDate"] == grant.awarded_on.isoformat()
    assert record["fundingOrganization"] == [{"id": "GB-LAE-ECA", "name": round_.fund.owner.name}]
    assert record["grantProgramme"] == [
        {"code": f"360G-soham-round-{round_.pk}", "title": f"{round_.fund.name}: {round_.name}"}
    ]
    assert record["plannedDates"] == [{"startDate": "2027-03-01", "endDate": "2028-02-29", "duration": 12}]
    assert record["beneficiaryLocation"] == [
        {"geoCode": postcode.ward.code, "geoCodeType": "WD", "countryCode": "GB", "name": postcode.ward.name},
        {
            "geoCode": postcode.lsoa.code,
            "geoCodeType": "LSOA",
            "countryCode": "GB",
            "name": postcode.lsoa.name,
        },
    ]
    assert '"amountAwarded": 750.5,' in threesixty.package_json(_package(round_))


def test_beneficiary_location_code_types_are_in_the_codelist(round_):
    _award(round_)
    with (DATA / "geoCodeType.csv").open(encoding="utf-8", newline="") as codelist:
        codes = {row["Code"] for row in csv.DictReader(codelist)}
    record = _package(round_)["grants"][0]
    assert {place["geoCodeType"] for place in record["beneficiaryLocation"]} <= codes


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("360G-soham", "360G-soham"), ("soham", "360G-soham"), ("360g-soham", "360G-soham"), ("  ", "")],
)
def test_the_prefix_is_written_once_whatever_was_entered(prefix, expected):
    assert threesixty.grant_prefix(Fund(prefix=prefix)) == expected


# Who received it ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charity", "company", "org_id", "charity_number", "company_number"),
    [
        ("1123456", "", "GB-CHC-1123456", "1123456", None),
        ("1123456-1", "", "GB-CHC-1123456", "1123456-1", None),
        ("sc012345", "", "GB-SC-SC012345", "SC012345", None),
        ("NIC100002", "", "GB-NIC-100002", "NIC100002", None),
        ("", "1234567", "GB-COH-01234567", None, "01234567"),
        ("", "SC123456", "GB-COH-SC123456", None, "SC123456"),
        ("1123456", "01234567", "GB-CHC-1123456", "1123456", "01234567"),  # both: the charity first
    ],
)
def test_a_registered_recipient_is_named_by_its_register(
    round_, charity, company, org_id, charity_number, company_number
):
    grant = _award(round_)
    _as_organisation(grant, charity=charity, company=company)
    recipient = _package(round_)["grants"][0]["recipientOrganization"][0]
    assert recipient["id"] == org_id
    assert recipient["name"] == "Soham Community Association"
    assert recipient.get("charityNumber") == charity_number
    assert recipient.get("companyNumber") == company_number
    assert recipient["postalCode"] == grant.application.postcode_id.split()[0]  # the district only


def test_an_organisation_without_numbers_has_one_identifier_under_the_prefix_for_every_grant(round_):
    provider = ProviderFactory(name="Soham Community Association", owner=None)
    first, second = _award(round_), _award(round_, title="Lunch club")
    _as_organisation(first, provider, charity="not a number")
    _as_organisation(second, provider)
    recipients = [g["recipientOrganization"][0] for g in _package(round_)["grants"]]
    assert {r["id"] for r in recipients} == {f"360G-soham-org-{provider.pk}"}
    assert all("charityNumber" not in r for r in recipients)


def test_a_group_is_named_by_its_name_alone_with_no_postcode(round_):
    grant = _award(round_)
    recipient = _package(round_)["grants"][0]["recipientOrganization"]
    assert recipient == [
        {"id": f"360G-soham-org-group-{grant.application_id}", "name": "Soham Timebank Friends"}
    ]


def test_no_person_is_named_or_reachable_in_either_file(round_):
    _award(
        round_,
        description=f"Run by {CONTACT} (ring Zebedee on 07700 900123, or zeb@quill.example.org) and "
        "Ottoline Brackenbury.",
    )
    package, as_json, as_csv = _published(round_)
    for text in (as_json, as_csv):
        for trace in (
            "Zebedee",
            "Quillfeather",
            "Ottoline",
            "Brackenbury",
            "07700",
            "900123",
            "quill.example",
        ):
            assert trace not in text
    assert "recipientIndividual" not in as_json
    assert package["grants"][0]["description"].startswith("Run by [removed]")


def test_a_title_naming_the_contact_is_published_without_the_name(round_):
    _award(round_, title="Zebedee's knitting club")
    _, as_json, as_csv = _published(round_)
    assert json.loads(as_json)["grants"][0]["title"] == "[removed]'s knitting club"
    assert "Zebedee" not in as_csv


def test_a_round_without_a_description_answer_gets_a_sentence_from_the_title(round_):
    grant = _award(round_)
    grant.application.answers.filter(question=question(round_, "text")).update(text="")
    record = _package(round_)["grants"][0]
    assert record["description"] == f"Start a timebank: a grant from {round_.fund.name}, {round_.name}."


# Only awards -------------------------------------------------------------------------------------


def test_nothing_of_drafts_assessment_or_declines_is_published(round_):
    officer = _officer(round_)
    _award(round_, title="The awarded project")
    declined = _apply(round_, title="The declined project")
    screen(officer, declined, eligible=True)
    decide(officer, declined, "decline", reason="Not this time.")
    screen(officer, _apply(round_, title="The project being assessed"), eligible=True)
    screen(officer, _apply(round_, title="The ineligible project"), eligible=False, note="Outside Soham.")
    _apply(round_, title="The sent project")
    not_offered = _apply(round_, title="The project not yet offered")
    screen(officer, not_offered, eligible=True)
    award = Award(amount_pence=50_000, planned_start=date(2027, 3, 1), planned_end=date(2027, 9, 1))
    decide(officer, not_offered, "award", award=award)  # awarded; the group has not been told yet
    draft = services.start_application(
        UserFactory(role=Role.RESIDENT),
        round_,
        eligible(round_),
        Applicant(
            applies_as=Application.AppliesAs.GROUP,
            group_name="Drafters",
            postcode=PostcodeFactory().postcode,
            title="The draft project",
            contact_name="Someone",
        ),
    )
    assert draft.status == Application.Status.DRAFT
    package, as_json, as_csv = _published(round_)
    assert [g["title"] for g in package["grants"]] == ["The awarded project"]
    for text in (as_json, as_csv):
        for title in ("declined", "being assessed", "ineligible", "sent project", "draft", "not yet offered"):
            assert title not in text


def test_a_fund_that_has_awarded_nothing_gives_an_empty_package(round_):
    package, as_json, as_csv = _published(round_)
    assert package["grants"] == []
    # The schema asks for at least one grant: that is the only thing it says of an empty file.
    assert _problems(json.loads(as_json)) == ["grants: [] should be non-empty"]
    assert _unflatten(as_csv) == []


def test_a_fund_without_a_prefix_or_funder_identifier_is_refused_saying_what_to_do(round_):
    fund = round_.fund
    fund.prefix = ""
    with pytest.raises(Refusal, match="no 360Giving prefix.*administrator"):
        threesixty.fund_package(fund)
    fund.prefix, fund.org_identifier = "360G-soham", ""
    with pytest.raises(Refusal, match="no funder's organisation identifier"):
        threesixty.fund_package(fund)


# Odd titles ---------------------------------------------------------------------------------------


@pytest.fixture
def awarded(round_) -> Grant:
    return _award(round_)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any character a title can hold: text UTF-8 can write, but not NUL (Django's forms refuse it and
# PostgreSQL cannot store it).
@given(title=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=200))
def test_any_title_stays_valid_json_and_csv_and_never_a_formula(awarded, title):
    Application.objects.filter(pk=awarded.application_id).update(title=title)
    package, as_json, as_csv = _published(awarded.application.round)
    published = package["grants"][0]["title"]
    assert _problems(json.loads(as_json)) == []
    [row] = list(csv.DictReader(io.StringIO(as_csv.removeprefix("\ufeff"), newline="")))
    if published[:1] in ("=", "+", "-", "@"):
        assert row["Title"] == f"'{published}"
    else:
        assert row["Title"] == published


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)"])
def test_a_title_starting_like_a_formula_is_text_in_the_csv(awarded, title):
    Application.objects.filter(pk=awarded.application_id).update(title=title)
    _, as_json, as_csv = _published(awarded.application.round)
    [row] = list(csv.DictReader(io.StringIO(as_csv.removeprefix("\ufeff"), newline="")))
    assert row["Title"] == f"'{title}"
    assert json.loads(as_json)["grants"][0]["title"] == title  # the JSON is not a spreadsheet


# The pages ---------------------------------------------------------------------------------------


def test_anyone_downloads_the_files_without_signing_in(client, round_):
    grant = _award(round_)
    as_json = client.get(reverse("grants:threesixty_json", args=[round_.fund_id]))
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    assert as_json["Access-Control-Allow-Origin"] == "*"
    package = as_json.json()
    assert [g["id"] for g in package["grants"]] == [f"360G-soham-{grant.pk}"]
    assert package["downloadURL"].endswith(f"/grants/funds/{round_.fund_id}/360giving.json")
    as_csv = client.get(reverse("grants:threesixty_csv", args=[round_.fund_id]))
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert 'filename="360G-soham-fund-' in as_csv["Content-Disposition"]
    assert len(_unflatten(as_csv.content.decode())) == 1


def test_the_files_of_a_fund_with_no_awards_answer_too(client, round_):
    as_json = client.get(reverse("grants:threesixty_json", args=[round_.fund_id]))
    assert as_json.status_code == 200 and as_json.json()["grants"] == []
    assert client.get(reverse("grants:threesixty_csv", args=[round_.fund_id])).status_code == 200


def test_the_files_of_a_fund_without_a_prefix_say_why_not_in_words(client, round_):
    Fund.objects.filter(pk=round_.fund_id).update(prefix="")
    for name in ("grants:threesixty_json", "grants:threesixty_csv"):
        response = client.get(reverse(name, args=[round_.fund_id]))
        assert response.status_code == 404
        assert "has no 360Giving prefix" in response.content.decode()
    assert client.get(reverse("grants:threesixty_json", args=[999_999])).status_code == 404


def test_the_officer_page_links_the_files_from_their_funds(client, round_):
    _award(round_)
    sign_in(client, _officer(round_), two_factor=True)
    funds = client.get(reverse("grants:funds")).content.decode()
    assert reverse("grants:threesixty", args=[round_.fund_id]) in funds
    page = client.get(reverse("grants:threesixty", args=[round_.fund_id])).content.decode()
    assert "1 grant awarded" in page
    assert reverse("grants:threesixty_json", args=[round_.fund_id]) in page
    assert reverse("grants:threesixty_csv", args=[round_.fund_id]) in page


def test_the_officer_page_of_a_fund_without_a_prefix_says_what_to_do(client, round_):
    Fund.objects.filter(pk=round_.fund_id).update(prefix="")
    sign_in(client, _officer(round_), two_factor=True)
    response = client.get(reverse("grants:threesixty", args=[round_.fund_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "has no 360Giving prefix" in page and "360giving.json" not in page


def test_only_the_funds_officers_see_its_page(client, round_):
    other_round, other_officer = make_round(name="Elsewhere")
    sign_in(client, other_officer, two_factor=True)
    assert client.get(reverse("grants:threesixty", args=[round_.fund_id])).status_code == 404
    sign_in(client, _officer(round_), two_factor=False)
    response = client.get(reverse("grants:threesixty", args=[round_.fund_id]))
    assert response.status_code == 302 and "/account/two-factor/" in response.headers["Location"]


def test_the_demo_fund_publishes_under_an_invented_prefix_and_identifier(client):
    from django.core.management import call_command

    call_command("seed_demo", residents=30, verbosity=0)
    fund = Fund.objects.get(name="Innovate and Cultivate")
    assert (fund.prefix, fund.org_identifier) == ("360G-trafforddemo", "360G-trafforddemo-council")
    package = client.get(reverse("grants:threesixty_json", args=[fund.pk])).json()
    # The demo's offered award (the parish timebank), not the community fridge (awarded, its offer
    # not sent: the group hears first), nor anything of its other applications; valid.
    assert _problems(package) == []
    titles = sorted(grant["title"] for grant in package["grants"])
    assert titles == ["Start a Carrington Moss timebank"]
    timebank = next(g for g in package["grants"] if g["title"].startswith("Start"))
    assert timebank["recipientOrganization"][0]["name"] == "Carrington Moss Parish Council (demo)"
    assert {loc["geoCodeType"] for loc in timebank["beneficiaryLocation"]} == {"WD", "LSOA"}
    assert package["publisher"] == {
        "identifier": "360G-trafforddemo-council",
        "name": "Trafford Council (demo)",
    }


@pytest.mark.parametrize(
    "written",
    [
        "ring (0161) 496 0000 any time",
        "ring +44 (0)161 496 0000 any time",
        "ring 0044 7700 900123 any time",
        "we meet at M33 7ZZ on Tuesdays",
        "we meet at m337zz on Tuesdays",
        f"ask {CONTACT.upper()} about it",
    ],
)
def test_numbers_postcodes_and_names_written_other_ways_are_taken_out_too(round_, written):
    _award(round_, description=written)
    described = _package(round_)["grants"][0]["description"]
    assert "[removed]" in described
    for trace in ("496", "900123", "7ZZ", "7zz", "ZEBEDEE"):
        assert trace not in described
    # The words around what is taken out stay.
    assert described.startswith(written.split()[0] + " ")
