"""A subject access export holds everything, in every format, and an erasure leaves nothing.

The person here has a record of every kind and a resident sign-in with a timebank membership,
posts, a reply and an exchange on the ledger, volunteering sign-ups, a loan with an errand and
a waiting list entry, audit events and lockout records. Every model that points at a person or a
sign-in is found by introspection: it is either exported (and its text checked in all three
formats) or on ``NOT_EXPORTED`` with the reason."""

import json
import re
from datetime import date, time
from decimal import Decimal
from io import BytesIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, Role
from accounts.services import record_audit_event
from accounts.tests.factories import OrganisationFactory, TeamMembershipFactory, UserFactory
from common.testing import sign_in
from directory.models import ListingProblem
from directory.tests.factories import ServiceFactory, TaxonomyTermFactory
from lending.models import Errand, Reservation, WaitingListEntry
from lending.tests.factories import make_item
from people.models import (
    DropInSession,
    Goal,
    IncomingReferral,
    Introduction,
    IntroductionStep,
    Person,
    Referral,
    ReferralLink,
    ReferralStep,
)
from people.tests.factories import ConversationFactory, PersonFactory
from places.tests.factories import PostcodeFactory
from timebank import services as timebank_services
from timebank.models import Account, Entry, Exchange, Membership, Post, Posting
from timebank.tests.factories import make_member, make_timebank
from volunteering.models import SignUp
from volunteering.tests.factories import make_opportunity, make_shift

User = apps.get_model(settings.AUTH_USER_MODEL)

# Every value below is distinctive, so the export and a scan of the database can look for it.
RECORD = {
    "full_name": "Zebedee Quatermass",
    "preferred_name": "Zebbo",
    "email": "zebedee.quatermass@example.org",
    "phone": "07700 900461",
    "address": "14 Quillfeather Lane",
    "communication_needs": "Prefers calls after Xylophone practice",
    "vision": "Vision of marmalade mornings",
    "what_matters": "Matters: my tortoise Persimmon",
    "strengths": "Strength: restoring harmoniums",
    "introducer_detail": "Dr Philippa Wrenfold",
}
CASEWORK = {
    "conversation": "Conversation about Persimmon's shell",
    "next_step": "Phone Wrenfold surgery",
    "goal": "Goal: harmonium concert",
    "referrer": "Quillfeather Lane Surgery",
    "practitioner": "Practitioner Ottoline Brisk",
    "safeguarding": "Safeguarding: visitor called Quentin",
    "elsewhere": "Neighbour Mirabel Thackeray",
    "step": "Step note: loved the Quatermass ceilidh",
    "attendance": "Drop-in: brought Persimmon along",
    "outcome": "Outcome evidence: landlord Mr Gribble agreed",
    "support_offered": "Support: the Quillfeather harmonium circle",
    "what_changed": "Changed: plays for the lunch club now",
    "referrer_name": "Referrer Hyacinth Bucketwell",
    "referrer_email": "hyacinth.bucketwell@example.nhs.net",
    "referrer_phone": "0161 496 0777",
    "referral_phone": "07700 900462",
    "referral_email": "zebedee.q.referral@example.org",
    "referral_address": "15 Quillfeather Lane (as the surgery had it)",
    "referral_postcode": "M33 9QY",
    "referral_needs": "Referral: hard of hearing on the left",
    "referral_matters": "Referral: misses his harmonium circle",
    "referral_step": "Asked: which harmonium circle?",
    "dismissal_title": "Suggestion: the Quillfeather bellows society",
    "dismissal_note": "Dismissed: Persimmon dislikes bellows",
    "rider_notes": "Driver: knock loudly, Persimmon hides the bell",
    "rider_places": "Usually: the Quillfeather harmonium circle",
    "rider_not_eligible": "Not eligible: lives beyond Quillfeather bridge",
    "rider_pickup": "Pick-up: 14 Quillfeather Lane side gate",
    "rider_destination": "To: Wrenfold surgery annexe",
    "budget_outcomes": "Budget pays for: harmonium lessons with Persimmon nearby",
    "budget_line": "Line: Quillfeather harmonium tutor",
    "budget_evidence": "INV-QUATERMASS-7788",
    "budget_reason": "Spent on: two lessons before the ceilidh",
    "return_note": "Return: Persimmon's vet bill came out of the wrong account",
    "return_evidence": "STATEMENT-QUATERMASS-0630",
    "return_answer": "Answer: the tutor Mrs Wrenfold was paid in cash",
}
SIGN_IN = {
    "name": "Zeb Quatermass-Resident",
    "email": "zq.resident@example.org",
    "welcome": "Welcome: met over dandelion tea at Quillfeather",
    "checks": "Checks: reference from Mrs Umbridge-Fell",
    "post_title": "Offer: tuning harmoniums",
    "post_body": "I bring my own tuning forks, Persimmon stays home",
    "post_tags": "harmoniumtuning",
    "reply": "Reply: happy to help Thursday, Zebbo",
    "exchange": "Exchange: repaired Mrs Ashdown's harmonium",
    "sign_up_name": "Zebedee Q. Volunteer",
    "sign_up_phone": "07700 900999",
    "borrower_name": "Zebedee Q. Borrower",
    "errand": "Errand: 14 Quillfeather Lane back door",
    "wait_notes": "Waiting: needs a scooter before the Quatermass reunion",
    "problem": "Problem: the Quillfeather harmonium club moved halls",
    "own_rider_notes": "Own ride: wait by the Quatermass postbox",
    "dbs_reference": "DBS-QUATERMASS-001122",
    "care_contact_name": "Zeb for his aunt Hepzibah",
    "care_contact_message": "Care: Aunt Hepzibah needs help with shopping on Quillfeather Row",
    "grant_title": "Grant: harmonium lessons for the Quillfeather hall",
    "grant_group": "Quillfeather Harmonium Friends",
    "grant_contact": "Zeb Q. Applicant",
    "grant_phone": "07700 900777",
    "grant_bank_name": "Z. Quatermass, treasurer of the Quillfeather Bellringers",
}
# What the sign-in wrote as a member of a grants panel: exported, and kept on erasure (without their
# name) as the fund's record of how it decided.
PANEL = {
    "score_comment": "Score: the Quillfeather bellows need a second look",
    "review_comment": "Review: fund the Quatermass choir, with conditions",
    "discussion": "Discussion: has anyone met the Grimsditch trustees?",
}
# Numbers and dates only this person has: questionnaire scores, a goal rating's day, hours.
QUESTIONNAIRE_ON, QUESTIONNAIRE_TOTAL = date(2026, 7, 19), 4321
RATING_ON = date(2026, 6, 17)
EXCHANGE_HOURS = Decimal("2.75")

