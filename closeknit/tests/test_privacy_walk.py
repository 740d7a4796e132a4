"""The privacy walk: every URL pattern and API operation, found by itself, tried by every role.

Two teams each walk alongside one person carrying every kind of record. Every record of team A's
person has the id 8001, every record of team B's the id 9001, so any pattern's ids are filled in
without knowing what the pattern is about. Then:

- team A's coordinator walks every pattern with A's ids: a pattern that answers them (rather
  than 403/404/405) is about a person. Every successful response writes an event naming the
  person (VIEW, or EXPORT for subject access); every change writes a change event naming them,
  and no VIEW; every other page that shows A's name writes a VIEW naming them;
- every other role walks every pattern with B's ids: the person patterns refuse (403/404, or
  sign in), no response anywhere carries B's name, postcode or notes, nothing about B changes
  and no event names B.

A new page or API operation is walked without being listed here: only the data to POST to it
must be added (the test says so), and the few exceptions below each carry their reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role, TeamMembership
from accounts.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from care.models import BudgetLine, LedgerEntry, PersonalBudget, QuarterlyReturn, ReturnMessage
from common.testing import sign_in
from matching.models import Dismissal
from outcomes.models import GoalRating, Instrument, OutcomeEvent, Response
from people.models import (
    Attendance,
    Consent,
    Conversation,
    DropInSession,
    Goal,
    IncomingReferral,
    Introduction,
    IntroductionStep,
    Person,
    Referral,
    ReferralLink,
    ReferralStep,
    SafeguardingNote,
)
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory
from transport.models import (
    Availability,
    ComplianceCheck,
    Driver,
    PairingExclusion,
    Passenger,
    Scheme,
    SchemeEligibility,
    Trip,
    Vehicle,
)

OWN_ID, OTHER_ID = 8001, 9001

# Keyword arguments that never carry a person-data id, and what is put in them instead.
NOT_PERSON_IDS = {
    "instrument_pk": "a questionnaire, the same for every team: the walk uses UCLA's",
    "slug": "a timebank or credit scheme, never a person",
    "token": "a calendar feed's or a survey invitation's own secret, never a person's id",
    "action": "a booking action's name",
}
# Routes not walked (by their start), with why.
NOT_WALKED = {
    "admin/": "the back office, for is_staff users only; no model holding person data is registered "
    "in it (asserted below)",
}
# Pages answering the person's team's ids that show no person, with why (their POSTs, if any, are
# still walked, and every other role must still be refused them).
SHOWS_NO_PERSON = {
    "transport:register_passenger": "a scheme's blank form: people are listed only once searched for",
    "transport:register_new_passenger": "a scheme's blank form for someone the team has no record of",
    "transport:drivers": "a scheme's drivers and their compliance checks: no passenger",
    "transport:vehicles": "a scheme's vehicles: no passenger",
    "transport:claims": "a scheme's drivers' mileage claims: no passenger",
    "transport:claims_csv": "the claims as CSV (its export is audited against the scheme): no passenger",
    "transport:report": "a scheme's trips as counts, those under 5 withheld: no passenger",
    "transport:report_csv": "the same counts as CSV (its export is audited against the scheme): no passenger",
    "transport:hours": "a scheme's drivers' hours and time credits: no passenger",
}
# Pages for anyone whose id is not a person's, though the walk's records share it (the scheme of
# the walk's trips has the walked id), with why. Other roles still walk them for leaks.
PUBLIC_BY_ID = {
    "transport:slots": "a scheme's open slots, for anyone: times and room, never a passenger",
}
# Person-data models walked by id (the walk asserts every model holding a person's data is here).
PERSON_DATA_MODELS = [
    Consent,
    Goal,
    Referral,
    IncomingReferral,
    ReferralStep,
    Conversation,
    SafeguardingNote,
    Introduction,
    IntroductionStep,
    DropInSession,
    Attendance,
    Response,
    OutcomeEvent,
    GoalRating,
    Dismissal,
    Passenger,
    SchemeEligibility,
    Trip,
    PairingExclusion,
    PersonalBudget,
    BudgetLine,
    LedgerEntry,
    QuarterlyReturn,
]
# Changes whose event names no person, with why.
CHANGES_NAMING_NO_PERSON: dict[str, str] = {
    "transport:register_new_passenger": "starts a record for someone new: its event names the new person",
}
# Changes done last, in this order: each stops others (no consent, no record).
LAST = ["people:withdraw_consent", "people:erase"]
MIN_PERSON_PATTERNS = 24  # so a broken fill cannot walk nothing and pass


@dataclass
class Side:
    """One team, its person (every record's id ``id``), and the people around them."""

    id: int
    team: object
    person: Person
    other: Person  # a second person of the team, not yet at its drop-in
    coordinator: object
    resident_email: str
    secrets: list[str]


def _today() -> str:
    return timezone.localdate().isoformat()


# What a valid change posts, by URL name (and method for the API). A new pattern that accepts a
# POST fails the walk until its data is added here.
CHANGES = {
    ("people:change_person", "post"): lambda s: {
        "full_name": s.person.full_name,
        "team": s.team.pk,
        "coordinator": s.coordinator.pk,
        "introduced_by": "self",
        "vision": "To feel at home here.",
    },
    ("people:add_conversation", "post"): lambda s: {"happened_on": _today(), "kind": "visit", "notes": "Tea"},
    ("people:add_introduction", "post"): lambda s: {
        "elsewhere": "A choir",
        "status": "suggested",
        "made_on": _today(),
    },
    ("people:add_consent", "post"): lambda s: {
        "purpose": "contact",
        "method": "spoken",
        "given_on": _today(),
    },
    ("people:add_goal", "post"): lambda s: {"description": "Swim again"},
    ("people:change_referral", "post"): lambda s: {
        "received_on": "2026-01-05",
        "referring_organisation": "GP practice",
        "reasons": ["loneliness", "money"],
    },
    ("people:close_referral", "post"): lambda s: {
        "closed_on": _today(),
        "closure_reason": "connected",
        "support_offered": "A choir",
    },
    ("people:add_referral", "post"): lambda s: {
        "received_on": _today(),
        "referring_organisation": "GP practice",
        "reasons": ["loneliness"],
    },
    # Pages that only read, and answer a POST as a GET: nothing to change.
    ("people:person", "post"): None,
    ("people:subject_access", "post"): None,
    ("people:your_record", "post"): None,
    ("outcomes:person", "post"): None,
    ("people:erase", "post"): lambda s: {"confirm": "on"},
    ("people:link_account", "post"): lambda s: {"email": s.resident_email},
    # A resident's answer to a team's pending link: nothing to post; anyone else gets 404.
    ("people:confirm_account_link", "post"): lambda s: {},
    ("people:refuse_account_link", "post"): lambda s: {},
    ("people:add_safeguarding_note", "post"): lambda s: {"note": "Someone came asking"},
    ("people:update_introduction", "post"): lambda s: {"status": "introduced", "on": _today()},
    ("people:withdraw_consent", "post"): lambda s: {"withdrawn_on": _today()},
    ("people:finish_goal", "post"): lambda s: {"status": "achieved"},
    ("people:followed_up", "post"): lambda s: {},
    ("people:drop_in", "post"): lambda s: {"person": s.other.pk},
    ("outcomes:record_outcome", "post"): lambda s: {
        "kind": "new_connections",
        "on": _today(),
        "evidence": "Said",
    },
    ("outcomes:rate_goal", "post"): lambda s: {"rating": "5", "on": _today()},
    ("outcomes:record_response", "post"): lambda s: {
        "item_companionship": "2",
        "item_left_out": "3",
        "item_isolated": "2",
        "on": _today(),
    },
    ("matching:introduce", "post"): lambda s: {"key": "opportunity:1", "title": "A litter pick"},
    ("matching:dismiss", "post"): lambda s: {"key": "opportunity:2", "title": "A quiz", "reason": "other"},
    ("matching:restore", "post"): lambda s: {"key": "listing:1"},
    ("transport:register_passenger", "post"): lambda s: {
        "person": str(s.person.pk),
        "mobility_aid": "walker",
    },
    ("transport:register_new_passenger", "post"): lambda s: {
        "full_name": "Someone New",
        "consent_method": "spoken",
        "mobility_aid": "none",
    },
    ("transport:assess_passenger", "post"): lambda s: {},
    ("transport:decide_eligibility", "post"): lambda s: {"is_eligible": "yes"},
    # Transport: a driver and car of the person's scheme take their coming trip; off the run
    # again; then it is cancelled.
    ("transport:assign", "post"): lambda s: {
        "driver": Driver.objects.get(schemes=s.id).pk,
        "vehicle": Vehicle.objects.get(scheme=s.id).pk,
    },
    ("transport:unassign", "post"): lambda s: {},
    ("transport:outcome", "post"): lambda s: {"outcome": "cancelled", "reason": "In hospital"},
    ("api_person", "patch"): lambda s: {"vision": "To feel at home here."},
    ("api_conversations", "post"): lambda s: {"happened_on": _today(), "kind": "visit", "notes": "Tea"},
    ("api_introductions", "post"): lambda s: {"elsewhere": "A walking group"},
    ("api_introduction_steps", "post"): lambda s: {"status": "went_along", "on": _today()},
}


def _side(id_: int, name: str, postcode: str, secret: str) -> Side:
    team = TeamFactory()
    coordinator = UserFactory(role=Role.COORDINATOR)
    TeamMembership.objects.create(team=team, user=coordinator, is_lead=True)
    person = PersonFactory(
        full_name=name,
        team=team,
        coordinator=coordinator,
        postcode=PostcodeFactory(postcode=postcode),
        vision=f"Vision {secret}",
        consented=False,
    )
    other = PersonFactory(team=team, coordinator=coordinator)
    today = timezone.localdate()
    Consent.objects.create(
        pk=id_, person=person, purpose="keep_record", method="spoken", given_on=date(2026, 1, 5)
    )
    goal = Goal.objects.create(pk=id_, person=person, description=f"Goal {secret}", set_on=date(2026, 1, 5))
    GoalRating.objects.create(pk=id_, goal=goal, on=date(2026, 2, 1), rating=3)
    referral = Referral.objects.create(
        pk=id_, person=person, received_on=date(2026, 1, 5), referring_organisation="GP"
    )
    # Sent in through a referral link and accepted onto the record (a declined or waiting one
    # has no person: the inbox's own tests refuse it to other teams).
    link = ReferralLink.objects.create(
        team=team, referring_organisation="GP", form_digest=f"f{id_}", api_digest=f"a{id_}"
    )
    incoming = IncomingReferral.objects.create(
        pk=id_,
        team=team,
        link=link,
        person=person,
        referral=referral,
        status="accepted",
        referring_organisation="GP",
        referrer_name="Dr Referrer",
        referrer_email="gp@example.nhs.net",
        full_name=name,
        postcode=postcode,
        what_matters=f"Matters {secret}",
        reasons=["loneliness"],
    )
    ReferralStep.objects.create(pk=id_, incoming=incoming, referral=referral, status="received")
    Conversation.objects.create(
        pk=id_,
        person=person,
        happened_on=date(2026, 1, 6),
        kind="visit",
        notes=f"Notes {secret}",
        follow_up_on=today,
    )
    SafeguardingNote.objects.create(pk=id_, person=person, note=f"Concern {secret}")
    introduction = Introduction.objects.create(
        pk=id_, person=person, elsewhere="A neighbour", made_on=date(2026, 1, 6), follow_up_on=today
    )
    IntroductionStep.objects.create(
        pk=id_, introduction=introduction, status="suggested", on=date(2026, 1, 6)
    )
    session = DropInSession.objects.create(
        pk=id_, team=team, title="Drop-in", place="Library", on=today, starts_at=time(10), ends_at=time(12)
    )
    Attendance.objects.create(pk=id_, session=session, person=person)
    Dismissal.objects.create(pk=id_, person=person, key="listing:1", title="Bowls", reason="tried")
    ons4 = Instrument.objects.get(code="ons4")
    answers = {"satisfied": 3, "worthwhile": 4, "happy": 5, "anxious": 8}
    Response.objects.create(
        pk=id_, person=person, instrument=ons4, on=date(2026, 2, 1), answers=answers, scores={}
    )
    OutcomeEvent.objects.create(
        pk=id_, person=person, kind="new_connections", on=date(2026, 2, 1), evidence="x"
    )
    scheme = Scheme.objects.create(pk=id_, name=f"Transport {id_}", team=team)
    passenger = Passenger.objects.create(pk=id_, person=person, notes_for_driver=f"Ring {secret}")
    SchemeEligibility.objects.create(
        pk=id_, passenger=passenger, scheme=scheme, is_eligible=True, assessed_on=date(2026, 1, 6)
    )
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=7), time(10)))
    Trip.objects.create(
        pk=id_,
        scheme=scheme,
        passenger=passenger,
        pickup_address=f"Home {secret}",
        pickup_postcode=postcode,
        destination="Lunch club",
        destination_postcode=postcode,
        pickup_at=starts,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        requested_via="coordinator",
    )
    driver = Driver.objects.create(pk=id_, user=UserFactory(role=Role.RESIDENT))
    PairingExclusion.objects.create(pk=id_, driver=driver, passenger=passenger)
    # Transport's day board (today's trips) shows the person; another driver and a car can take
    # their coming trip, so assigning it is a change the walk can make.
    Trip.objects.create(
        scheme=scheme,
        passenger=passenger,
        pickup_address="Home",
        pickup_postcode=postcode,
        destination="Surgery",
        destination_postcode=postcode,
        pickup_at=timezone.make_aware(datetime.combine(today, time(12))),
        starts_at=timezone.make_aware(datetime.combine(today, time(12))),
        ends_at=timezone.make_aware(datetime.combine(today, time(12, 45))),
        requested_via="coordinator",
    )
    free = Driver.objects.create(user=UserFactory(role=Role.RESIDENT))
    free.schemes.add(scheme)
    Availability.objects.create(driver=free, weekday=starts.weekday(), starts_at=time(8), ends_at=time(18))
    for kind in ("licence", "dbs"):
        ComplianceCheck.objects.create(
            driver=free,
            kind=kind,
            checked_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=400),
        )
    Vehicle.objects.create(scheme=scheme, name="Car", kind="car", seats=3)
    # A personal budget (care), seen only by the person, their representative, the provider
    # holding it and the council's finance officers: every role walked here is refused it.
    budget = PersonalBudget.objects.create(
        pk=id_,
        person=person,
        kind="direct_payment",
        council=OrganisationFactory(kind="council"),
        annual_pence=520_000,
        outcomes=f"Outcomes {secret}",
        starts_on=date(2026, 4, 1),
    )
    line = BudgetLine.objects.create(
        pk=id_, budget=budget, kind="other", description=f"Line {secret}", allocated_pence=1_000
    )
    LedgerEntry.objects.create(pk=id_, budget=budget, kind="payment_in", amount_pence=1_000)
    LedgerEntry.objects.create(budget=budget, line=line, kind="spend", amount_pence=-500, evidence="INV")
    # Its quarterly return, submitted and queried: seen only by whoever returns it and the council.
    budget_return = QuarterlyReturn.objects.create(
        pk=id_,
        budget=budget,
        quarter_start=date(2026, 4, 1),
        quarter_end=date(2026, 6, 30),
        due_on=date(2026, 7, 28),
        state="queried",
        statement_balance_pence=500,
        note=f"Note {secret}",
        evidence="Statement 30/06/2026",
        submitted_at=timezone.now(),
    )
    ReturnMessage.objects.create(
        pk=id_, budget_return=budget_return, from_council=True, text=f"Asked {secret}"
    )
    resident = UserFactory(role=Role.RESIDENT)
    return Side(id_, team, person, other, coordinator, resident.email, [name, postcode, secret])


