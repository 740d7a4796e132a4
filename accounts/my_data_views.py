"""The signed-in person's own account: their password, what Closeknit holds about them (My data)
and closing the account. No page here takes an id: each is about the requester alone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from common.errors import refusals_as_http
from common.pages import bind, form_page
from common.pdf import pdf_available, pdf_response

from . import privacy, selectors
from .forms import ChangePasswordForm, CloseAccountForm
from .permissions import may_close_own_account
from .services import change_password as change_password_service


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Change the password, giving the current one again (counted by lockout)."""
    return form_page(
        request,
        bind(request, ChangePasswordForm, user=request.user),
        action=lambda data: change_password_service(request, data["current_password"], data["new_password1"]),
        template="accounts/form.html",
        next_url="accounts:account",
        success="Your password is changed. Anywhere else you were signed in, you are signed out.",
        context={
            "title": "Change your password",
            "back": "accounts:account",
            "back_label": "Back to your account",
            "intro": "You will stay signed in here. Anywhere else you are signed in (another phone "
            "or computer) will be signed out.",
            "submit": "Change password",
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What Closeknit holds about the person's own account, to read, download (JSON, or PDF when
    the server can make one) or print."""
    wanted = request.GET.get("format")
    with refusals_as_http():
        data = selectors.my_data(request, download=wanted in ("json", "pdf"))
    if wanted == "json":
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = 'attachment; filename="my-closeknit-data.json"'
        return response
    context = {"data": data, "pdf": pdf_available(), "may_close": may_close_own_account(request.user)}
    if wanted == "pdf" and pdf_available():
        return pdf_response(request, "accounts/my_data.html", context, "my-closeknit-data.pdf")
    return render(request, "accounts/my_data.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """Close the account for good, with the password again. Staff are told to ask their
    administrator (the service refuses them too)."""
    if not may_close_own_account(request.user):
        return render(request, "accounts/close_account_staff.html", status=403)

    def close(data: dict) -> None:
        privacy.close_own_account(request, data["password"])
        # Signed out without logout(): its signal would write a new event, with this connection's
        # address, about the account just erased.
        request.session.flush()
        request.user = AnonymousUser()

    return form_page(
        request,
        bind(request, CloseAccountForm),
        action=close,
        template="accounts/close_account.html",
        next_url="accounts:account_closed",
        context={"title": "Close your account", "submit": "Close my account"},
    )


def account_closed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_closed.html")
