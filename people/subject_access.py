"""Everything held about a person, gathered for a subject access request.

A read, so it lives beside the selectors; ``selectors.subject_access_for`` checks who may ask
and writes the export to the audit log."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEvent
from accounts.privacy import account_sections, section

from .models import Person

logger = logging.getLogger(__name__)


def _name(user) -> str:
    return user.full_name if user else ""


def _from_other_apps(person: Person) -> list[dict[str, Any]]:
    """Sections that apps above ``people`` hold about the person (questionnaires, outcomes…)."""
    from .signals import subject_access_requested

    sections: list[dict[str, Any]] = []
    for _receiver, answer in subject_access_requested.send(sender=Person, person=person):
        sections.extend(answer or [])
    return sections


def _about(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "full_name": person.full_name,
        "preferred_name": person.preferred_name,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "postcode": person.postcode_id or "",
        "ward": person.ward.name if person.ward else "",
        "neighbourhoods": person.neighbourhoods,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "communication_needs": person.communication_needs,
        "vision_of_a_good_life": person.vision,
        "what_matters_to_me": person.what_matters,
        "strengths_and_gifts": person.strengths,
        "interests": [term.name for term in person.interests.all()],
        "usually_free": person.free_time_labels,
        "access_needs": person.access_need_labels,
        "things_need_to_be_free": person.needs_free,
        "how_far_they_can_get": person.get_travel_display(),
        "would_join_things_online": person.get_online_ok_display(),
        "team": str(person.team),
        "coordinator": _name(person.coordinator),
        "introduced_by": person.get_introduced_by_display(),
        "introducer_detail": person.introducer_detail,
        "record_started": person.created_at.isoformat(),
    }


def subject_access_data(person: Person) -> dict[str, Any]:
    """Every record about ``person``, as plain data (JSON-ready): a list of sections a person can
    read (``accounts.privacy.section``). The one builder: the JSON is this, and the page and the
    PDF draw these same sections generically, so no format can leave anything out. It reaches
    apps above ``people`` through ``subject_access_requested``, and what is held on the person's
    own sign-in (timebanks, volunteering, lending) through ``accounts.privacy``."""
    started = time.monotonic()
    person_type = ContentType.objects.get_for_model(Person)
    sections = [
        section("person", "About them", [_about(person)]),
        section(
            "consents",
            "What they agreed to",
            [
                {
                    "agreed_to": c.get_purpose_display(),
                    "how": c.get_method_display(),
                    "given_on": c.given_on.isoformat(),
                    "recorded_by": _name(c.recorded_by),
                    "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
                }
                for c in person.consents.select_related("recorded_by")
            ],
        ),
        section(
            "goals",
            "Goals",
            [
                {
                    "goal": g.description,
                    "status": g.get_status_display(),
                    "set_on": g.set_on.isoformat(),
                    "finished_on": g.finished_on.isoformat() if g.finished_on else None,
                }
                for g in person.goals.all()
            ],
        ),
        section(
            "referrals",
            "Referrals",
            [
                {
                    "received_on": r.received_on.isoformat(),
                    "referring_organisation": r.referring_organisation,
                    "practitioner": r.practitioner,
                    "reasons": r.reason_labels(),
                    "first_contact_on": r.first_contact_on.isoformat() if r.first_contact_on else None,
                    "contacts": r.contacts,
                    "closed_on": r.closed_on.isoformat() if r.closed_on else None,
                    "why_closed": r.get_closure_reason_display(),
                    "support_offered": r.support_offered,
                    "what_changed": r.what_changed,
                    "snomed_ct_code": r.snomed_code,
                    "history": [
                        {
                            "what": s.get_status_display(),
                            "when": s.at.isoformat(),
                            "who": s.who,
                            "note": s.note,
                        }
                        for s in r.steps.select_related("by")
                    ],
                }
                for r in person.referrals.prefetch_related("steps")
            ],
        ),
        section(
            "referrals_sent_in",
            "Referrals sent in about them",
            [
                {
                    "reference": i.reference,
                    "received_at": i.received_at.isoformat(),
                    "from": i.referring_organisation,
                    "referrer": i.referrer_name,
                    "referrer_email": i.referrer_email,
                    "referrer_phone": i.referrer_phone,
                    "name_given": i.full_name,
                    "date_of_birth_given": i.date_of_birth.isoformat() if i.date_of_birth else None,
                    "phone_given": i.phone,
                    "email_given": i.email,
                    "address_given": i.address,
                    "postcode_given": i.postcode,
                    "communication_needs": i.communication_needs,
                    "reasons": i.reason_labels(),
                    "what_matters": i.what_matters,
                    "status": i.get_status_display(),
                    "why_declined": i.decline_reason,
                    "snomed_ct_code": i.snomed_code,
                }
                for i in person.incoming_referrals.filter(erased_at__isnull=True)
            ],
        ),
        section(
            "conversations",
            "Conversations",
            [
                {
                    "on": c.happened_on.isoformat(),
                    "kind": c.get_kind_display(),
                    "notes": c.notes,
                    "next_step": c.next_step,
                    "follow_up_on": c.follow_up_on.isoformat() if c.follow_up_on else None,
                    "recorded_by": _name(c.recorded_by),
                }
                for c in person.conversations.select_related("recorded_by")
            ],
        ),
        section(
            "introductions",
            "Introductions",
            [
                {
                    "to": i.to_label,
                    "status": i.get_status_display(),
                    "made_on": i.made_on.isoformat(),
                    "follow_up_on": i.follow_up_on.isoformat() if i.follow_up_on else None,
                    "steps": [
                        {"status": s.get_status_display(), "on": s.on.isoformat(), "note": s.note}
                        for s in i.steps.all()
                    ],
                }
                for i in person.introductions.select_related("listing", "other_person").prefetch_related(
                    "steps"
                )
            ],
        ),
        section(
            "introduced_to_by_others",
            "Introduced to them by others",
            [
                {
                    "by_way_of": i.from_label,
                    "status": i.get_status_display(),
                    "on": i.made_on.isoformat(),
                }
                for i in person.introduced_to.select_related("person")
            ],
        ),
        section(
            "drop_ins",
            "Drop-ins they came to",
            [
                {
                    "drop_in": a.session.title,
                    "on": a.session.on.isoformat(),
                    "spoke_with": _name(a.linked_with),
                    "linked_with_listing": a.linked_listing.name if a.linked_listing_id else "",
                    "note": a.note,
                }
                for a in person.attendances.select_related("session", "linked_with", "linked_listing")
            ],
        ),
        section(
            "safeguarding_notes",
            "Safeguarding notes",
            [
                {
                    "recorded_at": n.recorded_at.isoformat(),
                    "note": n.note,
                    "recorded_by": _name(n.recorded_by),
                }
                for n in person.safeguarding_notes.select_related("recorded_by")
            ],
        ),
        *_from_other_apps(person),
        *account_sections(person.confirmed_account),
        section(
            "who_has_looked_at_or_changed_this_record",
            "Who has looked at or changed this record",
            [
                {"when": e.occurred_at.isoformat(), "what": e.get_action_display(), "who": e.actor_label}
                for e in AuditEvent.objects.filter(
                    target_type=person_type, target_id=str(person.pk)
                ).order_by("occurred_at")
            ],
        ),
    ]
    logger.info(
        "Gathered the subject access export for person %s: %d sections, %d records in %.1f s",
        person.pk,
        len(sections),
        sum(len(s["records"]) for s in sections),
        time.monotonic() - started,
    )
    return {
        "about_this_export": (
            "Everything Closeknit holds about you, gathered for your subject access request. "
            "Ask your coordinator if anything is unclear or wrong."
        ),
        "sections": sections,
    }