@pytest.fixture
def sides(db):
    return (
        _side(OWN_ID, "Ada Whitfield", "M32 0TH", "allotment-keys-7731"),
        _side(OTHER_ID, "Bert Ollerenshaw", "WA14 2QZ", "choir-on-thursdays-4412"),
    )


@dataclass
class Pattern:
    name: str
    route: str
    kwargs: dict  # keyword -> converter name
    api_methods: list[str] | None  # the methods an API view defines; None for a page


def _converter_name(converter) -> str:
    return type(converter).__name__.removesuffix("Converter").lower()  # Int, UUID, Slug, String, Path


def _patterns(patterns=None, prefix="", namespace=None, kwargs=None):
    """Every URL pattern of the site, with its qualified name and its keyword arguments."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if (prefix + str(entry.pattern)).startswith(tuple(NOT_WALKED)):
            continue
        converters = {
            **(kwargs or {}),
            # A regular expression's named groups (re_path) take any text, as a str converter does.
            **dict.fromkeys(entry.pattern.regex.groupindex, "str"),
            **{k: _converter_name(c) for k, c in entry.pattern.converters.items()},
        }
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns or None, converters)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"{prefix}{entry.pattern} has no name: name it so it can be walked"
            cls = getattr(entry.callback, "cls", None)
            methods = None
            if cls is not None:
                methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(name, prefix + str(entry.pattern), converters, methods)


def _url(pattern: Pattern, side: Side) -> str:
    values = {}
    for key, converter in pattern.kwargs.items():
        if key == "instrument_pk":
            values[key] = Instrument.objects.get(code="ucla3").pk
        elif key in NOT_PERSON_IDS or converter not in ("int", "uuid"):
            values[key] = "x"
        else:
            values[key] = side.person.pk if converter == "uuid" else side.id
    return reverse(pattern.name, kwargs=values)


def _call(client: Client, pattern: Pattern, method: str, url: str, data: dict | None):
    if method == "get":
        return client.get(url)
    if pattern.api_methods is not None:
        return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


def _events_since(last: int):
    return AuditEvent.objects.filter(pk__gt=last)


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _naming(events, person: Person):
    """Events about the person: their record, or their passenger record (transport's services and
    selectors audit the passenger, which is the person)."""
    passengers = [str(pk) for pk in Passenger.objects.filter(person=person).values_list("pk", flat=True)]
    return events.filter(
        Q(target_type=ContentType.objects.get_for_model(Person), target_id=str(person.pk))
        | Q(target_type=ContentType.objects.get_for_model(Passenger), target_id__in=passengers)
    )


def _fingerprint(person: Person) -> list:
    """Everything held about a person, to prove an attack changed nothing."""
    rows = [list(Person.objects.filter(pk=person.pk).values())]
    for model in PERSON_DATA_MODELS:
        field = {
            IntroductionStep: "introduction__person",
            GoalRating: "goal__person",
            DropInSession: "attendances__person",
            ReferralStep: "referral__person",
            SchemeEligibility: "passenger__person",
            Trip: "passenger__person",
            PairingExclusion: "passenger__person",
            BudgetLine: "budget__person",
            LedgerEntry: "budget__person",
            QuarterlyReturn: "budget__person",
        }.get(model, "person")
        rows.append(sorted(map(str, model.objects.filter(**{field: person}).values())))
    return rows


def _methods(client: Client, pattern: Pattern, url: str) -> tuple[list[str], int | None]:
    """The methods a pattern answers, and how an empty change was answered: an API view's own
    methods, or GET and (when an empty POST is not refused with 405) POST for a page. The
    probe is empty, so it is refused as bad input and changes nothing that matters."""
    if pattern.api_methods is not None:
        changes = [m for m in pattern.api_methods if m != "get"]
        probed = _call(client, pattern, changes[0], url, {}).status_code if changes else None
        return pattern.api_methods, probed
    probed = client.post(url, {}).status_code
    return (["get"] if probed == 405 else ["get", "post"]), probed


def _refused(response) -> bool:
    if response.status_code in (301, 302):
        target = response.headers["Location"]
        return target.startswith(("/account/sign-in/", "/account/two-factor/", "/admin/login/"))
    return response.status_code in (401, 403, 404)


def test_no_model_holding_person_data_is_in_the_back_office():
    registered = set(admin.site._registry)
    assert not registered & {Person, *PERSON_DATA_MODELS}


def test_the_walk_covers_every_kind_of_record_about_a_person(sides):
    """Every model holding a person's data has a record with the walked ids on both sides; a new
    model about people must be added to the scenario (and so to the walk)."""
    holding = {rel.related_model for rel in Person._meta.related_objects}
    holding |= {rel.related_model for model in list(holding) for rel in model._meta.related_objects}
    assert holding <= set(PERSON_DATA_MODELS), holding - set(PERSON_DATA_MODELS)
    for model in PERSON_DATA_MODELS:
        for side in sides:
            assert model.objects.filter(pk=side.id).exists(), (model, side.id)


def _walk_as_owner(client: Client, own: Side, problems: list[str]) -> list[tuple[Pattern, list[str]]]:
    """Team A's coordinator tries every pattern with ids, filled with A's: those that answer are
    about a person (with the methods they take). Each GET's events are checked on the way."""
    sign_in(client, own.coordinator)
    found: list[tuple[Pattern, list[str]]] = []
    for pattern in _patterns():
        if not any(c in ("int", "uuid") for c in pattern.kwargs.values()) or pattern.name in PUBLIC_BY_ID:
            continue
        url = _url(pattern, own)
        methods, probed = _methods(client, pattern, url)
        last = _last_event()
        response = _call(client, pattern, "get", url, None) if "get" in methods else None
        if response is not None and response.status_code != 405:
            if response.status_code in (403, 404):
                continue  # not about this person: the ids are not this pattern's
            if response.status_code != 200:
                problems.append(f"GET {pattern.name}: {response.status_code} for the person's own team")
            actions = set(_naming(_events_since(last), own.person).values_list("action", flat=True))
            if not actions & {"view", "export"} and pattern.name not in SHOWS_NO_PERSON:
                problems.append(f"GET {pattern.name}: no event names the person shown")
        else:
            methods = [m for m in methods if m != "get"]
            if probed in (None, 403, 404, 405):
                continue
        found.append((pattern, methods))
    names = [p.name for p, _ in found]
    assert len(names) >= MIN_PERSON_PATTERNS, names
    return found