# Models that point at a person or a sign-in, by (model, field), and why they are not exported.
NOT_EXPORTED = {
    # Who acted: the member of staff's name is not data about the person.
    **{
        (label, field): "names the member of staff who acted, not the person"
        for label, fields in {
            "people.Person": ["coordinator"],
            "people.Consent": ["recorded_by", "withdrawal_recorded_by"],
            "people.Referral": ["recorded_by"],
            "people.Conversation": ["recorded_by"],
            "people.SafeguardingNote": ["recorded_by"],
            "people.Introduction": ["made_by"],
            "people.IntroductionStep": ["recorded_by"],
            "people.DropInSession": ["created_by", "hosts"],
            "people.DropInSession_hosts": ["user"],
            "people.Attendance": ["linked_with", "recorded_by"],
            "people.ReferralLink": ["created_by", "revoked_by"],
            "people.ReferralStep": ["by"],
            "timebank.Entry": ["recorded_by"],
            "timebank.Membership": ["approved_by"],
            "timebank.Exchange": ["proposed_by", "confirmed_by"],
            "timebank.Redemption": ["used_by"],
            "lending.Reservation": ["created_by"],
            "lending.ServiceRecord": ["recorded_by"],
            "lending.Errand": ["done_by"],
            "outcomes.Response": ["recorded_by"],
            "outcomes.OutcomeEvent": ["recorded_by"],
            "outcomes.GoalRating": ["recorded_by"],
            "neighbourhoods.Reading": ["recorded_by"],
            "directory.ListingProblem": ["resolved_by"],
            "matching.Dismissal": ["dismissed_by"],
            "matching.TeamWeights": ["changed_by"],
            "transport.SchemeEligibility": ["assessed_by"],
            "transport.ComplianceCheck": ["recorded_by"],
            "transport.RunCredit": ["awarded_by"],
            "care.LedgerEntry": ["recorded_by"],
            "care.ProviderCheck": ["verified_by"],
            "care.SupportSession": ["held_by"],
            "care.QuarterlyReturn": ["closed_by"],
            "grants.InformationRequest": ["requested_by"],
            "grants.Application": ["screened_by"],
            "grants.Decision": ["decided_by"],
            "grants.Payment": ["set_up_by", "approved_by"],
            "grants.PanelMember": ["added_by"],
            "grants.Assignment": ["assigned_by"],
            "admin.LogEntry": ["user"],
        }.items()
        for field in fields
    },
    ("people.Person_interests", "person"): "the interests are exported with the record",
    ("transport.Trip", "requested_by"): "who asked for the ride: staff, or the passenger, whose trips "
    "are exported with their passenger record",
    ("otp_totp.TOTPDevice", "user"): "a sign-in secret, never shown; deleted on erasure",
    ("otp_static.StaticDevice", "user"): "a sign-in secret, never shown; deleted on erasure",
    ("accounts.User_groups", "user"): "permissions, not personal data",
    ("accounts.User_user_permissions", "user"): "permissions, not personal data",
    ("accounts.TeamMembership", "user"): "staff teams; a person's own sign-in has none",
    ("timebank.Timebank", "brokers"): "brokers are staff",
    ("timebank.Timebank_brokers", "user"): "brokers are staff",
    ("neighbourhoods.NeighbourhoodTeam", "members"): "professionals on a neighbourhood team",
    ("neighbourhoods.TeamMember", "user"): "professionals on a neighbourhood team",
    ("care.FinanceOfficer", "user"): "a council's finance officers are staff",
    ("grants.FundOfficer", "user"): "a fund's officers are staff",
    ("grants.Grant", "accepted_by"): "the grant is exported with the application it was awarded on, "
    "its bank account masked (never the numbers)",
}


