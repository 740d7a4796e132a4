"""The public Borrow pages: anyone sees what is lent and when it is free, never who has it."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from lending import services
from lending.models import Item
from lending.selectors import BORROW_PAGE_SIZE
from lending.tests.factories import make_item


def days(n):
    return timezone.localdate() + timedelta(days=n)


def test_the_borrow_page_lists_what_is_lent_by_organisation_signed_out(client, db):
    item, coordinator = make_item(description="Folds into a car boot.")
    Item.objects.create(organisation=item.organisation, name="Old hoist", kind="hoist", is_retired=True)
    other = OrganisationFactory(name="Sale Rotary Club")
    Item.objects.create(organisation=other, name="Wheelchair (self-propelled)", kind="wheelchair")
    services.reserve(
        coordinator, item, starts_on=days(0), ends_on=days(3), name="Edna Secret", contact="edna@example.org"
    )
    response = client.get(reverse("lending:borrow"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Lent by Carrington Moss Parish Council" in text and "Lent by Sale Rotary Club" in text
    assert "Scooter 1 (red)" in text and "Folds into a car boot." in text
    assert "Wheelchair (self-propelled)" in text and "Free now" in text
    assert "Old hoist" not in text  # retired
    assert "Edna" not in text and "edna@example.org" not in text
    free = days(4)
    assert f"Free from {free:%A} {free.day} {free:%B}" in text


def test_the_borrow_page_filters_by_words_and_kind(client, db):
    item, _ = make_item()
    Item.objects.create(organisation=item.organisation, name="Wheelchair", kind="wheelchair")
    text = client.get(reverse("lending:borrow"), {"q": "scooter"}).content.decode()
    assert "Scooter 1 (red)" in text and "Wheelchair</a>" not in text
    text = client.get(reverse("lending:borrow"), {"kind": "wheelchair"}).content.decode()
    assert "Scooter 1 (red)" not in text and "Wheelchair</a>" in text


def test_the_borrow_page_answers_bad_filters_with_a_message(client, db):
    make_item()
    response = client.get(reverse("lending:borrow"), {"kind": "<script>", "q": "x" * 300, "page": "abc"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose a kind of thing from the list" in text
    assert "Use 100 characters or fewer" in text
    assert "Scooter 1 (red)" in text  # unfiltered
    assert "<script>" not in text


def test_the_borrow_page_is_paginated(client, db):
    item, _ = make_item()
    for n in range(BORROW_PAGE_SIZE + 3):
        Item.objects.create(organisation=item.organisation, name=f"Walker {n:02}", kind="walker")
    first = client.get(reverse("lending:borrow")).content.decode()
    things = re.compile(r'href="/lending/borrow/\d+/"')
    assert len(things.findall(first)) == BORROW_PAGE_SIZE
    last = client.get(reverse("lending:borrow"), {"page": "2"}).content.decode()
    assert len(things.findall(last)) == 4
    assert 'aria-current="page">2<' in last


def test_an_items_public_page_shows_booked_days_without_names(client, db):
    item, coordinator = make_item()
    services.reserve(
        coordinator, item, starts_on=days(2), ends_on=days(5), name="Edna Secret", contact="0161 496 0999"
    )
    response = client.get(reverse("lending:borrowable", args=[item.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Booked " in text and "Edna" not in text and "0161 496 0999" not in text
    ask = reverse("lending:ask", args=[item.pk])
    assert f"{reverse('accounts:sign_in')}?next={ask}" in text.replace("%2F", "/")
    assert "Sign in to ask" in text


def test_a_retired_or_missing_item_has_no_public_page(client, db):
    item, _ = make_item(is_retired=True)
    assert client.get(reverse("lending:borrowable", args=[item.pk])).status_code == 404
    assert client.get(reverse("lending:borrowable", args=[item.pk + 100])).status_code == 404


def test_signed_in_residents_see_borrow_in_their_navigation(client, db):
    from common.testing import sign_in

    sign_in(client, UserFactory(role=Role.RESIDENT))
    text = client.get(reverse("lending:borrow")).content.decode()
    assert 'href="/lending/borrow/"' in text  # the navigation (the page links to items only)


def test_days_in_words():
    from datetime import date

    from lending.templatetags.lending_words import free_from, period

    this_year = timezone.localdate().year
    assert period((date(this_year, 12, 4), date(this_year, 12, 10))) == "4–10 Dec"
    assert period((date(this_year, 11, 28), date(this_year, 12, 3))) == "28 Nov – 3 Dec"
    assert period((date(this_year, 12, 4), date(this_year, 12, 4))) == "4 Dec"
    assert period((date(this_year, 12, 30), date(this_year + 1, 1, 2))) == (
        f"30 Dec {this_year} – 2 Jan {this_year + 1}"
    )
    today = date(this_year, 6, 1)
    assert free_from(today, today) == "Free now"
    assert free_from(date(this_year, 6, 2), today) == "Free from tomorrow"
    tenth = date(this_year, 6, 10)
    assert free_from(tenth, today) == f"Free from {tenth:%A} 10 June"
    assert free_from(date(this_year + 1, 1, 3), today).endswith(f"3 January {this_year + 1}")


def test_an_overdue_loan_holds_the_item_until_it_comes_back(db):
    from lending.selectors import next_free_on

    item, coordinator = make_item()
    loan = services.reserve(coordinator, item, starts_on=days(0), ends_on=days(1), name="E", contact="0161")
    services.lend(coordinator, loan, condition="good", agreement_signed=True)
    assert next_free_on(item, days(0)) == days(2)
    assert next_free_on(item, days(5)) == days(6)  # out past its last day: not free today
    services.reserve(coordinator, item, starts_on=days(6), ends_on=days(8), name="F", contact="0161")
    assert next_free_on(item, days(5)) == days(9)


def test_signed_in_the_borrow_page_links_to_your_loans(client, db):
    from common.testing import sign_in

    assert reverse("lending:yours") not in client.get(reverse("lending:borrow")).content.decode()
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert reverse("lending:yours") in client.get(reverse("lending:borrow")).content.decode()
