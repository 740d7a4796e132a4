"""A fund's awarded grants as open data in the 360Giving Data Standard (1.4), as JSON and CSV.

360Giving is how UK funders publish who they gave money to, for what and where, so that anyone
(residents, other funders, researchers, GrantNav) can see where money goes. Only ``Grant`` rows are
read: nothing of drafts, applications being assessed, declined or not eligible ever reaches a file.

What is published, and why nothing identifies a person:

- the recipient is an organisation (``recipientOrganization``), never ``recipientIndividual``; a
  group without a constitution is named by its group name only, and gets no postcode (its address
  may be someone's home); an organisation gets its postcode district (M33), not its postcode;
- the description is the applicant's answer to the round's first text question (what the project
  will do), with the contact's and applicant's names, email addresses and phone numbers taken out
  (from the title too); a round without one gets a sentence made from the title and fund;
- where the money is spent is the ward and LSOA of the application's postcode (an LSOA is around
  1,500 people), never the postcode;
- contact names, emails, phones, bank details, scores, panel comments and conditions: never.

Identifiers follow 360Giving's guidance: grants ``360G-<prefix>-<grant id>``; recipients by their
org-id.guide identifier (``GB-CHC``, ``GB-SC``, ``GB-NIC``, ``GB-COH``), or one made under the
fund's prefix when they have no registered number; the funder by the fund's ``org_identifier``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from common.errors import Refusal
from common.spreadsheet import spreadsheet_safe

from .models import Answer, Fund, Grant, Question

STANDARD_VERSION = "1.4"
# Councils publish their open data under the Open Government Licence, as 360Giving recommends.
LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
REMOVED = "[removed]"


# Identifiers ------------------------------------------------------------------------------------


def grant_prefix(fund: Fund) -> str:
    """The fund's 360Giving prefix, written once as ``360G-...`` however it was entered."""
    prefix = fund.prefix.strip()
    if prefix[:5].upper() == "360G-":
        prefix = prefix[5:]
    return f"360G-{prefix}" if prefix else ""


def refusal_for(fund: Fund) -> Refusal | None:
    """Why ``fund``'s grants cannot be published in 360Giving's format, or None when they can."""
    if not grant_prefix(fund):
        return Refusal(
            f"{fund} has no 360Giving prefix, so its grants cannot be published as 360Giving data. "
            "An administrator adds the prefix 360Giving gave the council on the fund's page in the "
            "back office."
        )
    if not fund.org_identifier:
        return Refusal(
            f"{fund} has no funder's organisation identifier, so its grants cannot be published as "
            "360Giving data. An administrator adds it (GB-LAE- and the council's code, for a council "
            "in England) on the fund's page in the back office."
        )
    return None


def _compact(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def charity_identifier(number: str) -> str | None:
    """The org-id of a charity number: Scottish (SC012345) GB-SC, Northern Irish (NIC100002)
    GB-NIC, England and Wales (1234567, or 1234567-1 for a linked charity) GB-CHC; None for a
    number in none of those forms."""
    compact = _compact(number)
    if re.fullmatch(r"SC\d{6}", compact):
        return f"GB-SC-{compact}"
    if found := re.fullmatch(r"NIC(\d{5,6})", compact):
        return f"GB-NIC-{found[1]}"
    if found := re.fullmatch(r"(\d{6,7})(-\d{1,3})?", compact):
        return f"GB-CHC-{found[1]}"
    return None


def company_identifier(number: str) -> str | None:
    """The org-id of a Companies House number (eight characters: digits, or two letters such as SC,
    NI or OC then six digits; shorter all-digit numbers are padded with noughts); else None."""
    compact = _compact(number)
    if re.fullmatch(r"\d{1,8}", compact):
        return f"GB-COH-{compact.zfill(8)}"
    if re.fullmatch(r"[A-Z]{2}\d{6}", compact):
        return f"GB-COH-{compact}"
    return None


def _recipient(grant: Grant, prefix: str) -> dict[str, Any]:
    """Who received the grant. A charity number is preferred to a company number (360Giving's
    advice: charities are the better-known register); both are published when known."""
    application = grant.application
    charity = charity_identifier(application.charity_number) if application.charity_number else None
    company = company_identifier(application.company_number) if application.company_number else None
    if application.organisation_id:
        made_up = f"{prefix}-org-{application.organisation_id}"  # the same for every grant it gets
    else:
        made_up = f"{prefix}-org-group-{application.pk}"
    recipient: dict[str, Any] = {
        "id": charity or company or made_up,
        "name": _text(application.applicant_name),
    }
    if charity:
        recipient["charityNumber"] = _compact(application.charity_number)
    if company:
        recipient["companyNumber"] = company.removeprefix("GB-COH-")
    if application.organisation_id and application.postcode_id:
        recipient["postalCode"] = application.postcode_id.split()[0]  # the district only
    return recipient


# The grant --------------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Text as published: control characters (other than line breaks and tabs) dropped."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value).strip()


def _pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def months_between(start: date, end: date) -> int:
    """How many months a project runs, the last day included, a part month counted as a month:
    1 March to 31 March is 1, 1 March to the next 28 February 12, a week 1."""
    after = date.fromordinal(end.toordinal() + 1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    part = after.day != start.day
    return max(1, months + (1 if part else 0))


EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0044\s?|0)(?:\(0\)\s?)?(?:\d[\s-]?){8,9}\d(?!\d)")
# A phone number written with its area code in brackets, "(0161) 496 0000", is read without them.
BRACKETED_CODE = re.compile(r"\((0\d{2,4})\)\s?")
# A full UK postcode: a group without a constitution often meets at a member's home.
POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}(?![A-Za-z0-9])", re.IGNORECASE)