def test_every_read_and_change_of_a_person_on_every_page_and_api_operation_is_audited(client, sides):
    own, _ = sides
    problems: list[str] = []
    person_patterns = _walk_as_owner(client, own, problems)

    # Pages without ids that show the person (caseload, follow-ups, the API's list) audit it too.
    for pattern in _patterns():
        if pattern.kwargs or (pattern.api_methods is not None and "get" not in pattern.api_methods):
            continue
        last = _last_event()
        response = client.get(reverse(pattern.name))
        shows = response.status_code == 200 and own.person.full_name.encode() in response.content
        if shows and not _naming(_events_since(last), own.person).filter(action="view").exists():
            problems.append(f"GET {pattern.name}: shows the person, and no VIEW event names them")

    # Every change writes a change event naming the person, and no VIEW.
    changes = [(p, m) for p, methods in person_patterns for m in methods if m != "get"]
    changes.sort(key=lambda pm: LAST.index(pm[0].name) if pm[0].name in LAST else -1)
    assert len(changes) >= 20, [p.name for p, _ in changes]
    for pattern, method in changes:
        key = (pattern.name, method)
        assert key in CHANGES, f"add the data a valid {method.upper()} to {pattern.name} sends to CHANGES"
        if CHANGES[key] is None:
            continue
        last = _last_event()
        response = _call(client, pattern, method, _url(pattern, own), CHANGES[key](own))
        assert response.status_code in (200, 201, 302), (pattern.name, method, response.status_code)
        if pattern.api_methods is None:
            assert response.status_code == 302, (pattern.name, _errors(response))
        events = _naming(_events_since(last), own.person) | _events_since(last).filter(
            target_type=ContentType.objects.get_for_model(Person)
        )
        if pattern.name not in CHANGES_NAMING_NO_PERSON and not events.exclude(action="view").exists():
            problems.append(f"{method.upper()} {pattern.name}: no change event names the person")
        if events.filter(action="view").exists():
            problems.append(f"{method.upper()} {pattern.name}: a change is logged as a view")
    assert not problems, "\n".join(problems)


