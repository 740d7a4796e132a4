"""Pages for making an account and getting back into one: sign up, confirm the email address, ask
for the link again, and reset a forgotten password (Django's own reset views, with our forms,
templates and service)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from common import limits
from common.errors import Refusal, message_of
from common.forms import error_summary
from common.network import client_address
from common.pages import bind, form_page

from . import registration
from .forms import EmailForm, NewPasswordForm, ResetRequestForm, SignUpForm
from .services import finish_password_reset
from .views import next_url

FORM = "accounts/form.html"
# Where someone signing up was going, kept in their session (so for the same browser) until they
# confirm their address: the sign-in that follows takes them there.
NEXT_AFTER_SIGN_UP = "accounts:next-after-sign-up"


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """A resident makes their own account; it works once they follow the link emailed to them."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    after = next_url(request)
    if after != "/":  # where they were going (asking to borrow, say): back there once signed in
        request.session[NEXT_AFTER_SIGN_UP] = after
    return form_page(
        request,
        bind(request, SignUpForm),
        action=lambda data: registration.sign_up(request, **data),
        template="accounts/sign_up.html",
        next_url="accounts:check_email",
        context={"title": "Create an account", "submit": "Create account"},
    )


def check_email(request: HttpRequest) -> HttpResponse:
    """The same answer to every sign-up and every request for a new link, whoever owns the address."""
    return render(request, "accounts/check_email.html")


@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Ask for a new link to confirm an email address."""
    return form_page(
        request,
        bind(request, EmailForm),
        action=lambda data: registration.resend_verification(request, **data),
        template=FORM,
        next_url="accounts:check_email",
        context={
            "title": "Get a new link to confirm your email address",
            "intro": "If you signed up and have not confirmed your email address yet, we will send "
            "you a new link. Links you were sent before stop working.",
            "submit": "Send a new link",
        },
    )


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the email: a button confirms the address (so a mail scanner that opens links
    confirms nothing), then the person signs in."""
    user = registration.user_for_link(uidb64)
    works = user is not None and registration.verification_tokens.check_token(user, token)
    if request.method == "POST":
        try:
            registration.verify_email(request, uidb64, token)
        except ValidationError as error:
            messages.error(request, message_of(error))
            return redirect("accounts:resend_verification")
        messages.success(request, "Thank you. Your email address is confirmed: you can sign in now.")
        after = request.session.pop(NEXT_AFTER_SIGN_UP, None)
        query = f"?{urlencode({'next': after})}" if after else ""
        return redirect(f"{reverse('accounts:sign_in')}{query}")
    return render(
        request,
        "accounts/verify_email.html",
        {"works": works, "not_working": registration.LINK_NOT_WORKING},
        status=200 if works else 404,
    )


RESETS_PER_ADDRESS = 10


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link to reset the password. Every address gets the same answer; only an account's
    own address is sent a link. Limited per connection, and per inbox."""

    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Reset your password", "submit": "Send the link"}
    extra_email_context = {"service_name": settings.CLOSEKNIT_SITE_NAME}

    def form_valid(self, form):
        key = f"accounts:resets:{client_address(self.request) or 'unknown'}"
        if limits.used_up(key, RESETS_PER_ADDRESS):
            form.add_error(None, registration.TOO_MANY)
            refused = self.form_invalid(form)
            refused.status_code = 429  # as common.errors.TooOften is answered on every page
            return refused
        limits.count_one(key)
        if not registration.may_email(form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())  # the same answer, no more mail
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"errors": _errors(context["form"])}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link. Nobody is signed in by it (staff still give
    their second factor), every session ends, lockout is cleared for the address (the service)."""

    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            finish_password_reset(self.request, self.user, token, form.cleaned_data["new_password1"])
        except Refusal as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        return context | {"errors": _errors(form) if form is not None else []}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _errors(form):
    return error_summary(form)