def _names_of_people(grant: Grant) -> list[str]:
    """Names of the people behind an application, to keep out of what is published: the contact
    (with and without a note in brackets), the applicant's account, whoever accepted the grant and
    the bank account's name for a group (it may be a member's own). Each name, and each
    capitalised word of it, but none that is in the recipient's own name, which is published anyway
    (a parish council's account, in its own name, would otherwise take the place out of its title)."""
    application = grant.application
    people = [application.contact_name, grant.accepted_by_name]
    if application.applies_as == application.AppliesAs.GROUP:
        people.append(grant.bank_account_name)
    if application.applicant_id and application.applicant:
        people.append(application.applicant.get_full_name())
    names: set[str] = set()
    for person in filter(None, people):
        plain = re.sub(r"\(.*?\)", "", person).strip()
        names.update(filter(None, {person.strip(), plain}))
        names.update(word for word in re.findall(r"[\w'-]+", plain) if len(word) > 2 and word[0].isupper())
    recipient = re.findall(r"[\w'-]+", application.applicant_name.lower())
    names = {name for name in names if not _within(name.lower().split(), recipient)}
    return sorted(names, key=len, reverse=True)


def _within(words: list[str], recipient: list[str]) -> bool:
    """Whether ``words`` appear, in order and together, in the recipient's name."""
    size = len(words)
    return any(recipient[i : i + size] == words for i in range(len(recipient) - size + 1))


def without_people(text: str, grant: Grant) -> str:
    """``text`` with the applicant's people's names, and any email address or phone number, taken
    out: a description is published to the world, and applicants write it to the fund."""
    text = EMAIL.sub(REMOVED, text)
    text = PHONE.sub(REMOVED, BRACKETED_CODE.sub(r"\1 ", text))
    text = POSTCODE.sub(REMOVED, text)
    for email in filter(None, [grant.application.contact_email, grant.application.contact_phone]):
        text = text.replace(email, REMOVED)
    for name in _names_of_people(grant):
        # A whole name in any letter case ("JANE SMITH"); a single word of one only as written, so
        # that a Will or a Hope among the contacts leaves "will" and "hope" in the description.
        flags = re.IGNORECASE if " " in name else 0
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REMOVED, text, flags=flags)
    return text


def _description(grant: Grant, answer: str) -> str:
    application = grant.application
    if answer.strip():
        return _text(without_people(answer, grant))
    title = without_people(application.title, grant)
    return _text(f"{title}: a grant from {application.round.fund}, {application.round.name}.")


def _locations(grant: Grant) -> list[dict[str, Any]]:
    """Where the money is spent: the ward and LSOA of the application's postcode, with their names
    where ``places`` holds them."""
    postcode = grant.application.postcode
    if postcode is None:
        return []
    found = []
    for area, code_type in ((postcode.ward, "WD"), (postcode.lsoa, "LSOA")):
        if area is not None:
            location: dict[str, Any] = {"geoCode": area.code, "geoCodeType": code_type, "countryCode": "GB"}
            if area.name:
                location["name"] = area.name
            found.append(location)
    return found


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def grant_record(grant: Grant, prefix: str, answer: str = "") -> dict[str, Any]:
    """One grant in the 360Giving schema. ``answer`` is the project's description as the applicant
    gave it (see the module's note on what is published)."""
    application = grant.application
    round_ = application.round
    fund = round_.fund
    record: dict[str, Any] = {
        "id": f"{prefix}-{grant.pk}",
        "title": _text(without_people(application.title, grant)),
        "description": _description(grant, answer),
        "currency": "GBP",
        "amountAwarded": _pounds(grant.amount_pence),
    }
    if application.amount_requested_pence:
        record["amountAppliedFor"] = _pounds(application.amount_requested_pence)
    record |= {
        "awardDate": grant.awarded_on.isoformat(),
        "dateModified": _moment(grant.created_at),
        "recipientOrganization": [_recipient(grant, prefix)],
        "fundingOrganization": [{"id": fund.org_identifier, "name": _text(fund.owner.name)}],
        "grantProgramme": [
            {"code": f"{prefix}-round-{round_.pk}", "title": _text(f"{fund.name}: {round_.name}")}
        ],
        "plannedDates": [
            {
                "startDate": grant.planned_start.isoformat(),
                "endDate": grant.planned_end.isoformat(),
                "duration": months_between(grant.planned_start, grant.planned_end),
            }
        ],
        "fromOpenCall": "Yes",
    }
    if locations := _locations(grant):
        record["beneficiaryLocation"] = locations
    return record


