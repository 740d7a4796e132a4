import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes import views as contenttype_views
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from common.forms import add_service_errors

from . import selectors
from .forms import ReplaceTwoFactorForm, SignInForm, TwoFactorCodeForm
from .services import (
    TwoFactorError,
    confirm_totp_device,
    may_set_up_first_device,
    pending_totp_device,
    replace_totp_device,
    verify_two_factor,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verify_first(request):
    query = urlencode({"next": _next_url(request)})
    return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")


def _new_device_context(device) -> dict:
    """The QR code and typed key of a device being set up: shown only to its own, entitled user."""
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up a first authenticator app: scan the QR code or type the key, then enter a code.

    Only for someone with no confirmed device: anyone else proves the device they have.
    """
    if not may_set_up_first_device(request.user):
        if request.user.is_verified():
            messages.info(request, "Two-factor sign-in is already set up for this account.")
            return redirect("accounts:account")
        return _verify_first(request)
    device = pending_totp_device(request)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_totp_device(request, device, form.cleaned_data["token"])
        except TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), **_new_device_context(device)}
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_replace(request):
    """Replace the authenticator app: needs a verified session, the password and the new app's code."""
    if not request.user.is_verified():
        if may_set_up_first_device(request.user):
            return redirect("accounts:two_factor_setup")
        return _verify_first(request)
    device = pending_totp_device(request)
    form = ReplaceTwoFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            replace_totp_device(request, device, form.cleaned_data["password"], form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your new authenticator app is set up. The old one no longer works.")
            return redirect("accounts:account")
    context = {"form": form, **_new_device_context(device)}
    return render(request, "accounts/two_factor_replace.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Ask for the current code from the authenticator app set up earlier."""
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            verify_two_factor(request, form.cleaned_data["token"])
        except TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def account(request):
    """The signed-in person's own account: role, organisation, teams, two-factor state."""
    return render(request, "accounts/account.html", selectors.account_summary(request.user))


def view_on_site(request, content_type_id, object_id):
    """The back office's "view on site" redirect (/admin/r/<type>/<id>/), answering "not found"
    rather than a server error for an id its model cannot hold (not a UUID, too large)."""
    try:
        with transaction.atomic():  # on PostgreSQL a refused value must not spoil the request's queries
            return contenttype_views.shortcut(request, content_type_id, object_id)
    except (ValidationError, OverflowError, DataError) as error:
        raise Http404("There is no such record.") from error
