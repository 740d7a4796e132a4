"""Spending time credits: choose, confirm, then a short code to show at the venue; the venue checks
the code and marks it used; the volunteer may undo within ten minutes unless it is used. The
ledger stays the only writer of balances: an undo is a reversing entry, never a delete."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from common.testing import assert_denied, sign_in
from timebank import ledger, services
from timebank.models import Account, Entry, Redemption

CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$")


@pytest.fixture
def scheme(db):
    council, leisure_trust = OrganisationFactory(), OrganisationFactory()
    scheme = services.create_credit_scheme("Trafford Time Credits", council)
    pool = services.add_partner(scheme, "Sale Leisure Centre", [("A swim", 1)], organisation=leisure_trust)
    cinema = services.add_partner(scheme, "Altrincham cinema", [("A film", 2)], organisation=council)
    awarder = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    volunteer = UserFactory(email="vol@example.org")
    services.award_credits(awarder, scheme, volunteer, "3", "Park clean-up")
    venue_editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=leisure_trust)
    return scheme, pool, cinema, volunteer, venue_editor


def credits_of(scheme, user):
    return Account.objects.get(ledger=scheme.ledger, holder=user).balance


def test_spending_gives_a_short_unambiguous_code_and_the_time(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    assert CODE.match(spent.code) and spent.partner == pool and spent.credits == 1
    assert spent.spent_at == spent.entry.recorded_at and credits_of(scheme, volunteer) == 2
    again = services.redeem(volunteer, pool.offers.get())
    assert again.code != spent.code and ledger.audit() == []


def test_the_volunteer_undoes_within_ten_minutes_with_a_reversing_entry(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    entries = Entry.objects.count()
    undone = services.undo_redemption(volunteer, spent)
    assert undone.undone_at is not None and credits_of(scheme, volunteer) == 3
    assert Entry.objects.count() == entries + 1  # the spending stays; its reversal is added
    assert Entry.objects.get(reverses=spent.entry).kind == Entry.Kind.REVERSAL
    assert AuditEvent.objects.filter(action="update", target_id=str(spent.pk), actor=volunteer).exists()
    with pytest.raises(ValidationError, match="already been undone"):
        services.undo_redemption(volunteer, spent)
    with pytest.raises(ValidationError, match="undid this"):
        services.mark_code_used(venue_editor, pool, spent.code)
    assert credits_of(scheme, volunteer) == 3 and ledger.audit() == []


def test_no_undo_after_ten_minutes(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    Redemption.objects.filter(pk=spent.pk).update(spent_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(ValidationError, match="only within 10 minutes"):
        services.undo_redemption(volunteer, spent)
    assert credits_of(scheme, volunteer) == 2 and not Entry.objects.filter(kind="reversal").exists()


def test_no_undo_once_the_venue_has_used_the_code(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    used = services.mark_code_used(venue_editor, pool, spent.code.lower())
    assert used.used_at is not None and used.used_by == venue_editor
    with pytest.raises(ValidationError, match="marked this code used"):
        services.undo_redemption(volunteer, spent)
    with pytest.raises(ValidationError, match="already used"):
        services.mark_code_used(venue_editor, pool, spent.code)
    assert credits_of(scheme, volunteer) == 2


def test_only_the_volunteer_undoes(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    for someone in (UserFactory(), venue_editor):
        with pytest.raises(NotVisible):
            services.undo_redemption(someone, spent)
    assert Redemption.objects.get().undone_at is None and credits_of(scheme, volunteer) == 2


def test_only_the_venues_people_check_or_use_its_codes_and_another_venues_code_is_unknown(scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    at_pool = services.redeem(volunteer, pool.offers.get())
    at_cinema = services.redeem(volunteer, cinema.offers.get())
    for someone in (
        volunteer,
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()),
    ):
        with pytest.raises(NotPermitted):
            services.mark_code_used(someone, pool, at_pool.code)
    with pytest.raises(ValidationError, match="is not a code for Sale Leisure Centre") as refused:
        services.mark_code_used(venue_editor, pool, at_cinema.code)
    assert list(refused.value.message_dict) == ["code"]
    assert not Redemption.objects.filter(used_at__isnull=False).exists()


def test_spending_takes_two_steps_on_the_pages_then_shows_the_code_and_undoes(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    sign_in(client, volunteer)
    credits_page = client.get(reverse("timebank:credits", args=[scheme.slug])).content.decode()
    offer = pool.offers.get()
    spend = reverse("timebank:redeem", args=[offer.pk])
    assert f'href="{spend}"' in credits_page
    confirm = client.get(spend).content.decode()
    assert "Spend 1 credit on A swim?" in confirm and "3 credits" in confirm
    assert not Redemption.objects.exists() and credits_of(scheme, volunteer) == 3  # choosing spends nothing
    response = client.post(spend, follow=True)
    spent = Redemption.objects.get()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("timebank:redemption", args=[spent.pk])
    assert spent.code in page and f"{timezone.localtime(spent.spent_at):%H:%M}" in page
    assert "Undo and get my credits back" in page and credits_of(scheme, volunteer) == 2
    page = client.post(reverse("timebank:undo_redemption", args=[spent.pk]), follow=True).content.decode()
    assert "Undone: your 1 credit are back." in page and "no longer valid" in page
    assert credits_of(scheme, volunteer) == 3
    history = client.get(reverse("timebank:credits", args=[scheme.slug])).content.decode()
    assert "Park clean-up (3 hours)" in history and f"Code {spent.code} (undone)" in history
    assert "Undone: A swim at Sale Leisure Centre" in history


def test_spending_more_than_you_have_is_refused_on_the_confirm_page(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    services.add_partner(scheme, "Trafford football club", [("A season ticket", 9)])
    offer = scheme.partners.get(name="Trafford football club").offers.get()
    sign_in(client, volunteer)
    response = client.post(reverse("timebank:redeem", args=[offer.pk]))
    assert response.status_code == 200
    assert "A season ticket takes 9 credits; you have 3." in response.content.decode()
    assert not Redemption.objects.exists() and credits_of(scheme, volunteer) == 3


def test_a_redemption_page_is_the_volunteers_alone(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    page, undo = (reverse(f"timebank:{n}", args=[spent.pk]) for n in ("redemption", "undo_redemption"))
    assert_denied(client.get(page))
    assert_denied(client.post(undo))
    for someone in (UserFactory(), venue_editor):
        sign_in(client, someone)
        assert client.get(page).status_code == 404 and client.post(undo).status_code == 404
    assert Redemption.objects.get().undone_at is None


def test_the_venue_checks_a_code_on_its_page_and_marks_it_used(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    check = reverse("timebank:check_code", args=[pool.pk])
    sign_in(client, venue_editor)
    assert check in client.get(reverse("timebank:credits", args=[scheme.slug])).content.decode()
    typed = f"{spent.code[:3].lower()} {spent.code[3:]}"
    page = client.get(check, {"code": typed}).content.decode()
    assert "Valid" in page and "A swim" in page and f"Mark {spent.code} as used" in page
    assert volunteer.full_name not in page  # the venue checks a code, not a person
    assert AuditEvent.objects.filter(action="view", target_id=str(spent.pk), actor=venue_editor).exists()
    page = client.get(check, {"code": "ZZZZZZ"}).content.decode()
    assert "ZZZZZZ is not a code for Sale Leisure Centre" in page and "There is a problem" in page
    page = client.post(
        reverse("timebank:use_code", args=[pool.pk]), {"code": spent.code}, follow=True
    ).content.decode()
    assert f"Code {spent.code} is marked used" in page and "Already used at" in page
    page = client.post(
        reverse("timebank:use_code", args=[pool.pk]), {"code": spent.code}, follow=True
    ).content.decode()
    assert "This code was already used" in page
    assert Redemption.objects.get().used_by == venue_editor


def test_the_check_page_is_refused_to_anyone_not_running_the_venue(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    check = reverse("timebank:check_code", args=[pool.pk])
    use = reverse("timebank:use_code", args=[pool.pk])
    assert_denied(client.get(check, {"code": spent.code}))
    assert_denied(client.post(use, {"code": spent.code}))
    others = (
        volunteer,
        UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()),
        UserFactory(role=Role.BROKER, organisation=OrganisationFactory()),
    )
    for someone in others:
        sign_in(client, someone)
        assert client.get(check, {"code": spent.code}).status_code == 403
        assert client.post(use, {"code": spent.code}).status_code == 403
    assert Redemption.objects.get().used_at is None


def test_subject_access_lists_the_credits_spent_with_their_codes(scheme):
    from timebank.privacy import what_we_hold

    scheme, pool, cinema, volunteer, venue_editor = scheme
    spent = services.redeem(volunteer, pool.offers.get())
    sections = {s["key"]: s for s in what_we_hold(None, user=volunteer, contacts=[])}
    rows = sections["time_credit_redemptions"]["records"]
    assert [(r["code"], r["where"], r["credits"]) for r in rows] == [(spent.code, "Sale Leisure Centre", 1)]


def test_a_venues_editor_finds_the_check_from_the_navigation(client, scheme):
    scheme, pool, cinema, volunteer, venue_editor = scheme
    sign_in(client, venue_editor)
    labels = [item["label"] for item in client.get("/").context["navigation"]]
    assert "Timebanks" in labels
    listing = client.get(reverse("timebank:list")).content.decode()
    assert reverse("timebank:credits", args=[scheme.slug]) in listing
