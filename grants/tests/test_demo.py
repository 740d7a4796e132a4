"""The demo: the council's "Innovate and Cultivate" fund with a closed round and an open one, its
fund officer with an authenticator, and applications in each state: one from the parish council
to start a timebank, awarded, accepted, paid in part and with its monitoring return; another
awarded and not yet offered; the closed round's panel with its reviews and a conflict declared."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.testing import sign_in
from grants.assessment_selectors import moderation_of
from grants.models import Application, Assignment, Fund


@pytest.mark.django_db
def test_the_demo_fund_has_rounds_and_applications_in_every_state(client):
    call_command("seed_demo", residents=30, verbosity=0)
    fund = Fund.objects.get(name="Innovate and Cultivate")
    assert fund.owner.name == "Trafford Council (demo)" and fund.is_demo
    closed, opened = fund.rounds.get(name="Spring round"), fund.rounds.get(name="Autumn round")
    assert closed.has_closed() and opened.is_open()
    timebank = Application.objects.get(title="Start a Carrington Moss timebank")
    assert timebank.round == closed and timebank.status == "awarded"
    assert (
        timebank.organisation.name
        == timebank.organisation.owner.name
        == "Carrington Moss Parish Council (demo)"
    )
    assert set(Application.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "more_information",
        "screened_out",
        "in_assessment",
        "declined",
        "awarded",
    }
    assert set(opened.applications.values_list("status", flat=True)) == {"draft", "submitted"}
    lunch = Application.objects.get(title="Stretford lunch club")
    moderation = moderation_of(lunch)
    assert moderation.reviews == 2 and moderation.disagree and len(moderation.conflicts) == 1
    panel = User.objects.get(email="panel@demo.closeknit.example")
    waiting = Assignment.objects.filter(
        member__user=panel, declaration="", application__status="in_assessment"
    )
    assert waiting.count() == 2
    fridge = Application.objects.get(title="Sale community fridge")
    assert fridge.status == "awarded"
    assert fridge.grant.offer_sent_at is None and fridge.grant.accepted_at is None

    officer = User.objects.get(email="grants@demo.closeknit.example")
    sign_in(client, officer)
    page = client.get(reverse("grants:manage_round", args=[closed.pk])).content.decode()
    assert "Start a Carrington Moss timebank" in page and "£4,200" in page
    assert client.get(reverse("grants:application", args=[timebank.pk])).status_code == 200
    moderation = client.get(reverse("grants:moderation", args=[closed.pk])).content.decode()
    assert "The panel disagree: discuss" in moderation and "I volunteer at the church hall" in moderation

    sign_in(client, panel)
    listing = client.get(reverse("grants:panel")).content.decode()
    assert "Partington repair café" in listing and "Declare first" in listing

    # After the award: two tranches (the first paid, set up and approved by two officers; the
    # second waiting for approval), one return sent and the next due, the listing linked.
    grant = timebank.grant
    assert grant.accepted_at and grant.masked_account == "**-**-62 ******48"
    first, second = grant.payments.order_by("position")
    assert (
        first.paid_on
        and first.set_up_by == officer
        and first.approved_by.email == "grants2@demo.closeknit.example"
    )
    assert second.approved_at is None and second.set_up_by == first.approved_by
    assert [r.submitted_at is not None for r in grant.returns.order_by("due_on")][:2] == [True, False]
    assert grant.returns.order_by("due_on")[1].due_on > timezone.localdate()
    # Accepted when the project began, six months ago: the first return, sent, was due about now.
    assert abs((grant.returns.order_by("due_on")[0].due_on - timezone.localdate()).days) <= 7
    assert (timezone.now() - grant.accepted_at).days >= 180
    # The schedule accepting then made, the final return a month after the planned end.
    final = grant.returns.order_by("due_on").last()
    assert final.is_final and final.due_on > grant.planned_end
    assert grant.listing.name == "Carrington Moss Timebank (demo)"
    sign_in(client, officer)
    payments = client.get(reverse("grants:payments", args=[grant.pk])).content.decode()
    assert "Approve payment 2" in payments and "73152048" not in payments
    listing = client.get(reverse("directory:listing", args=[grant.listing.pk])).content.decode()
    assert "Funded by Innovate and Cultivate" in listing

    sign_in(client, User.objects.get(email="parish@demo.closeknit.example"))
    grant_page = client.get(reverse("grants:grant", args=[grant.pk])).content.decode()
    assert "**-**-62 ******48" in grant_page and "fill it in" in grant_page

    sign_in(client, User.objects.get(email="resident1@demo.closeknit.example"))
    mine = client.get(reverse("grants:home")).content.decode()
    assert "Knit and natter in the library" in mine and "Autumn round" in mine
