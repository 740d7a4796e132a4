"""The timebank's board: members' offers and requests, and their replies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.pages import act, bind, form_page

from . import forms, permissions, selectors, services
from .models import Post
from .views import _inside, _refuse_outsiders


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """The timebank's open offers and requests, searchable."""
    found = _inside(request, slug)
    form = forms.BoardSearchForm(request.GET or None, categories=selectors.board_categories())
    criteria = form.cleaned_data if form.is_valid() else {}
    posts = selectors.board(
        found, text=criteria.get("q", ""), kind=criteria.get("kind", ""), category=criteria.get("category")
    )
    page = Paginator(posts, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/board.html",
        {
            "timebank": found,
            "form": form,
            "page": page,
            "member": selectors.active_membership(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_post(request: HttpRequest, slug: str) -> HttpResponse:
    found = _inside(request, slug)
    return form_page(
        request,
        bind(request, forms.PostForm, categories=selectors.board_categories()),
        action=lambda data: services.post_to_board(request.user, found, data),
        template="timebank/form.html",
        next_url=lambda post: reverse("timebank:post", args=[post.pk]),
        success="It is on the board.",
        context={"timebank": found, "title": "Offer or ask for help"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Post.objects.select_related("timebank", "author__user", "category"), pk=pk)
    _refuse_outsiders(request, found.timebank)
    return form_page(
        request,
        bind(request, forms.ReplyForm),
        action=lambda data: services.reply_to_post(request.user, found, data["message"]),
        template="timebank/post.html",
        next_url=reverse("timebank:post", args=[pk]),
        success=f"Your reply is sent to {found.author.user.full_name}.",
        context={
            "post": found,
            "timebank": found.timebank,
            "replies": found.replies.select_related("author__user"),
            "may_close": permissions.may_close_post(request.user, found),
        },
    )


@login_required
@require_POST
def close_post(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Post.objects.select_related("timebank", "author"), pk=pk)
    _refuse_outsiders(request, found.timebank)
    return act(
        request,
        lambda: services.close_post(request.user, found),
        next_url=reverse("timebank:board", args=[found.timebank.slug]),
        success="It is closed and off the board.",
    )
