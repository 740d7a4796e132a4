"""Staff who can see person records must prove a second factor before anything else; so must
anyone else before a page shows them another person's data (``require_second_factor``)."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

API_PREFIXES = ("/api/", "/oruk/")
TWO_FACTOR_NEEDED = "Sign in with your second factor (the code from your authenticator app) first."


class SecondFactorNeeded(Exception):
    """Raised by a view that shows someone else's personal data to an account whose role does not
    otherwise ask for two factors (a council's finance officer, a provider's editor): the
    middleware below answers it by asking for the second factor, then comes back."""


def verified(request: HttpRequest) -> bool:
    """Whether this session has proved a second factor (django-otp's ``is_verified``)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def require_second_factor(request: HttpRequest) -> None:
    """Stop here unless this session has proved a second factor (see ``SecondFactorNeeded``)."""
    if not verified(request):
        raise SecondFactorNeeded


def ask_for_second_factor(request: HttpRequest) -> HttpResponse:
    """Send the user to verify their authenticator app, or to set one up, and back afterwards."""
    if request.path.startswith(API_PREFIXES):
        # A program calling the API cannot follow a page asking for a code: it gets the same
        # refusal as anyone else not allowed in (403 with ``detail``, as described).
        return JsonResponse({"detail": TWO_FACTOR_NEEDED}, status=403)
    target = "accounts:two_factor_verify" if user_has_device(request.user) else "accounts:two_factor_setup"
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse(target)}?{query}")


class RequireTwoFactorMiddleware:
    """Sends a signed-in user whose role needs two factors to set up or verify them, and anyone
    who has set up an authenticator app (a resident who chose to) to verify with it.

    Only the two-factor pages, sign-out and static files are open until then. The set-up page
    itself sends anyone with a confirmed device on to verify (accounts.views.two_factor_setup).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not self._is_open(request.path)
            and (user.needs_two_factor or user_has_device(user))
        ):
            return ask_for_second_factor(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SecondFactorNeeded) and request.user.is_authenticated:
            return ask_for_second_factor(request)
        return None

    @staticmethod
    def _is_open(path: str) -> bool:
        open_paths = (
            reverse("accounts:two_factor_setup"),
            reverse("accounts:two_factor_verify"),
            reverse("accounts:sign_out"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        return path.startswith(open_paths)
