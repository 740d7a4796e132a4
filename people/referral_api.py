"""Referrals sent in by a referring organisation's own system (a GP practice's, say), with the
introducer token of its referral link: ``Authorization: Token <token>`` (or ``Bearer``). No
account: the token opens only this one operation, into the one team's inbox, until revoked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.dates import birth_date
from common.network import client_address

from . import referral_services, selectors
from .models import Referral, ReferralLink

KEYWORDS = (b"token", b"bearer")


class IntroducerToken(BaseAuthentication):
    """The referral link whose API token is in the Authorization header (``Token`` or ``Bearer``).
    A missing header authenticates no one (401); a wrong or revoked token is refused (401)."""

    def authenticate(self, request: Request) -> tuple[Any, ReferralLink] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Give the token after the word Token, with one space.")
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed("That token is not one we issued.") from None
        link = selectors.live_link_for_secret("api_digest", referral_services.digest(token))
        if link is None:
            raise AuthenticationFailed("That token is not one we issued, or its link has been revoked.")
        return AnonymousUser(), link

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="referrals"'


class HoldsIntroducerToken(BasePermission):
    message = "Send the introducer token of your referral link."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ReferralLink)


class IntroducerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "people.referral_api.IntroducerToken"
    name = "introducerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The introducer token of a referring organisation's referral link, as "
            "`Token <token>` (or `Bearer <token>`). A team's lead makes the link and its token on "
            "the Referral links page and can revoke them there.",
        }


class IncomingReferralSerializer(serializers.Serializer):
    referrer_name = serializers.CharField(max_length=200)
    referrer_email = serializers.EmailField(help_text="Where the acknowledgement and the outcome are sent.")
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    full_name = serializers.CharField(max_length=200, help_text="The person referred.")
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[birth_date()]
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    communication_needs = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Referral.Reason.choices), allow_empty=False, max_length=20
    )
    what_matters = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    agreed = serializers.BooleanField(
        help_text="The person agrees to being referred and to us holding these details."
    )


RECEIVED = inline_serializer(
    "ReferralReceived",
    fields={
        "reference": serializers.CharField(help_text="Quote it when contacting the team."),
        "status": serializers.CharField(),
        "received_at": serializers.DateTimeField(),
    },
)


class IncomingReferralsView(APIView):
    authentication_classes = [IntroducerToken]
    permission_classes = [HoldsIntroducerToken]

    @extend_schema(
        operation_id="send_referral",
        summary="Send a social prescribing referral to a team's referral inbox",
        description="For a referring organisation's system, with its introducer token. The "
        "referrer is emailed an acknowledgement, and the outcome when the referral closes. "
        "Limited to a number of referrals an hour per link and per address.",
        request=IncomingReferralSerializer,
        responses={
            201: RECEIVED,
            401: inline_serializer("NoToken", fields={"detail": serializers.CharField()}),
            429: inline_serializer("TooOften", fields={"detail": serializers.CharField()}),
        },
        tags=["referrals"],
    )
    def post(self, request: Request) -> Response:
        serializer = IncomingReferralSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incoming = referral_services.receive_referral(
            request.auth, dict(serializer.validated_data), sender=client_address(request)
        )
        return Response(
            {"reference": incoming.reference, "status": incoming.status, "received_at": incoming.received_at},
            status=status.HTTP_201_CREATED,
        )
