"""People the team knows who share an interest with the person, for a coordinator to introduce.

Only people on the SAME team as the person (the issue: "people in the same team's caseload"), even
when the viewer is on several teams or is an administrator; only those the viewer may see
(``people.selectors.people_visible_to``: never an erased record); never the person themselves; demo
people only for a demo person and real people only for a real one; and only those who agree, now,
to be introduced (a current ``introduce_to_people`` consent).

A candidate is named by the first name they go by, not their full name: suggestions are read with
the person, before anyone has agreed to this introduction, and a first name with what they share is
enough to ask. Their record is a link away for the coordinator, who may see it.

Rows are read as values, not as ``Person`` records, so people weighed but not shown are not on the
request's audit trail; the page marks those it shows (``matching.views``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from common import free_times
from matching.ranking import Candidate, Profile, Slot
from matching.sources import Context, Found
from people.models import Consent, Person
from people.selectors import people_visible_to

KIND = "person"


def key_for(person_id: Any) -> str:
    return f"{KIND}:{person_id}"


def people_who_may_be_suggested(viewer: Any, person: Person) -> QuerySet[Person]:
    """Everyone ``viewer`` may be shown as someone to introduce ``person`` to (see the module)."""
    consenting = Consent.objects.filter(
        person=OuterRef("pk"), purpose=Consent.Purpose.INTRODUCE_TO_PEOPLE, withdrawn_on__isnull=True
    )
    return (
        people_visible_to(viewer)
        .filter(team_id=person.team_id, is_demo=person.is_demo, erased_at__isnull=True)
        .exclude(pk=person.pk)
        .filter(Exists(consenting))
    )


def first_name(preferred_name: str, full_name: str) -> str:
    """As ``Person.first_name``, from the two names read as values."""
    words = (preferred_name or full_name).split()
    return words[0] if words else "Someone"


def people_sharing_interests(profile: Profile, context: Context) -> Found:
    """The source of kind "person": see the module."""
    if context.person is None or context.viewer is None:
        return Found()
    rows = list(
        people_who_may_be_suggested(context.viewer, context.person)
        .order_by("pk")
        .values(
            "pk",
            "preferred_name",
            "full_name",
            "what_matters",
            "strengths",
            "free_times",
            "postcode__latitude",
            "postcode__longitude",
        )[: context.limit]
    )
    interests: dict[Any, list[str]] = defaultdict(list)
    for person_id, name in Person.interests.through.objects.filter(
        person_id__in=[row["pk"] for row in rows]
    ).values_list("person_id", "taxonomyterm__name"):
        interests[person_id].append(name)
    candidates = []
    for row in rows:
        lat, lon = row["postcode__latitude"], row["postcode__longitude"]
        text = ". ".join(
            part for part in (", ".join(interests[row["pk"]]), row["what_matters"], row["strengths"]) if part
        )
        if not text.strip():  # nothing said, so nothing to share
            continue
        candidates.append(
            Candidate(
                key=key_for(row["pk"]),
                kind=KIND,
                title=first_name(row["preferred_name"], row["full_name"]),
                text=text,
                url=reverse("people:person", args=[row["pk"]]),
                where=(lat, lon) if lat is not None and lon is not None else None,
                sessions=tuple(Slot(*t) for t in free_times.as_weekly_times(row["free_times"] or [])),
            )
        )
    return Found(candidates=candidates)
