"""Staff who can see person records must prove a second factor before anything else."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

API_PREFIXES = ("/api/", "/oruk/")
TWO_FACTOR_NEEDED = "Sign in with your second factor (the code from your authenticator app) first."


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
            if request.path.startswith(API_PREFIXES):
                # A program calling the API cannot follow a page asking for a code: it gets the
                # same refusal as anyone else not allowed in (403 with ``detail``, as described).
                return JsonResponse({"detail": TWO_FACTOR_NEEDED}, status=403)
            target = "accounts:two_factor_verify" if user_has_device(user) else ("accounts:two_factor_setup")
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        open_paths = (
            reverse("accounts:two_factor_setup"),
            reverse("accounts:two_factor_verify"),
            reverse("accounts:sign_out"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        return path.startswith(open_paths)
