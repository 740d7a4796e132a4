import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import selectors
from .forms import SignInForm, TwoFactorCodeForm
from .services import TwoFactorError, confirm_totp_device, pending_totp_device, verify_two_factor


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


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code or type the key, then enter a code."""
    if request.user.is_verified():
        messages.info(request, "Two-factor sign-in is already set up for this account.")
        return redirect("accounts:account")
    device = pending_totp_device(request.user)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_totp_device(request, device, form.cleaned_data["token"])
        except TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


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