@pytest.fixture
def lead(team, make_user):
    user = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=user, is_lead=True)
    return user


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


def _fill_referral_sent_in(team, coordinator, person, referral):
    """The referral as the surgery sent it in through its link, accepted onto the record, with a
    question asked on the way."""
    link = ReferralLink.objects.create(
        team=team,
        referring_organisation="A surgery",
        form_digest="f" * 64,
        api_digest="a" * 64,
        created_by=coordinator,
        revoked_by=coordinator,
        revoked_at=timezone.now(),
    )
    incoming = IncomingReferral.objects.create(
        team=team,
        link=link,
        person=person,
        referral=referral,
        status="accepted",
        referring_organisation=CASEWORK["referrer"],
        referrer_name=CASEWORK["referrer_name"],
        referrer_email=CASEWORK["referrer_email"],
        referrer_phone=CASEWORK["referrer_phone"],
        full_name=RECORD["full_name"],
        date_of_birth=date(1941, 2, 3),
        phone=CASEWORK["referral_phone"],
        email=CASEWORK["referral_email"],
        address=CASEWORK["referral_address"],
        postcode=CASEWORK["referral_postcode"],
        communication_needs=CASEWORK["referral_needs"],
        what_matters=CASEWORK["referral_matters"],
        reasons=["loneliness"],
    )
    ReferralStep.objects.create(
        incoming=incoming,
        referral=referral,
        status="more_information_asked",
        note=CASEWORK["referral_step"],
        by=coordinator,
    )


def _fill_timebank(resident):
    timebank, broker = make_timebank("Quillfeather Timebank")
    neighbour = make_member(timebank, broker, full_name="Ada Neighbour")
    membership = timebank_services.apply_to_join(resident, timebank)
    timebank_services.approve_member(broker, membership, SIGN_IN["welcome"], SIGN_IN["checks"])
    post = timebank_services.post_to_board(
        resident,
        timebank,
        {"kind": "offer", "title": SIGN_IN["post_title"], "description": SIGN_IN["post_body"]},
    )
    Post.objects.filter(pk=post.pk).update(tags=SIGN_IN["post_tags"])
    neighbours_post = timebank_services.post_to_board(
        neighbour, timebank, {"kind": "request", "title": "Lift"}
    )
    timebank_services.reply_to_post(resident, neighbours_post, SIGN_IN["reply"])
    exchange = timebank_services.propose_exchange(
        resident,
        timebank,
        giver=resident,
        receiver=neighbour,
        hours=EXCHANGE_HOURS,
        description=SIGN_IN["exchange"],
    )
    timebank_services.confirm_exchange(neighbour, exchange)
    assert Exchange.objects.get(pk=exchange.pk).entry.memo == SIGN_IN["exchange"]  # on the ledger too
    return timebank


