"""Assessment: screening, criteria, the panel and its declarations, reviews, moderation and the
decision. The conflict rules first (a conflicted member sees nothing and is left out of the
average), then the attacker's tries through each page: a member of another round's panel, a member
not given the application, an id that is no one's, a conflicted member on every page, a second
declaration, scores out of range or for another round's criterion, a panel member trying the fund
officer's pages, an award past the round's budget. Bad input is answered naming the field, saves
nothing and never 500s."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.errors import NotPermitted, NotVisible, Refusal
from common.testing import assert_denied, sign_in, totp_device
from grants import assessment_selectors as assessing
from grants import assessment_services as assessment
from grants import services
from grants.models import Application, Assignment, Decision, DiscussionComment, Grant, Review, Round, Score
from grants.tests.factories import close, complete_answers, make_round, start_group_application

pytestmark = pytest.mark.django_db


def sent_application(round_, title="Start a timebank"):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    Application.objects.filter(pk=application.pk).update(title=title)
    application.refresh_from_db()
    return application


def panel_member(officer, round_):
    user = UserFactory(role=Role.RESIDENT)
    totp_device(user)  # panel members prove a second factor: applications hold contact details
    assessment.add_panel_member(officer, round_, email=user.email)
    return user


@pytest.fixture
def panel():
    """A closed round with two screened-in applications, two criteria and three panel members,
    each given both applications."""
    round_, officer = make_round()
    first, second = sent_application(round_, "Start a timebank"), sent_application(round_, "A lunch club")
    close(round_)
    for application in (first, second):
        assessment.screen(officer, application, eligible=True)
    need = assessment.add_criterion(officer, round_, name="Need")
    plan = assessment.add_criterion(officer, round_, name="Plan")
    members = [panel_member(officer, round_) for _ in range(3)]
    assessment.assign_everything(officer, round_)
    return SimpleNamespace(
        round=round_, officer=officer, first=first, second=second, need=need, plan=plan, members=members
    )


def assignment(user, application):
    return Assignment.objects.get(member__user=user, application=application)


def send_review(user, application, need, plan, *, scores=(3, 3), recommendation="fund"):
    given = assignment(user, application)
    if not given.declaration:
        given = assessment.declare(user, given, conflict=False)
    marks = assessment.Marks(
        scores={need.pk: (scores[0], ""), plan.pk: (scores[1], "")}, recommendation=recommendation
    )
    return assessment.save_review(user, given, marks, send=True)


# The conflict rules


def test_a_conflicted_member_is_left_out_of_the_average_and_cannot_score(panel):
    one, two, conflicted = panel.members
    send_review(one, panel.first, panel.need, panel.plan, scores=(5, 5))
    send_review(two, panel.first, panel.need, panel.plan, scores=(1, 2), recommendation="do_not_fund")
    declared = assessment.declare(
        conflicted, assignment(conflicted, panel.first), conflict=True, note="I chair the group."
    )

    with pytest.raises(NotVisible):
        assessment.save_review(
            conflicted, declared, assessment.Marks(scores={panel.need.pk: (0, "")}), send=False
        )
    assert not Review.objects.filter(assignment=declared).exists()
    assert assessing.average_of(panel.first) == Decimal("3.3")  # (5 + 5 + 1 + 2) / 4
    moderation = assessing.moderation_of(panel.first)
    assert moderation.reviews == 2 and moderation.waiting == 0
    assert [(c.lowest, c.highest, c.disagree) for c in moderation.criteria] == [(1, 5, True), (2, 5, True)]
    assert [a.conflict_note for a in moderation.conflicts] == ["I chair the group."]
    assert dict(moderation.recommendations)["Fund"] == 1


def test_a_conflicted_member_sees_neither_scores_nor_discussion(panel):
    one, _, conflicted = panel.members
    send_review(one, panel.first, panel.need, panel.plan)
    assessment.add_comment(panel.officer, panel.first, text="Is the broker's pay right?")
    assessment.declare(
        conflicted, assignment(conflicted, panel.first), conflict=True, note="My sister runs it."
    )
    assert not assessing.may_see_application(conflicted, panel.first)
    assert not assessing.may_see_assessment(conflicted, panel.first)
    assert assessing.discussion_of(conflicted, panel.first) == []
    with pytest.raises(NotVisible):
        assessment.add_comment(conflicted, panel.first, text="I think it is great.")
    assert assessing.may_see_assessment(one, panel.first)
    assert assessing.may_see_assessment(panel.officer, panel.first)
    assert not assessing.may_see_assessment(panel.first.applicant, panel.first)


def test_an_unsent_review_does_not_count(panel):
    one, two, _ = panel.members
    send_review(one, panel.first, panel.need, panel.plan, scores=(4, 4))
    draft = assessment.declare(two, assignment(two, panel.first), conflict=False)
    assessment.save_review(two, draft, assessment.Marks(scores={panel.need.pk: (0, "")}), send=False)
    assert assessing.average_of(panel.first) == Decimal("4.0")
    assert assessing.moderation_of(panel.first).waiting == 2


def test_declaring_is_once(panel):
    one = panel.members[0]
    declared = assessment.declare(one, assignment(one, panel.first), conflict=False)
    with pytest.raises(Refusal, match="declared on this application already"):
        assessment.declare(one, declared, conflict=True, note="Changed my mind.")
    declared.refresh_from_db()
    assert declared.declaration == Assignment.Declaration.NONE and declared.conflict_note == ""


def test_a_conflict_needs_its_note(panel):
    one = panel.members[0]
    with pytest.raises(Refusal) as refused:
        assessment.declare(one, assignment(one, panel.first), conflict=True, note=" ")
    assert "conflict_note" in refused.value.message_dict
    assert assignment(one, panel.first).declaration == ""


def test_someone_else_cannot_declare_for_a_member(panel):
    one, two, _ = panel.members
    with pytest.raises(NotVisible):
        assessment.declare(two, assignment(one, panel.first), conflict=False)


# Scores


def test_a_score_out_of_range_or_for_another_rounds_criterion_is_refused_and_saves_nothing(panel):
    one = panel.members[0]
    given = assessment.declare(one, assignment(one, panel.first), conflict=False)
    with pytest.raises(Refusal) as refused:
        assessment.save_review(one, given, assessment.Marks(scores={panel.need.pk: (6, "")}), send=False)
    assert f"score_{panel.need.pk}" in refused.value.message_dict
    other_round, other_officer = make_round(name="Other")
    elsewhere = assessment.add_criterion(other_officer, other_round, name="Need")
    with pytest.raises(Refusal) as refused:
        assessment.save_review(one, given, assessment.Marks(scores={elsewhere.pk: (3, "")}), send=False)
    assert "scores" in refused.value.message_dict
    assert not Score.objects.exists() and not Review.objects.exists()


def test_sending_needs_every_score_and_a_recommendation_then_cannot_change(panel):
    one = panel.members[0]
    given = assessment.declare(one, assignment(one, panel.first), conflict=False)
    with pytest.raises(Refusal) as refused:
        assessment.save_review(one, given, assessment.Marks(scores={panel.need.pk: (3, "")}), send=True)
    assert {f"score_{panel.plan.pk}", "recommendation"} <= set(refused.value.message_dict)
    assert not Review.objects.exists()
    send_review(one, panel.first, panel.need, panel.plan)
    with pytest.raises(Refusal, match="sent this review already"):
        assessment.save_review(
            one, given, assessment.Marks(scores={panel.need.pk: (0, "")}, recommendation="fund"), send=True
        )
    assert Score.objects.get(criterion=panel.need).score == 3


def test_criteria_are_fixed_once_a_review_is_sent(panel):
    extra = assessment.add_criterion(panel.officer, panel.round, name="Value for money")
    assessment.remove_criterion(panel.officer, extra)  # allowed while no review is sent
    send_review(panel.members[0], panel.first, panel.need, panel.plan)
    with pytest.raises(Refusal, match="criteria cannot change"):
        assessment.add_criterion(panel.officer, panel.round, name="Reach")
    with pytest.raises(Refusal, match="criteria cannot change"):
        assessment.remove_criterion(panel.officer, panel.need)
    assert panel.round.criteria.count() == 2


# The panel


def test_the_panel_is_made_from_existing_accounts_once_each(panel):
    with pytest.raises(Refusal) as refused:
        assessment.add_panel_member(panel.officer, panel.round, email="nobody@example.org")
    assert "email" in refused.value.message_dict
    with pytest.raises(Refusal) as refused:
        assessment.add_panel_member(panel.officer, panel.round, email=panel.members[0].email.upper())
    assert "email" in refused.value.message_dict


def test_a_member_who_has_declared_stays_on_the_panel(panel):
    one, two, _ = panel.members
    assessment.declare(one, assignment(one, panel.first), conflict=False)
    with pytest.raises(Refusal, match="stay on the panel"):
        assessment.remove_panel_member(panel.officer, one.grant_panels.get())
    assessment.remove_panel_member(panel.officer, two.grant_panels.get())
    assert not Assignment.objects.filter(member__user=two).exists()


def test_a_panel_member_cannot_act_as_a_fund_officer(panel):
    one = panel.members[0]
    unscreened = Application.objects.filter(pk=panel.second.pk)
    with pytest.raises(NotPermitted):
        assessment.screen(one, unscreened.get(), eligible=False, note="No.")
    with pytest.raises(NotPermitted):
        assessment.decide(one, panel.first, "decline", reason="No.")
    with pytest.raises(NotPermitted):
        assessment.assign(one, panel.first, list(panel.round.panel.all()))
    with pytest.raises(NotPermitted):
        assessment.add_criterion(one, panel.round, name="Mine")
    assert not Decision.objects.exists()


# The decision


def test_an_award_past_the_rounds_budget_is_refused(panel):
    Round.objects.filter(pk=panel.round.pk).update(budget_pence=500_000)  # the largest award, no more
    dates = {"planned_start": panel.round.closes_on, "planned_end": panel.round.closes_on}
    assessment.decide(
        panel.officer, panel.first, "award", award=assessment.Award(amount_pence=400_000, **dates)
    )
    with pytest.raises(Refusal) as refused:
        assessment.decide(
            panel.officer, panel.second, "award", award=assessment.Award(amount_pence=200_000, **dates)
        )
    assert refused.value.message_dict == {"amount": ["The round has £1,000 left to award."]}
    assert Grant.objects.count() == 1
    panel.second.refresh_from_db()
    assert panel.second.status == Application.Status.IN_ASSESSMENT


def test_a_decision_is_made_once(panel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assessment.decide(panel.officer, panel.first, "decline", reason="Others met the criteria better.")
    with pytest.raises(Refusal, match="only on an application being assessed"):
        assessment.decide(panel.officer, panel.first, "decline", reason="Again.")
    assert Decision.objects.count() == 1
    told = [m for m in mail.outbox if m.to == [panel.first.contact_email]]
    assert len(told) == 1 and "Others met the criteria better." in told[0].body


def test_reviews_close_once_decided(panel):
    one = panel.members[0]
    given = assessment.declare(one, assignment(one, panel.first), conflict=False)
    assessment.decide(panel.officer, panel.first, "decline", reason="Others met the criteria better.")
    with pytest.raises(Refusal, match="reviews are closed"):
        assessment.save_review(one, given, assessment.Marks(scores={}), send=False)


def test_screening_out_emails_the_applicant_the_reason(django_capture_on_commit_callbacks):
    round_, officer = make_round()
    application = sent_application(round_)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.screen(officer, application, eligible=False, note="The group is based in Cheshire.")
    assert len(mail.outbox) == 1 and "The group is based in Cheshire." in mail.outbox[0].body


# Through the pages


def panel_url(name, application):
    return reverse(f"grants:{name}", args=[application.pk])


PANEL_PAGES = ["panel_application", "panel_declare", "panel_review", "assess_discussion"]


def test_a_member_declares_a_conflict_on_the_page_and_then_sees_nothing_of_it(client, panel):
    one = panel.members[0]
    sign_in(client, one)
    assert client.get(panel_url("panel_application", panel.first)).headers["Location"] == panel_url(
        "panel_declare", panel.first
    )
    assert client.get(panel_url("assess_discussion", panel.first)).status_code == 404  # undeclared
    form = client.get(panel_url("panel_declare", panel.first)).content.decode()
    assert panel.first.contact_email not in form and "What will you do?" not in form
    refused = client.post(panel_url("panel_declare", panel.first), {"declaration": "conflict"})
    assert "Say what the conflict is" in refused.content.decode()
    assert assignment(one, panel.first).declaration == ""
    declared = client.post(
        panel_url("panel_declare", panel.first), {"declaration": "conflict", "conflict_note": "I chair it."}
    )
    assert declared.headers["Location"] == reverse("grants:panel")
    for name in PANEL_PAGES:
        assert client.get(panel_url(name, panel.first)).status_code == 404, name
    again = client.post(panel_url("panel_declare", panel.first), {"declaration": "none"})
    scored = client.post(
        panel_url("panel_review", panel.first),
        {
            f"score_{panel.need.pk}": "5",
            f"score_{panel.plan.pk}": "5",
            "recommendation": "fund",
            "send": "yes",
        },
    )
    commented = client.post(panel_url("assess_discussion", panel.first), {"text": "Fund it."})
    assert again.status_code == scored.status_code == commented.status_code == 404
    assert assignment(one, panel.first).is_conflicted
    assert not Review.objects.exists() and not DiscussionComment.objects.exists()
    listing = client.get(reverse("grants:panel")).content.decode()
    assert "Conflict declared" in listing and panel_url("panel_application", panel.first) not in listing


def test_a_member_without_a_conflict_reads_scores_and_sends(client, panel):
    one = panel.members[0]
    sign_in(client, one)
    client.post(panel_url("panel_declare", panel.first), {"declaration": "none"})
    page = client.get(panel_url("panel_application", panel.first)).content.decode()
    assert "We will start a timebank in the parish." in page
    # The contact's name, email and phone are the fund's, not the panel's: a resident on a panel
    # scores the project, and has no need to know how to reach the person who wrote it.
    assert panel.first.contact_email not in page and panel.first.contact_name not in page
    bad = client.post(
        panel_url("panel_review", panel.first),
        {
            f"score_{panel.need.pk}": "7",
            f"score_{panel.plan.pk}": "x",
            "recommendation": "maybe",
            "send": "yes",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "<title>Error:" in body
    assert "Score “Need” from 0 to 5" in body and "Choose fund, fund with conditions, or do not fund" in body
    assert not Review.objects.exists()
    half = client.post(panel_url("panel_review", panel.first), {f"score_{panel.need.pk}": "4", "send": "yes"})
    assert "Score “Plan” before you send the review." in half.content.decode()
    assert not Review.objects.exists()
    draft = client.post(panel_url("panel_review", panel.first), {f"score_{panel.need.pk}": "4", "send": "no"})
    assert draft.status_code == 302 and Review.objects.get().submitted_at is None
    sent = client.post(
        panel_url("panel_review", panel.first),
        {
            f"score_{panel.need.pk}": "4",
            f"comment_{panel.need.pk}": "Plenty of older people alone.",
            f"score_{panel.plan.pk}": "2",
            "recommendation": "fund_with_conditions",
            "comment": "Ask about the broker.",
            "send": "yes",
        },
    )
    assert sent.status_code == 302 and Review.objects.get().submitted_at is not None
    readonly = client.get(panel_url("panel_review", panel.first)).content.decode()
    assert "It cannot change." in readonly and "Plenty of older people alone." in readonly
    later = client.post(
        panel_url("panel_review", panel.first),
        {
            f"score_{panel.need.pk}": "0",
            f"score_{panel.plan.pk}": "0",
            "recommendation": "fund",
            "send": "yes",
        },
    )
    assert later.status_code == 200 and Score.objects.get(criterion=panel.need).score == 4
    client.post(panel_url("assess_discussion", panel.first), {"text": "The broker's hours look low."})
    discussion = client.get(panel_url("assess_discussion", panel.first)).content.decode()
    assert "The broker&#x27;s hours look low." in discussion


def test_others_get_404_on_every_panel_page(client, panel):
    other_round, other_officer = make_round(name="Other")
    elsewhere = panel_member(other_officer, other_round)  # on another round's panel
    unassigned = panel_member(panel.officer, panel.round)  # on this panel, given nothing
    applicant = panel.first.applicant
    for user in (elsewhere, unassigned):
        sign_in(client, user)
        for name in PANEL_PAGES:
            assert client.get(panel_url(name, panel.first)).status_code == 404, (user, name)
        assert client.get(reverse("grants:panel_application", args=[999_999])).status_code == 404
        for name in ("panel_application", "panel_declare", "panel_review"):  # past any id: not a 500
            assert client.get(reverse(f"grants:{name}", args=[10**20])).status_code == 404
    sign_in(client, applicant)
    for name in PANEL_PAGES:
        assert_denied(client.get(panel_url(name, panel.first)))
    client.logout()
    for name in PANEL_PAGES:
        assert_denied(client.get(panel_url(name, panel.first)))


def test_a_panel_member_proves_a_second_factor(client, panel):
    sign_in(client, panel.members[0], two_factor=False)
    response = client.get(reverse("grants:panel"))
    assert response.status_code == 302 and "/account/" in response.headers["Location"]


def test_a_panel_member_cannot_use_the_officers_pages(client, panel):
    one = panel.members[0]
    sign_in(client, one)
    rounds = ["assess_round", "moderation", "assess_add_criterion", "assess_add_member"]
    for name in rounds:
        assert_denied(client.get(reverse(f"grants:{name}", args=[panel.round.pk])))
    for name in ["assess_screen", "assess_assign", "decide"]:
        assert_denied(client.get(panel_url(name, panel.first)))
    screened = client.post(panel_url("assess_screen", panel.second), {"eligible": "no", "note": "No."})
    decided = client.post(panel_url("decide", panel.first), {"outcome": "decline", "reason": "No."})
    everything = client.post(reverse("grants:assess_assign_everything", args=[panel.round.pk]))
    assert_denied(screened)
    assert_denied(decided)
    assert_denied(everything)
    assert not Decision.objects.exists()


def test_the_officer_moderates_and_awards_on_the_pages(client, panel):
    one, two, three = panel.members
    send_review(one, panel.first, panel.need, panel.plan, scores=(5, 4))
    send_review(two, panel.first, panel.need, panel.plan, scores=(1, 4), recommendation="do_not_fund")
    assessment.declare(three, assignment(three, panel.first), conflict=True, note="I chair the group.")
    sign_in(client, panel.officer)
    funds = client.get(reverse("grants:funds")).content.decode()
    assert reverse("grants:moderation", args=[panel.round.pk]) in funds  # the round has closed
    assert client.get(reverse("grants:assess_round", args=[panel.round.pk])).status_code == 200
    page = client.get(reverse("grants:moderation", args=[panel.round.pk])).content.decode()
    assert "Mean 3.0, from 1 to 5" in page and "The panel disagree: discuss" in page
    assert "I chair the group." in page and "Mean 3.5 out of 5" in page
    url = panel_url("decide", panel.first)
    assert client.get(url).status_code == 200
    missing = client.post(url, {"outcome": "award", "amount": "abc"})
    body = missing.content.decode()
    assert "Enter the amount awarded in pounds" in body and "Enter the planned start" in body
    too_much = client.post(
        url,
        {"outcome": "award", "amount": "6000", "planned_start": "2027-01-01", "planned_end": "2027-12-31"},
    )
    assert "The amount awarded must be from £250 to £5,000." in too_much.content.decode()
    assert not Decision.objects.exists()
    awarded = client.post(
        url,
        {
            "outcome": "award",
            "amount": "900",
            "conditions": "Send receipts for the software.",
            "planned_start": "2027-01-01",
            "planned_end": "2027-12-31",
        },
    )
    assert awarded.status_code == 302
    grant = Grant.objects.get()
    assert grant.amount_pence == 90_000 and grant.conditions == "Send receipts for the software."
    history = client.get(reverse("grants:application", args=[panel.first.pk])).content.decode()
    assert "Award</strong>: £900" in history and panel.officer.full_name in history
    assert client.post(url, {"outcome": "decline", "reason": "Again."}).status_code == 200
    assert Decision.objects.count() == 1


def test_the_officer_sets_up_the_panel_on_the_pages(client):
    round_, officer = make_round()
    application = sent_application(round_)
    close(round_)
    member = UserFactory(role=Role.RESIDENT)
    sign_in(client, officer)
    client.post(reverse("grants:assess_add_criterion", args=[round_.pk]), {"name": "Need"})
    unknown = client.post(reverse("grants:assess_add_member", args=[round_.pk]), {"email": "no@example.org"})
    assert "No one has an account with this email address" in unknown.content.decode()
    client.post(reverse("grants:assess_add_member", args=[round_.pk]), {"email": member.email})
    unsure = client.post(panel_url("assess_screen", application), {"eligible": "no"})
    assert "Enter why it is not eligible" in unsure.content.decode()
    client.post(panel_url("assess_screen", application), {"eligible": "yes"})
    application.refresh_from_db()
    assert application.status == Application.Status.IN_ASSESSMENT
    wrong = client.post(panel_url("assess_assign", application), {"members": ["999999"]})
    assert "Choose members of this round" in wrong.content.decode()
    client.post(panel_url("assess_assign", application), {"members": [str(member.grant_panels.get().pk)]})
    assert Assignment.objects.get().member.user == member
    assert round_.criteria.get().name == "Need"


def test_nothing_is_scored_before_the_round_has_criteria():
    round_, officer = make_round()
    application = sent_application(round_)
    assessment.screen(officer, application, eligible=True)
    member = panel_member(officer, round_)
    assessment.assign(officer, application, list(round_.panel.all()))
    given = assessment.declare(member, assignment(member, application), conflict=False)
    with pytest.raises(Refusal, match="not set the criteria yet"):
        assessment.save_review(member, given, assessment.Marks(scores={}, recommendation="fund"), send=True)
    assert not Review.objects.exists()


# Nobody acts on their own application


def test_an_officer_who_applied_stands_aside_from_screening_deciding_and_paying_it():
    """Any account may apply, fund officers included: the one who applied may not screen, assess,
    decide or pay it, nor read the panel's scores and discussion on it; a colleague does."""
    from datetime import date

    from grants import award_services
    from grants.tests.award_factories import second_officer

    round_, officer = make_round()
    colleague = second_officer(round_.fund)
    own = start_group_application(round_, applicant=officer)
    services.save_answers(officer, own, complete_answers(round_))
    services.submit_application(officer, own)
    close(round_)
    with pytest.raises(NotPermitted):
        assessment.screen(officer, own, eligible=True)
    assessment.screen(colleague, own, eligible=True)
    member = assessment.add_panel_member(colleague, round_, email=officer.email)  # on its panel too
    with pytest.raises(Refusal) as refused:
        assessment.assign(colleague, own, [member])
    assert "their own application" in str(refused.value)
    assessment.add_criterion(colleague, round_, name="Need")
    assert assessment.assign_everything(colleague, round_) == 0  # nobody else on the panel: none made
    assert not Assignment.objects.filter(application=own).exists()
    assert not assessing.may_see_assessment(officer, own)
    award = assessment.Award(
        amount_pence=50_000, planned_start=date(2027, 3, 1), planned_end=date(2027, 9, 1)
    )
    with pytest.raises(NotPermitted):
        assessment.decide(officer, own, "award", award=award)
    assert not Decision.objects.filter(application=own).exists()
    assessment.decide(colleague, own, "award", award=award)
    grant = Grant.objects.get(application=own)
    with pytest.raises(NotPermitted):
        award_services.send_offer(officer, grant)
    award_services.send_offer(colleague, grant)
    assert Application.objects.get(pk=own.pk).status == Application.Status.AWARDED
