"""Offers and requests: members post, search and reply; outsiders see nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from directory.tests.factories import TaxonomyTermFactory
from timebank import services
from timebank.models import Post, Reply
from timebank.tests.factories import make_member, make_timebank


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("0"))
    return (
        timebank,
        broker,
        make_member(timebank, broker, full_name="Ada Whitfield"),
        make_member(timebank, broker, full_name="Bert Marsh"),
    )


def test_members_offer_search_and_reply(client, bank):
    timebank, broker, ada, bert = bank
    gardening = TaxonomyTermFactory(name="Gardening")
    sign_in(client, ada)
    data = {
        "kind": "offer",
        "title": "Help with your garden",
        "description": "Weeding, mowing",
        "category": gardening.pk,
        "tags": "lawn, hedges",
    }
    response = client.post(reverse("timebank:new_post", args=[timebank.slug]), data)
    offer = Post.objects.get()
    assert response.status_code == 302 and offer.tags == "lawn, hedges"
    services.post_to_board(bert, timebank, {"kind": "request", "title": "Lifts to the shops"})
    board = reverse("timebank:board", args=[timebank.slug])
    assert "Lifts to the shops" in client.get(board).content.decode()
    found = client.get(board, {"q": "hedges"}).content.decode()
    assert "Help with your garden" in found and "Lifts to the shops" not in found
    assert "Help with your garden" in client.get(board, {"category": gardening.pk}).content.decode()
    assert "Help with your garden" not in client.get(board, {"kind": "request"}).content.decode()
    sign_in(client, bert)
    client.post(reverse("timebank:post", args=[offer.pk]), {"message": "Could you do Saturday?"})
    assert Reply.objects.get().author.user == bert


def test_bad_posts_and_replies_are_refused(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    page = client.post(
        reverse("timebank:new_post", args=[timebank.slug]), {"kind": "offer", "title": ""}
    ).content.decode()
    assert "Give it a short title" in page and not Post.objects.exists()
    offer = services.post_to_board(ada, timebank, {"kind": "offer", "title": "Ironing"})
    assert (
        "Write your reply"
        in client.post(reverse("timebank:post", args=[offer.pk]), {"message": ""}).content.decode()
    )
    services.close_post(ada, offer)
    sign_in(client, bert)
    assert (
        "takes no more replies"
        in client.post(reverse("timebank:post", args=[offer.pk]), {"message": "Hi"}).content.decode()
    )
    assert not Reply.objects.exists()


def test_outsiders_cannot_see_the_board_and_only_the_author_closes(client, bank):
    timebank, broker, ada, bert = bank
    offer = services.post_to_board(ada, timebank, {"kind": "offer", "title": "Private offer"})
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("timebank:board", args=[timebank.slug])).status_code == 404
    assert client.get(reverse("timebank:post", args=[offer.pk])).status_code == 404
    assert client.post(reverse("timebank:post", args=[offer.pk]), {"message": "hi"}).status_code == 404
    sign_in(client, bert)
    assert client.post(reverse("timebank:close_post", args=[offer.pk])).status_code == 403
    offer.refresh_from_db()
    assert offer.is_open and not Reply.objects.exists()


def test_broker_sees_top_categories(client, bank):
    timebank, broker, ada, bert = bank
    gardening, lifts = TaxonomyTermFactory(name="Gardening"), TaxonomyTermFactory(name="Transport")
    for kind, who, category in [
        ("offer", ada, gardening),
        ("request", bert, gardening),
        ("offer", bert, lifts),
    ]:
        services.post_to_board(who, timebank, {"kind": kind, "title": "x", "category": category})
    from timebank.selectors import top_categories

    assert [(c["category__name"], c["offers"], c["requests"]) for c in top_categories(timebank)] == [
        ("Gardening", 1, 1),
        ("Transport", 1, 0),
    ]
    sign_in(client, broker)
    assert (
        "What members offer and ask for most"
        in client.get(reverse("timebank:broker", args=[timebank.slug])).content.decode()
    )
