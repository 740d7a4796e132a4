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

from common.pages import bind, form_page

from . import selectors
from .forms import ReplaceTwoFactorForm, SignInForm, TwoFactorCodeForm
from .permissions import may_set_up_first_device
from .services import confirm_totp_device, pending_totp_device, replace_totp_device, verify_two_factor


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def next_url(request) -> str:
    """The page asked to go to next (``next``), when it is on this site; else the home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verify_first(request):
    query = urlencode({"next": next_url(request)})
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
    return form_page(
        request,
        bind(request, TwoFactorCodeForm),
        action=lambda data: confirm_totp_device(request, device, data["token"]),
        template="accounts/two_factor_setup.html",
        context={"next": next_url(request), **_new_device_context(device)},
        success="Two-factor sign-in is set up.",
        next_url=next_url(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_replace(request):
    """Replace the authenticator app: needs a verified session, the password and the new app's code."""
    if not request.user.is_verified():
        if may_set_up_first_device(request.user):
            return redirect("accounts:two_factor_setup")
        return _verify_first(request)
    device = pending_totp_device(request)
    return form_page(
        request,
        bind(request, ReplaceTwoFactorForm),
        action=lambda data: replace_totp_device(request, device, data["password"], data["token"]),
        template="accounts/two_factor_replace.html",
        context=_new_device_context(device),
        success="Your new authenticator app is set up. The old one no longer works.",
        next_url="accounts:account",
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Ask for the current code from the authenticator app set up earlier."""
    return form_page(
        request,
        bind(request, TwoFactorCodeForm),
        action=lambda data: verify_two_factor(request, data["token"]),
        template="accounts/two_factor_verify.html",
        context={"next": next_url(request)},
        next_url=next_url(request),
    )


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
