"""What grants hold about a sign-in (the applications it wrote, with their answers and any
requests for more information), for a subject access export, and its erasure. Connected to
``accounts.privacy``'s signals in ``GrantsConfig.ready``.

An application is the applicant's when it was written under their sign-in, or (after the sign-in
was erased and re-made, say) made under their sign-in's own email address as its contact.

Erasure deletes their drafts (nothing was sent: no one else relies on them) and takes the person
off the applications they sent: the sign-in, the contact's name, email address and phone go. What
the application says about the project and the organisation or group stays, because the fund must
account for what it was asked for and what it decided.

A panel member's assessments (the panels they sat on, their declarations of interest, reviews and
scores, and their remarks in discussions) are exported as "Grant assessments". On erasure their
remarks lose their name; the declarations, reviews and scores stay as the fund's record of how it
decided, hanging from the erased sign-in, which names no one any more.

After an award the export adds the grant: the offer, the acceptance (the bank account masked, as
everywhere), the payments and the monitoring returns they wrote. Erasure keeps the grant's
financial record (amounts, dates, references, what each return said) but takes the person off it:
who accepted and who sent each return go, with their names. A group without a constitution is
often paid into a member's own account: its account name and numbers are then cut to what
``masked_account`` shows (the fund asks the group for another account before paying more). An
organisation's account is the organisation's, and stays."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower, Trim

from accounts.privacy import ERASED_NAME, section
from common.money import pounds

from .models import (
    Answer,
    Application,
    Assignment,
    DiscussionComment,
    Grant,
    MonitoringReturn,
    PanelMember,
    Question,
)
from .selectors import answers_of, questions_of
from .threesixty import without_people


def _applications(user: Any, contacts: Any) -> Any:
    matching = Q(applicant=user) if user is not None else Q(pk__in=[])
    if contacts:
        matching |= Q(email_key__in=list(contacts))
    return (
        Application.objects.annotate(email_key=Lower(Trim("contact_email")))
        .filter(matching)
        .select_related("round", "round__fund", "organisation", "postcode")
    )


def _answer_text(question: Question, answer: Any) -> Any:
    if answer is None:
        return None
    if question.kind == Question.Kind.TEXT:
        return answer.text
    if question.kind == Question.Kind.AMOUNT:
        return pounds(answer.amount_pence) if answer.amount_pence is not None else None
    if question.kind == Question.Kind.DATE:
        return answer.day.isoformat() if answer.day else None
    if question.kind == Question.Kind.CHOICE:
        return answer.choice
    return [{"item": row.item, "amount": pounds(row.amount_pence)} for row in answer.budget_rows.all()]


def _grant_record(application: Application) -> dict[str, Any] | None:
    """The grant awarded on ``application``, once its offer was sent; the bank account masked."""
    grant = Grant.objects.filter(application=application, offer_sent_at__isnull=False).first()
    if grant is None:
        return None
    return {
        "amount": pounds(grant.amount_pence),
        "conditions": grant.conditions,
        "awarded_on": grant.awarded_on.isoformat(),
        "planned": f"{grant.planned_start.isoformat()} to {grant.planned_end.isoformat()}",
        "offer_sent": grant.offer_sent_at.isoformat() if grant.offer_sent_at else None,
        "accepted": grant.accepted_at.isoformat() if grant.accepted_at else None,
        "accepted_by": grant.accepted_by_name,
        "bank_account_name": grant.bank_account_name,
        "bank_account": grant.masked_account,
        "payments": [
            {
                "amount": pounds(p.amount_pence),
                "due_on": p.due_on.isoformat(),
                "paid_on": p.paid_on.isoformat() if p.paid_on else None,
                "reference": p.reference,
            }
            for p in grant.payments.all()
        ],
        "monitoring_returns": [
            {
                "due_on": r.due_on.isoformat(),
                "sent": r.submitted_at.isoformat() if r.submitted_at else None,
                "what_happened": r.what_happened,
                "people_reached": r.people_reached,
                "spend": pounds(r.spend_pence) if r.spend_pence is not None else None,
                "photos": [photo.description for photo in r.photos.all()],
            }
            for r in grant.returns.all()
        ],
    }


def _scrub_published_words(grant: Grant) -> None:
    """The grant's title and written answers with the person's name, phone and email taken out,
    while the names are still known: the 360Giving files take them out as they are read, and after
    erasure there would be no name left to take out."""
    application = grant.application
    title = without_people(application.title, grant)
    if title != application.title:
        Application.objects.filter(pk=application.pk).update(title=title[:200])
    for answer in Answer.objects.filter(application=application).exclude(text=""):
        text = without_people(answer.text, grant)
        if text != answer.text:
            Answer.objects.filter(pk=answer.pk).update(text=text)


def _forget_on_grants(user: Any, applications: list[Application]) -> None:
    """Take the person off the grants of their applications: who accepted and who sent returns.
    A group's account (often a member's own) is cut to its masked form."""
    grants = Grant.objects.filter(application__in=applications)
    if user is not None:
        grants = grants | Grant.objects.filter(accepted_by=user)
    for grant in grants.select_related("application", "application__applicant").distinct():
        _scrub_published_words(grant)
        grant.accepted_by = None
        if grant.accepted_by_name:
            grant.accepted_by_name = ERASED_NAME
        if grant.application.applies_as == Application.AppliesAs.GROUP and grant.bank_account_number:
            grant.bank_account_name = ERASED_NAME
            grant.bank_sort_code = "****" + grant.bank_sort_code[-2:]
            grant.bank_account_number = "******" + grant.bank_account_number[-2:]
        grant.save(
            update_fields=[
                "accepted_by",
                "accepted_by_name",
                "bank_account_name",
                "bank_sort_code",
                "bank_account_number",
            ]
        )
    returns = MonitoringReturn.objects.filter(grant__application__in=applications)
    if user is not None:
        returns = returns | MonitoringReturn.objects.filter(submitted_by=user)
    MonitoringReturn.objects.filter(pk__in=returns.values("pk")).update(submitted_by=None)


def what_we_hold(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> list[dict[str, Any]]:
    applications = list(_applications(user, contacts))
    if not applications:
        return []
    records = []
    for application in applications:
        answers = answers_of(application)
        records.append(
            {
                "fund": application.round.fund.name,
                "round": application.round.name,
                "project": application.title,
                "applying_for": application.applicant_name,
                "status": application.get_status_display(),
                "contact_name": application.contact_name,
                "contact_email": application.contact_email,
                "contact_phone": application.contact_phone,
                "postcode": application.postcode_id or "",
                "started": application.created_at.isoformat(),
                "submitted": application.submitted_at.isoformat() if application.submitted_at else None,
                "answers": {
                    q.text: _answer_text(q, answers.get(q.pk)) for q in questions_of(application.round)
                },
                "requests_for_more_information": [
                    {"asked_on": r.requested_at.isoformat(), "message": r.message}
                    for r in application.information_requests.all()
                ],
                "grant": _grant_record(application),
            }
        )
    return [section("grant_applications", "Grant applications", records)]


def forget_applicant(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    applications = _applications(user, contacts)
    applications.filter(status=Application.Status.DRAFT).delete()
    _forget_on_grants(user, list(applications))
    Application.objects.filter(pk__in=applications.values("pk")).update(
        applicant=None, contact_name=ERASED_NAME, contact_email="", contact_phone=""
    )


# A panel member's assessments: what they declared, scored and said, under their sign-in.


def _assessment(assignment: Assignment) -> dict[str, Any]:
    review = getattr(assignment, "review", None)
    return {
        "fund": assignment.application.round.fund.name,
        "round": assignment.application.round.name,
        "application": assignment.application.title,
        "declaration": assignment.get_declaration_display() if assignment.declaration else "Not declared",
        "conflict": assignment.conflict_note,
        "declared": assignment.declared_at.isoformat() if assignment.declared_at else None,
        "recommendation": review.get_recommendation_display() if review and review.recommendation else "",
        "comment": review.comment if review else "",
        "sent": review.submitted_at.isoformat() if review and review.submitted_at else None,
        "scores": [
            {"criterion": s.criterion.name, "score": s.score, "comment": s.comment}
            for s in (review.scores.select_related("criterion") if review else [])
        ],
    }


def what_we_hold_as_panel_member(
    sender: Any, user: Any, contacts: Any, **kwargs: Any
) -> list[dict[str, Any]]:
    """The rounds a sign-in sat on the panel of, each application given to them with their
    declaration and review, and their remarks in the panel's discussions."""
    if user is None:
        return []
    panels = list(PanelMember.objects.filter(user=user).select_related("round", "round__fund"))
    comments = list(DiscussionComment.objects.filter(author=user).select_related("application"))
    if not panels and not comments:
        return []
    assignments = Assignment.objects.filter(member__user=user).select_related(
        "application", "application__round", "application__round__fund", "review"
    )
    records: list[dict[str, Any]] = [
        {"panel": f"{p.round.fund.name}: {p.round.name}", "added": p.added_at.isoformat()} for p in panels
    ]
    records += [_assessment(a) for a in assignments]
    records += [
        {"discussion_of": c.application.title, "written": c.created_at.isoformat(), "comment": c.text}
        for c in comments
    ]
    return [section("grant_assessments", "Grant assessments", records)]


def forget_panel_member(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    """Their remarks in discussions lose their name. Their declarations, reviews and scores stay
    with the fund, as the record of how it decided: the erased sign-in they hang from no longer
    names anyone."""
    if user is not None:
        DiscussionComment.objects.filter(author=user).update(author=None)