# The package ------------------------------------------------------------------------------------


def awarded_grants(fund: Fund) -> QuerySet[Grant]:
    """Every grant a fund has awarded and offered, oldest first: only ``Grant`` rows, so nothing of
    an application that was not awarded, and only once the offer is sent, so the world never hears
    of a grant before the group it was given to."""
    return (
        Grant.objects.filter(application__round__fund=fund, offer_sent_at__isnull=False)
        .select_related(
            "application__round__fund__owner",
            "application__organisation",
            "application__applicant",
            "application__postcode__ward",
            "application__postcode__lsoa",
        )
        .order_by("awarded_on", "pk")
    )


def description_answers(grants: list[Grant]) -> dict[int, str]:
    """Each grant's answer to its round's first text question (the first section's, in order):
    the project in the applicant's words, by grant id."""
    first_text: dict[int, int] = {}
    questions = Question.objects.filter(
        section__round__in={g.application.round_id for g in grants}, kind=Question.Kind.TEXT
    ).order_by("section__position", "section__pk", "position", "pk")
    for round_id, question_id in questions.values_list("section__round_id", "pk"):
        first_text.setdefault(round_id, question_id)
    answers = dict(
        Answer.objects.filter(
            application__in=[g.application_id for g in grants], question__in=first_text.values()
        ).values_list("application_id", "text")
    )
    return {g.pk: answers.get(g.application_id, "") for g in grants}


def fund_package(fund: Fund, *, download_url: str = "") -> dict[str, Any]:
    """The fund's awarded grants as a 360Giving data package. Refuses (``Refusal``, saying what to
    do) a fund without a 360Giving prefix or funder's identifier.

    A fund that has awarded nothing gives a package with an empty ``grants`` list: the schema asks
    for at least one grant, so such a file is not a valid 360Giving file, but it answers truthfully
    and a reader sees that nothing has been given yet (the officer's page says so too)."""
    if problem := refusal_for(fund):
        raise problem
    prefix = grant_prefix(fund)
    grants = list(awarded_grants(fund))
    answers = description_answers(grants)
    package: dict[str, Any] = {
        "grants": [grant_record(grant, prefix, answers[grant.pk]) for grant in grants],
        "version": STANDARD_VERSION,
        "identifier": f"{prefix}-fund-{fund.pk}",
        "title": f"{fund.owner}: {fund.name}, grants awarded",
        "description": f"Every grant {fund.owner} has awarded from {fund.name}: {_text(fund.purpose)}",
        "issued": timezone.localdate().isoformat(),
        "modified": _moment(timezone.now()),
        "publisher": {"identifier": fund.org_identifier, "name": _text(fund.owner.name)},
        "license": LICENCE,
    }
    if download_url:
        package["downloadURL"] = download_url
    return package


def _json_number(value: Decimal) -> int | float:
    """A whole number of pounds as an integer, pounds and pence as a JSON number: the float's
    shortest form is exactly the two decimal places for any amount below £10 million million."""
    return int(value) if value == value.to_integral_value() else float(value)


def _for_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _json_number(value)
    if isinstance(value, dict):
        return {key: _for_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_for_json(item) for item in value]
    return value


def package_json(package: dict[str, Any]) -> str:
    """The package as 360Giving JSON."""
    return json.dumps(_for_json(package), ensure_ascii=False, indent=2)


# The spreadsheet (CSV) --------------------------------------------------------------------------

# Each column: the title 360Giving's spreadsheets use (what flatten-tool makes from the schema's
# ``title``s: a field's title, inside an object or array its parent's title and a colon first; the
# arrays the schema rolls up (one organisation, programme, set of dates) without a number, the
# beneficiary locations (a ward and an LSOA) numbered from 0) and where in a grant it is read from.
COLUMNS: list[tuple[str, tuple[str | int, ...]]] = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Last Modified", ("dateModified",)),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Recipient Org:Postal Code", ("recipientOrganization", 0, "postalCode")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Planned Dates:Duration (months)", ("plannedDates", 0, "duration")),
    *[
        (f"Beneficiary Location:{n}:{title}", ("beneficiaryLocation", n, field))
        for n in (0, 1)
        for title, field in (
            ("Name", "name"),
            ("Country Code", "countryCode"),
            ("Geographic Code", "geoCode"),
            ("Geographic Code Type", "geoCodeType"),
        )
    ],
]


def _read(record: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            record = record[step]
        except (KeyError, IndexError):
            return None
    return record


def _cell(value: Any) -> str:
    """A value as a CSV cell: numbers as written in JSON; text never a spreadsheet formula (a title
    starting =, +, - or @ gets a leading apostrophe, ``common.spreadsheet``)."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return str(_for_json(value))
    return spreadsheet_safe(value)


def package_csv(package: dict[str, Any]) -> str:
    """The package's grants as a 360Giving spreadsheet (CSV, one grant a row, with a byte order
    mark so that spreadsheets read the file as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([title for title, _ in COLUMNS])
    for grant in package["grants"]:
        writer.writerow([_cell(_read(grant, path)) for _, path in COLUMNS])
    return out.getvalue()