def test_every_role_is_refused_another_teams_person_on_every_page_and_api_operation(client, sides):
    own, other = sides
    strict = {p.name for p, _ in _walk_as_owner(client, own, [])}
    patterns = list(_patterns())
    assert len(patterns) > 100, "the walk found too few URL patterns"
    before = _fingerprint(other.person)
    attackers = {
        "coordinator of another team": own.coordinator,
        "link worker of another team": UserFactory(role=Role.LINK_WORKER, teams=[own.team]),
        "broker of another team": UserFactory(role=Role.BROKER, teams=[own.team]),
        "administrator without the second factor": UserFactory(role=Role.ADMINISTRATOR),
        "resident": UserFactory(role=Role.RESIDENT),
        "organisation editor in the team": UserFactory(role=Role.ORGANISATION_EDITOR, teams=[other.team]),
        "commissioner in the team": UserFactory(role=Role.COMMISSIONER, teams=[other.team]),
        "the team's coordinator without the second factor": other.coordinator,
        "someone signed out": None,
    }
    secrets = [s.encode() for s in other.secrets]
    problems: list[str] = []
    for who, user in attackers.items():
        client = Client()
        if user is not None:
            sign_in(client, user, two_factor="without the second factor" not in who)
        for pattern in patterns:
            if pattern.kwargs and not any(c in ("int", "uuid") for c in pattern.kwargs.values()):
                continue  # no id to put another team's in
            url = _url(pattern, other)
            methods = pattern.api_methods or (["get", "post"] if pattern.kwargs else ["get"])
            for method in methods:
                make = CHANGES.get((pattern.name, method))
                response = _call(client, pattern, method, url, make(other) if make else {})
                leaked = [s.decode() for s in secrets if s in response.content]
                if leaked:
                    problems.append(f"{who}: {method.upper()} {pattern.name} shows {leaked}")
                if pattern.name in strict and response.status_code != 405 and not _refused(response):
                    problems.append(f"{who}: {method.upper()} {pattern.name} answered {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _fingerprint(other.person) == before
    assert not _naming(AuditEvent.objects.all(), other.person).exists()


def _errors(response) -> str:
    """The error summary of a page that refused a change, to say why."""
    text = response.content.decode()
    start = text.find("govuk-error-summary__list")
    return text[start : start + 600] if start >= 0 else text[:300]