def _fill_volunteering_and_lending(resident):
    opportunity, _ = make_opportunity()
    shift = make_shift(opportunity)
    SignUp.objects.create(
        shift=shift,
        user=resident,
        name=SIGN_IN["sign_up_name"],
        email=SIGN_IN["email"],
        phone=SIGN_IN["sign_up_phone"],
        hours=Decimal("3.25"),
    )
    item, _ = make_item()
    reservation = Reservation.objects.create(
        item=item,
        borrower=resident,
        borrower_name=SIGN_IN["borrower_name"],
        borrower_contact=SIGN_IN["email"],
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 12),
    )
    Errand.objects.create(
        reservation=reservation,
        kind="deliver",
        helper=OrganisationFactory(kind=Organisation.Kind.PARISH_COUNCIL),
        on=date(2026, 12, 10),
        address=SIGN_IN["errand"],
    )
    WaitingListEntry.objects.create(  # no link to the sign-in: found by its email, in another case
        organisation=item.organisation,
        kind="mobility scooter",
        name=SIGN_IN["borrower_name"],
        contact=SIGN_IN["email"].upper(),
        wanted_from=date(2027, 1, 4),
        notes=SIGN_IN["wait_notes"],
    )


def _fill_care_contact(team, coordinator, resident):
    """A contact request the sign-in sent to a micro-provider."""
    from care.models import ContactRequest
    from care.tests.provider_factories import make_provider

    provider = make_provider(team, coordinator, name="Quillfeather Helping Hands")
    ContactRequest.objects.create(
        micro_provider=provider,
        name=SIGN_IN["care_contact_name"],
        contact="07700 900123",
        message=SIGN_IN["care_contact_message"],
        sent_by=resident,
    )


def _fill_care_budget(person, resident):
    """A personal budget for the person, their sign-in named as its representative, with a line
    and spending on it."""
    from care.models import BudgetLine, LedgerEntry, PersonalBudget, QuarterlyReturn, ReturnMessage

    council = OrganisationFactory(name="Quillfeather Council", kind=Organisation.Kind.COUNCIL)
    budget = PersonalBudget.objects.create(
        person=person,
        kind=PersonalBudget.Kind.DIRECT_PAYMENT,
        council=council,
        annual_pence=520_000,
        outcomes=CASEWORK["budget_outcomes"],
        representative=resident,
        starts_on=date(2026, 4, 1),
    )
    line = BudgetLine.objects.create(
        budget=budget, kind="other", description=CASEWORK["budget_line"], allocated_pence=100_000
    )
    LedgerEntry.objects.create(budget=budget, kind="payment_in", amount_pence=10_000)
    LedgerEntry.objects.create(
        budget=budget,
        line=line,
        kind="spend",
        amount_pence=-4_000,
        evidence=CASEWORK["budget_evidence"],
        reason=CASEWORK["budget_reason"],
    )
    PersonalBudget.objects.filter(pk=budget.pk).update(balance_pence=6_000)
    BudgetLine.objects.filter(pk=line.pk).update(spent_pence=4_000)
    # Its quarterly return, submitted by the representative, who answered the council's question.
    budget_return = QuarterlyReturn.objects.create(
        budget=budget,
        quarter_start=date(2026, 4, 1),
        quarter_end=date(2026, 6, 30),
        due_on=date(2026, 7, 28),
        state="responded",
        statement_balance_pence=6_000,
        note=CASEWORK["return_note"],
        evidence=CASEWORK["return_evidence"],
        submitted_by=resident,
        submitted_at=timezone.now(),
    )
    ReturnMessage.objects.create(
        budget_return=budget_return, from_council=False, author=resident, text=CASEWORK["return_answer"]
    )


def _fill_transport(team, coordinator, person, resident):
    """A passenger record for the person (not eligible for one scheme, a ride asked for), another
    for their sign-in, and their sign-in as a driver with a DBS check on the register."""
    from datetime import timedelta

    from transport.models import ComplianceCheck, Driver, Passenger, Scheme, SchemeEligibility, Trip

    scheme = Scheme.objects.create(name="Quillfeather volunteer cars", team=team)
    passenger = Passenger.objects.create(
        person=person, notes_for_driver=CASEWORK["rider_notes"], usual_places=CASEWORK["rider_places"]
    )
    SchemeEligibility.objects.create(
        passenger=passenger,
        scheme=scheme,
        is_eligible=False,
        reason=CASEWORK["rider_not_eligible"],
        assessed_on=date(2026, 11, 4),
        assessed_by=coordinator,
    )
    starts = timezone.now() + timedelta(days=3)
    Trip.objects.create(
        scheme=scheme,
        passenger=passenger,
        pickup_address=CASEWORK["rider_pickup"],
        pickup_postcode="M33 9QX",
        destination=CASEWORK["rider_destination"],
        destination_postcode="M33 9QY",
        pickup_at=starts,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        requested_via="coordinator",
        requested_by=coordinator,
    )
    Passenger.objects.create(account=resident, notes_for_driver=SIGN_IN["own_rider_notes"])
    driver = Driver.objects.create(user=resident)
    ComplianceCheck.objects.create(
        driver=driver,
        kind="dbs",
        checked_on=date(2026, 1, 5),
        expires_on=date(2029, 1, 5),
        reference=SIGN_IN["dbs_reference"],
        recorded_by=coordinator,
    )


