"""A person can have all their data out, and have it erased, leaving only anonymous counts."""

import json
from datetime import date, time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, TeamMembershipFactory
from common.testing import sign_in
from directory.tests.factories import ServiceFactory, TaxonomyTermFactory
from people.models import Conversation, DropInSession, Goal, Introduction, IntroductionStep, Person, Referral
from people.tests.factories import ConversationFactory, PersonFactory
from places.tests.factories import PostcodeFactory

# Distinctive text in every personal field, so a scan of the whole database can look for it.
MARKERS = {
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
NOTES = {
    "conversation": "Conversation about Persimmon's shell",
    "next_step": "Phone Wrenfold surgery",
    "goal": "Goal: harmonium concert",
    "practitioner": "Practitioner Ottoline Brisk",
    "safeguarding": "Safeguarding: visitor called Quentin",
    "elsewhere": "Neighbour Mirabel Thackeray",
    "step": "Step note: loved the Quatermass ceilidh",
    "attendance": "Drop-in: brought Persimmon along",
    "outcome": "Outcome evidence: landlord Mr Gribble agreed",
}
POSTCODE = "M33 9QX"


@pytest.fixture
def lead(team, make_user):
    user = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=user, is_lead=True)
    return user


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator, make_user):
    postcode = PostcodeFactory(postcode=POSTCODE)
    resident = make_user(Role.RESIDENT, email="zq@example.org")
    person = PersonFactory(
        team=team,
        coordinator=coordinator,
        postcode=postcode,
        date_of_birth=date(1941, 2, 3),
        account=resident,
        account_confirmed_at=timezone.now(),  # they said "Yes, this is me"
        **MARKERS,
    )
    person.interests.set([TaxonomyTermFactory(name="Bell ringing")])
    ConversationFactory(person=person, notes=NOTES["conversation"], next_step=NOTES["next_step"])
    Goal.objects.create(person=person, description=NOTES["goal"])
    Referral.objects.create(
        person=person,
        received_on=date(2026, 10, 1),
        referring_organisation="Sale Moor Surgery",
        practitioner=NOTES["practitioner"],
        reasons=["loneliness"],
    )
    person.safeguarding_notes.create(note=NOTES["safeguarding"], recorded_by=coordinator)
    listing_intro = Introduction.objects.create(person=person, listing=ServiceFactory(), status="went_along")
    IntroductionStep.objects.create(introduction=listing_intro, status="went_along", note=NOTES["step"])
    Introduction.objects.create(person=person, elsewhere=NOTES["elsewhere"])
    drop_in = DropInSession.objects.create(
        team=team,
        title="Sale drop-in",
        place="Sale library",
        on=date(2026, 11, 2),
        starts_at=time(10),
        ends_at=time(12),
    )
    drop_in.attendances.create(person=person, note=NOTES["attendance"])
    from outcomes.models import OutcomeEvent

    OutcomeEvent.objects.create(
        person=person, kind="tenancy_sustained", on=date(2026, 11, 3), evidence=NOTES["outcome"]
    )
    return person


def test_coordinator_exports_everything_as_json_and_the_export_is_audited(client, person, coordinator):
    sign_in(client, coordinator)
    client.get(reverse("people:person", args=[person.pk]))  # a read, which the export lists
    response = client.get(reverse("people:subject_access", args=[person.pk]), {"format": "json"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    text = json.dumps(data)
    for marker in [*MARKERS.values(), *NOTES.values(), POSTCODE, "1941-02-03", "Bell ringing"]:
        assert marker in text, marker
    sections = {section["key"]: section["records"] for section in data["sections"]}
    assert [e["what"] for e in sections["who_has_looked_at_or_changed_this_record"]] == ["Viewed", "Exported"]
    assert AuditEvent.objects.filter(actor=coordinator, action="export", target_id=str(person.pk)).exists()


def test_readable_export_shows_the_same(client, person, coordinator):
    sign_in(client, coordinator)
    page = client.get(reverse("people:subject_access", args=[person.pk])).content.decode()
    assert "Vision of marmalade mornings" in page and "Safeguarding: visitor called Quentin" in page
    assert "Vision of a good life" in page  # headings a person reads, not data keys


def test_only_those_who_read_safeguarding_notes_may_export(client, person, make_user, team):
    colleague = make_user(Role.COORDINATOR, teams=[team])
    sign_in(client, colleague)
    assert client.get(reverse("people:subject_access", args=[person.pk])).status_code == 403
    sign_in(client, make_user(Role.COORDINATOR, teams=[TeamFactory()]))
    assert client.get(reverse("people:subject_access", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def all_database_text() -> str:
    """Every row of every table, as text."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_erasure_leaves_no_personal_data_in_any_table_and_keeps_anonymous_counts(client, person, lead):
    ward, decile = person.postcode.ward, person.imd_decile
    before = all_database_text()
    assert all(marker in before for marker in [*MARKERS.values(), *NOTES.values()])  # the scan sees them
    sign_in(client, lead)
    url = reverse("people:erase", args=[person.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302

    after = all_database_text()
    for marker in [*MARKERS.values(), *NOTES.values(), "1941-02-03"]:
        assert marker not in after, marker
    erased = Person.objects.get(pk=person.pk)
    assert erased.erased_at is not None and erased.postcode_id is None and erased.account_id is None
    assert (erased.ward, erased.imd_decile) == (ward, decile)  # reach by ward and decile still counts
    assert Conversation.objects.filter(person=erased).count() == 1
    assert (
        Goal.objects.filter(person=erased).count() == 1
        and Referral.objects.filter(person=erased).count() == 1
    )
    assert list(
        Introduction.objects.filter(person=erased).values_list("status", flat=True).order_by("status")
    ) == [
        "suggested",
        "went_along",
    ]
    assert not erased.safeguarding_notes.exists() and not erased.consents.exists()
    assert erased.attendances.count() == 1  # still counted as having come to the drop-in
    assert erased.outcome_events.count() == 1  # the tenancy sustained still counts, without the evidence
    assert AuditEvent.objects.filter(actor=lead, action="erase", target_id=str(person.pk)).exists()
    assert client.get(reverse("people:person", args=[person.pk])).status_code == 404  # gone from view


def test_erasure_needs_confirmation(client, person, lead):
    sign_in(client, lead)
    response = client.post(reverse("people:erase", args=[person.pk]), {})
    assert "Confirm that you understand" in response.content.decode()
    assert Person.objects.get(pk=person.pk).erased_at is None


def test_only_team_leads_and_administrators_may_erase(client, person, coordinator, make_user):
    sign_in(client, coordinator)  # the person's own coordinator, not a lead
    assert client.get(reverse("people:erase", args=[person.pk])).status_code == 403
    assert client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"}).status_code == 403
    outsider_lead = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=TeamFactory(), user=outsider_lead, is_lead=True)
    sign_in(client, outsider_lead)
    assert client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"}).status_code == 404
    assert Person.objects.get(pk=person.pk).erased_at is None
    sign_in(client, make_user(Role.ADMINISTRATOR))
    assert client.post(reverse("people:erase", args=[person.pk]), {"confirm": "on"}).status_code == 302


def test_subject_access_export_as_a_pdf(client, person, coordinator):
    from io import BytesIO

    from pypdf import PdfReader

    sign_in(client, coordinator)
    response = client.get(reverse("people:subject_access", args=[person.pk]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Zebedee Quatermass" in text and "Vision of marmalade mornings" in text
    assert AuditEvent.objects.filter(actor=coordinator, action="export").count() == 1
