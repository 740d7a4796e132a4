"""Time credits: awarded for volunteering, spent at partner venues, on their own ledger with the
same rules as hours."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from timebank import ledger, services
from timebank.models import Account, Entry


def make_scheme():
    council = OrganisationFactory(name="Trafford Council")
    scheme = services.create_credit_scheme("Trafford Time Credits", council)
    leisure = services.add_partner(scheme, "Sale Leisure Centre", [("A swim", 1), ("A month of gym", 6)])
    awarder = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    return scheme, leisure, awarder


def credits_of(scheme, user) -> Decimal:
    return Account.objects.get(ledger=scheme.ledger, holder=user).balance


def test_volunteer_earns_a_credit_an_hour_and_spends_it_at_a_partner(db):
    scheme, leisure, awarder = make_scheme()
    volunteer = UserFactory()
    services.award_credits(awarder, scheme, volunteer, "3.5", "Litter pick on the Bridgewater Canal")
    assert credits_of(scheme, volunteer) == 3  # whole hours
    services.redeem(volunteer, leisure.offers.get(what="A swim"))
    assert credits_of(scheme, volunteer) == 2
    leisure.account.refresh_from_db()
    assert leisure.account.balance == 1 and ledger.audit() == []


def test_a_member_cannot_spend_credits_they_do_not_have(db):
    scheme, leisure, awarder = make_scheme()
    volunteer = UserFactory()
    services.award_credits(awarder, scheme, volunteer, "2", "Lunch club")
    with pytest.raises(ValidationError, match="A month of gym takes 6 credits; you have 2"):
        services.redeem(volunteer, leisure.offers.get(what="A month of gym"))
    assert credits_of(scheme, volunteer) == 2 and Entry.objects.filter(kind="redemption").count() == 0


@pytest.mark.parametrize(
    ("hours", "message", "field"),
    [
        ("-2", "more than zero", "hours"),
        ("0.5", "at least 1 hour", "hours"),
        ("x", "must be a number", "hours"),
    ],
)
def test_bad_awards_are_refused(db, hours, message, field):
    scheme, leisure, awarder = make_scheme()
    with pytest.raises(ValidationError) as refused:
        services.award_credits(awarder, scheme, UserFactory(), hours, "Litter pick")
    assert message in refused.value.message_dict[field][0]
    assert not Entry.objects.exists()


def test_only_taking_part_organisations_award(db):
    scheme, leisure, awarder = make_scheme()
    stranger = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    with pytest.raises(ValidationError, match="Only organisations taking part"):
        services.award_credits(stranger, scheme, UserFactory(), "2", "x")
    assert not Entry.objects.exists()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 2), st.integers(1, 12)),
        st.tuples(st.just("redeem"), st.integers(0, 2), st.sampled_from([0, 1])),
        st.tuples(st.just("correct"), st.integers(0, 30), st.just(0)),
    ),
    max_size=25,
)


class CreditInvariants(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(operations)
    def test_invariants_hold_for_any_awards_redemptions_and_corrections(self, sequence):
        scheme, leisure, awarder = make_scheme()
        offers = list(leisure.offers.order_by("credits"))
        people = [UserFactory() for _ in range(3)]
        entries = []
        for kind, who, n in sequence:
            try:
                if kind == "award":
                    entries.append(services.award_credits(awarder, scheme, people[who], Decimal(n) / 2, "x"))
                elif kind == "redeem":
                    entries.append(services.redeem(people[who], offers[n]).entry)
                elif entries:
                    ledger.reverse_entry(entries[who % len(entries)], by=awarder)
            except (ValidationError, ledger.LedgerError):
                pass  # refused: nothing may have changed
            assert ledger.audit() == []
            for account in scheme.ledger.accounts.filter(kind="member"):
                corrected = Entry.objects.filter(kind="reversal", postings__account=account).exists()
                assert corrected or account.balance >= 0
        assert sum(a.balance for a in scheme.ledger.accounts.all()) == 0


def test_award_and_spend_through_the_pages(client, db):
    from django.urls import reverse

    from common.testing import sign_in

    scheme, leisure, awarder = make_scheme()
    volunteer = UserFactory(email="vol@example.org")
    sign_in(client, awarder)
    url = reverse("timebank:award", args=[scheme.slug])
    for data, message in [
        (
            {"volunteer": "nobody@example.org", "hours": "2", "what": "x"},
            "There is no account with that email",
        ),
        ({"volunteer": "vol@example.org", "hours": "-1", "what": "x"}, "more than zero"),
        ({"volunteer": "vol@example.org", "hours": "2", "what": ""}, "Say what the volunteering was"),
    ]:
        assert message in client.post(url, data).content.decode()
    assert not Entry.objects.exists()
    assert (
        client.post(url, {"volunteer": "VOL@example.org", "hours": "2", "what": "Park clean-up"}).status_code
        == 302
    )
    sign_in(client, volunteer)
    page = client.get(reverse("timebank:credits", args=[scheme.slug])).content.decode()
    assert "2 credits" in page and "A swim" in page
    client.post(reverse("timebank:redeem", args=[leisure.offers.get(what="A swim").pk]))
    assert credits_of(scheme, volunteer) == 1
    assert client.get(url).status_code == 403  # a volunteer does not award credits
    client.logout()
    assert client.post(url, {"volunteer": "vol@example.org", "hours": "9", "what": "x"}).status_code == 302
    assert credits_of(scheme, volunteer) == 1 and ledger.audit() == []