def _fill_grants(resident):
    """A small grant application the sign-in is writing for an unconstituted group (a draft: erased
    with the sign-in, where a sent one keeps the group's words without the person)."""
    from grants import services
    from grants.models import Application
    from grants.tests.factories import eligible, make_round

    round_, officer = make_round()
    services.start_application(
        resident,
        round_,
        eligible(round_),
        services.Applicant(
            applies_as=Application.AppliesAs.GROUP,
            title=SIGN_IN["grant_title"],
            contact_name=SIGN_IN["grant_contact"],
            contact_phone=SIGN_IN["grant_phone"],
            group_name=SIGN_IN["grant_group"],
            postcode=PostcodeFactory(postcode="M33 7ZZ").postcode,
        ),
    )
    _fill_grant_panel(resident, round_, officer)


def _fill_grant_panel(resident, round_, officer):
    """The sign-in on the round's panel: a declaration, a sent review with a score, a remark."""
    from grants import assessment_services as assessment
    from grants import services
    from grants.tests.factories import complete_answers, start_group_application

    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    assessment.screen(officer, application, eligible=True)
    criterion = assessment.add_criterion(officer, round_, name="Need")
    member = assessment.add_panel_member(officer, round_, email=resident.email)
    assessment.assign(officer, application, [member])
    given = assessment.declare(resident, member.assignments.get(), conflict=False)
    marks = assessment.Marks(
        scores={criterion.pk: (4, PANEL["score_comment"])},
        recommendation="fund_with_conditions",
        comment=PANEL["review_comment"],
    )
    assessment.save_review(resident, given, marks, send=True)
    assessment.add_comment(resident, application, text=PANEL["discussion"])


def _fill_grant_award(resident):
    """A sent application of theirs for a group, awarded, accepted by them into an account in the
    treasurer's name, with a monitoring return they sent: the export shows the account masked; on
    erasure the grant stays without them and the group's account is cut to its masked form."""
    from grants import award_services
    from grants.tests.award_factories import make_grant

    grant, _ = make_grant(accept=False, applicant=resident)
    award_services.accept_grant(
        resident,
        grant,
        conditions_agreed=True,
        account=award_services.BankAccount(SIGN_IN["grant_bank_name"], "30-94-57", "8642 1357"),
    )
    award_services.save_return(
        resident,
        grant.returns.first(),
        award_services.ReturnAnswers(
            what_happened="Return: bell practice ran every Tuesday", people_reached=14, spend_pence=12_000
        ),
        send=True,
    )


def _fill_sign_in_records(resident):
    record_audit_event(resident, AuditEvent.Action.SIGN_IN)
    AuditEvent.objects.create(
        actor=resident, actor_label=resident.email, action="view", ip_address="198.51.100.77"
    )
    ListingProblem.objects.create(  # reported without signing in, under the sign-in's address
        service=ServiceFactory(), kind="closed", details=SIGN_IN["problem"], reporter_email=SIGN_IN["email"]
    )
    LogEntry.objects.log_actions(  # the back office's history names the account it changed
        user_id=resident.pk, queryset=[resident], action_flag=CHANGE, change_message="Changed full name."
    )
    for case in (SIGN_IN["email"], SIGN_IN["email"].upper(), SIGN_IN["email"].title()):
        fields = {"username": case, "ip_address": "203.0.113.9", "user_agent": "x", "path_info": "/accounts/"}
        AccessLog.objects.create(**fields, http_accept="*/*")
        AccessFailureLog.objects.create(**fields, http_accept="*/*")
    AccessAttempt.objects.create(
        username=SIGN_IN["email"].upper(),
        ip_address="203.0.113.9",
        user_agent="x",
        path_info="/accounts/sign-in/",
        http_accept="*/*",
        get_data="",
        post_data=f"username={SIGN_IN['email']}",
        failures_since_start=2,
    )


