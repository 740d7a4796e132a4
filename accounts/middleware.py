"""Staff who can see person records must prove a second factor before anything else."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device


class RequireTwoFactorMiddleware:
    """Sends a signed-in user whose role needs two factors to set up or verify them.

    Only the two-factor pages, sign-out and static files are open until then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not self._is_open(request.path)
        ):
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
