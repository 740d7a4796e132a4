"""The timebank's board: members' offers and requests, and their replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors, error_summary
from directory.models import TaxonomyTerm

from . import forms, selectors, services
from .models import Post
from .views import _inside


def _categories():
    return TaxonomyTerm.objects.filter(parent__isnull=True).order_by("name")


@login_required
def board(request, slug):
    """The timebank's open offers and requests, searchable."""
    found = _inside(request, slug)
    form = forms.BoardSearchForm(request.GET or None, categories=_categories())
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
def new_post(request, slug):
    found = _inside(request, slug)
    data = request.POST if request.method == "POST" else None
    form = forms.PostForm(data, categories=_categories())
    if data is not None and form.is_valid():
        try:
            post = services.post_to_board(request.user, found, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "It is on the board.")
            return redirect("timebank:post", post.pk)
    return render(
        request,
        "timebank/form.html",
        {"timebank": found, "form": form, "errors": error_summary(form), "title": "Offer or ask for help"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post(request, pk):
    found = get_object_or_404(Post.objects.select_related("timebank", "author__user", "category"), pk=pk)
    _inside(request, found.timebank.slug)
    data = request.POST if request.method == "POST" else None
    form = forms.ReplyForm(data)
    if data is not None and form.is_valid():
        try:
            services.reply_to_post(request.user, found, form.cleaned_data["message"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your reply is sent to {found.author.user.full_name}.")
            return redirect("timebank:post", pk)
    return render(
        request,
        "timebank/post.html",
        {
            "post": found,
            "timebank": found.timebank,
            "replies": found.replies.select_related("author__user"),
            "form": form,
            "errors": error_summary(form),
            "may_close": found.author.user_id == request.user.pk
            or services.is_broker(request.user, found.timebank),
        },
    )


@login_required
@require_POST
def close_post(request, pk):
    found = get_object_or_404(Post.objects.select_related("timebank", "author"), pk=pk)
    _inside(request, found.timebank.slug)
    try:
        services.close_post(request.user, found)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    messages.success(request, "It is closed and off the board.")
    return redirect("timebank:board", found.timebank.slug)