@pytest.fixture
def person(team, coordinator, make_user):
    from matching.models import Dismissal
    from outcomes.models import GoalRating, Instrument, OutcomeEvent, Response

    resident = make_user(Role.RESIDENT, email=SIGN_IN["email"], full_name=SIGN_IN["name"])
    person = PersonFactory(
        team=team,
        coordinator=coordinator,
        postcode=PostcodeFactory(postcode="M33 9QX"),
        date_of_birth=date(1941, 2, 3),
        account=resident,
        account_confirmed_at=timezone.now(),  # they said "Yes, this is me"
        **RECORD,
    )
    person.interests.set([TaxonomyTermFactory(name="Bell ringing")])
    ConversationFactory(person=person, notes=CASEWORK["conversation"], next_step=CASEWORK["next_step"])
    goal = Goal.objects.create(person=person, description=CASEWORK["goal"])
    GoalRating.objects.create(goal=goal, on=RATING_ON, rating=7)
    referral = Referral.objects.create(
        person=person,
        received_on=date(2026, 10, 1),
        referring_organisation=CASEWORK["referrer"],
        practitioner=CASEWORK["practitioner"],
        reasons=["loneliness"],
        support_offered=CASEWORK["support_offered"],
        what_changed=CASEWORK["what_changed"],
    )
    _fill_referral_sent_in(team, coordinator, person, referral)
    person.safeguarding_notes.create(note=CASEWORK["safeguarding"], recorded_by=coordinator)
    listing_intro = Introduction.objects.create(person=person, listing=ServiceFactory(), status="went_along")
    IntroductionStep.objects.create(introduction=listing_intro, status="went_along", note=CASEWORK["step"])
    Introduction.objects.create(person=person, elsewhere=CASEWORK["elsewhere"])
    Introduction.objects.create(person=PersonFactory(team=team), other_person=person)
    drop_in = DropInSession.objects.create(
        team=team,
        title="Sale drop-in",
        place="Sale library",
        on=date(2026, 11, 2),
        starts_at=time(10),
        ends_at=time(12),
    )
    drop_in.attendances.create(person=person, note=CASEWORK["attendance"])
    Dismissal.objects.create(
        person=person,
        key="listing:00000000-0000-0000-0000-000000000001",
        title=CASEWORK["dismissal_title"],
        reason=Dismissal.Reason.OTHER,
        note=CASEWORK["dismissal_note"],
        dismissed_by=coordinator,
    )
    OutcomeEvent.objects.create(
        person=person, kind="tenancy_sustained", on=date(2026, 11, 3), evidence=CASEWORK["outcome"]
    )
    Response.objects.create(
        person=person,
        instrument=Instrument.objects.first(),
        on=QUESTIONNAIRE_ON,
        answers={"q1": 3},
        scores={"total": QUESTIONNAIRE_TOTAL},
    )
    _fill_timebank(resident)
    _fill_volunteering_and_lending(resident)
    _fill_sign_in_records(resident)
    _fill_transport(team, coordinator, person, resident)
    _fill_care_budget(person, resident)
    _fill_grants(resident)
    _fill_grant_award(resident)
    _fill_care_contact(team, coordinator, resident)
    return person


def _markers():
    return [
        *RECORD.values(),
        *CASEWORK.values(),
        *SIGN_IN.values(),
        *PANEL.values(),
        QUESTIONNAIRE_ON.isoformat(),
        str(QUESTIONNAIRE_TOTAL),
        RATING_ON.isoformat(),
        str(EXCHANGE_HOURS),
        "1941-02-03",
        "Bell ringing",
    ]


def _flat(text: str) -> str:
    """Text with its whitespace made single spaces (a PDF breaks lines where it likes)."""
    return re.sub(r"\s+", " ", text)


def _three_formats(client, person) -> dict[str, str]:
    from html import unescape

    from pypdf import PdfReader

    url = reverse("people:subject_access", args=[person.pk])
    as_json = client.get(url, {"format": "json"})
    page = client.get(url)
    pdf = client.get(url, {"format": "pdf"})
    assert as_json.status_code == page.status_code == pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    return {
        "json": _flat(json.dumps(json.loads(as_json.content), ensure_ascii=False)),
        "page": _flat(unescape(re.sub(r"<[^>]+>", " ", page.content.decode()))),
        "pdf": _flat(pdf_text),
    }


def _pointing_at_people():
    """Every (model, field) that points at a person's record or at a sign-in."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in (Person, User):
                yield model, field


def _text_values(model, field, person) -> list[str]:
    """The free text of the rows of ``model`` that ``field`` links to the person or their sign-in."""
    target = person if field.related_model is Person else person.account
    rows = model.objects.filter(**{field.name: target})
    texts = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.is_relation
    ]
    assert rows.exists(), f"{model._meta.label}.{field.name}: fill it in the fixture, or say why not"
    if not texts:
        return []
    return [value for row in rows.values_list(*texts) for value in row if value and value.strip()]


def test_every_value_held_about_a_person_appears_in_the_json_the_page_and_the_pdf(
    client, person, coordinator
):
    sign_in(client, coordinator)
    formats = _three_formats(client, person)
    found_by_introspection = set()
    for model, field in _pointing_at_people():
        key = (model._meta.label, field.name)
        if key in NOT_EXPORTED:
            continue
        found_by_introspection.add(key)
        for value in _text_values(model, field, person):
            if model is Person and value == str(person.pk):
                continue
            for name, text in formats.items():
                assert _flat(value) in text, f"{key}: {value!r} missing from the {name}"
    assert ("timebank.Membership", "user") in found_by_introspection  # the walk reaches the sign-in
    for marker in _markers():
        for name, text in formats.items():
            assert _flat(marker) in text, f"{marker!r} missing from the {name}"
    for name, text in formats.items():  # a grant's bank account only ever masked
        assert "86421357" not in text and "**-**-57 ******57" in text, name


def _all_database_text() -> str:
    """Every row of every table, as text (lower case, to catch an email in any case)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows).lower()


def test_erasure_reaches_the_sign_in_and_every_app_and_leaves_nothing_in_any_table(client, person, lead):
    resident = person.account
    neighbour_balance = Account.objects.get(name="Ada Neighbour").balance
    ledger_amounts = sorted(Posting.objects.values_list("amount", flat=True))
    erased_values = [*RECORD.values(), *CASEWORK.values(), *SIGN_IN.values(), repr(date(1941, 2, 3))]
    before = _all_database_text()
    assert [v for v in erased_values if v.lower() not in before] == []  # the scan sees them

    sign_in(client, lead)
    assert client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"}).status_code == 302

    after = _all_database_text()
    for value in erased_values:
        assert value.lower() not in after, value
    assert "86421357" not in after and "309457" not in after  # a group's account, often a member's own
    resident.refresh_from_db()
    assert resident.full_name == "Erased person" and resident.email.endswith("@invalid")
    assert not resident.is_active and not resident.has_usable_password()
    assert not AuditEvent.objects.filter(actor_label__iexact=SIGN_IN["email"]).exists()
    assert AuditEvent.objects.filter(actor=resident, action="sign_in").exists()  # kept, pseudonymised
    assert not AuditEvent.objects.filter(
        actor=resident, ip_address__isnull=False
    ).exists()  # where from: gone
    for lockout_log in (AccessLog, AccessFailureLog, AccessAttempt):
        assert not lockout_log.objects.filter(username__iexact=SIGN_IN["email"]).exists()
    # The ledger is untouched: the neighbour's balance and every amount stay.
    assert Account.objects.get(name="Ada Neighbour").balance == neighbour_balance
    assert sorted(Posting.objects.values_list("amount", flat=True)) == ledger_amounts
    assert Entry.objects.filter(kind="exchange").count() == 1
    assert Membership.objects.filter(user=resident).count() == 1  # still counted as a member
    assert SignUp.objects.filter(user=resident, hours=Decimal("3.25")).count() == 1  # hours still count
    assert Reservation.objects.filter(borrower=resident).count() == 1
    assert Person.objects.get(pk=person.pk).referrals.get().referring_organisation == ""
    # A grants panel's record stays, without the name: the remark has no author, the review and
    # its score hang from the erased sign-in.
    from grants.models import DiscussionComment, Score

    assert DiscussionComment.objects.get(text=PANEL["discussion"]).author is None
    assert Score.objects.get(comment=PANEL["score_comment"]).review.assignment.member.user == resident


MAKE_IN_A_FILE_DATABASE = """
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, TeamMembershipFactory, UserFactory
from people.tests.factories import PersonFactory

team = TeamFactory()
lead = UserFactory(role=Role.COORDINATOR, email="lead@example.org")
TeamMembershipFactory(team=team, user=lead, is_lead=True)
resident = UserFactory(role=Role.RESIDENT, full_name="Wilhelmina Quoxley-Sign-In", email="wq@example.org")
person = PersonFactory(
    team=team,
    full_name="Wilhelmina Quoxley",
    address="3 Grimblethorpe Row",
    account=resident,
    account_confirmed_at=timezone.now(),
)
person.conversations.create(happened_on="2026-11-01", kind="call", notes="Grimblethorpe conversation")
"""
ERASE_IN_A_FILE_DATABASE = """
from accounts.models import User
from people.models import Person
from people.services import erase_person

from pathlib import Path

from django.db import connection

erase_person(User.objects.get(email="lead@example.org"), Person.objects.get(full_name="Wilhelmina Quoxley"))
# Read the files while the connection is still open, as a running site's is (closing the last
# connection checkpoints by itself).
database = Path(connection.settings_dict["NAME"])
files = [database, database.with_name(database.name + "-wal")]
content = b"".join(f.read_bytes() for f in files if f.exists())
print("lingering:", [v.decode() for v in (b"Quoxley", b"Grimblethorpe", b"wq@example.org") if v in content])
"""
VALUES = (b"Quoxley", b"Grimblethorpe", b"wq@example.org")


def _sqlite_bytes(path) -> bytes:
    files = [path, path.with_name(path.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_erased_values_do_not_linger_in_the_sqlite_files(tmp_path):
    """On a real SQLite file in WAL mode (the test database is in memory), the erased values
    are in neither the database file nor its write-ahead log once the erasure has committed."""
    from closeknit.tests.test_settings import manage

    path = tmp_path / "erasure.sqlite3"
    database = {"DATABASE_URL": f"sqlite:///{path}"}
    assert manage("migrate", "-v0", **database).returncode == 0
    made = manage("shell", "-c", MAKE_IN_A_FILE_DATABASE, **database)
    assert made.returncode == 0, made.stderr
    assert all(value in _sqlite_bytes(path) for value in VALUES)  # the files hold them now
    erased = manage("shell", "-c", ERASE_IN_A_FILE_DATABASE, **database)
    assert erased.returncode == 0, erased.stderr
    assert "lingering: []" in erased.stdout, erased.stdout
    content = _sqlite_bytes(path)
    for value in VALUES:
        assert value not in content, value


def test_a_stranger_s_rows_are_not_reached_through_contact_details_typed_on_a_record(client, team, lead):
    """Anyone can type a stranger's email or phone on a record: rows held under them without a
    sign-in (another scheme's waiting list, a volunteer's sign-up, a loan) are not the record's,
    so its export does not show them and its erasure leaves them be."""
    person = PersonFactory(
        team=team, full_name="Octavia Plimsoll", email="vera.stranger@example.org", phone="07700 900123"
    )
    item, _ = make_item()
    wait = WaitingListEntry.objects.create(
        organisation=item.organisation,
        kind="wheelchair",
        name="Vera Stranger",
        contact=" Vera.Stranger@Example.org ",
        wanted_from=date(2027, 2, 1),
        notes="Waiting: after Vera's hip operation",
    )
    sign_up = SignUp.objects.create(
        shift=make_shift(make_opportunity()[0]), name="Vera Stranger", email="", phone="07700 900123"
    )
    borrower = UserFactory(email="vera.stranger@example.org", full_name="Vera Stranger")
    loan = Reservation.objects.create(
        item=item,
        borrower=borrower,
        borrower_name="Vera Stranger",
        borrower_contact="vera.stranger@example.org",
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 12),
    )
    sign_in(client, lead)
    export = client.get(
        reverse("people:subject_access", args=[person.pk]), {"format": "json"}
    ).content.decode()
    assert "Vera" not in export and "hip operation" not in export
    client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"})
    assert Person.objects.get(pk=person.pk).erased_at is not None
    wait.refresh_from_db()
    sign_up.refresh_from_db()
    loan.refresh_from_db()
    assert (wait.name, wait.notes) == ("Vera Stranger", "Waiting: after Vera's hip operation")
    assert (sign_up.name, sign_up.phone) == ("Vera Stranger", "07700 900123")
    assert (loan.borrower_name, loan.borrower_contact) == ("Vera Stranger", "vera.stranger@example.org")
    borrower.refresh_from_db()
    assert borrower.is_active and borrower.full_name == "Vera Stranger"
