"""The timebank API: balances and exchanges, with the pages' rules. Someone outside a timebank
gets 404; a member asking for broker-only figures gets 403; bad input gets 400 naming the field."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from common.dates import sensible_date
from common.errors import NotVisible
from common.pagination import NumberedPages

from . import permissions, selectors, services
from .models import Exchange, Timebank


def _inside(request: Request, slug: str) -> Timebank:
    timebank = get_object_or_404(Timebank.objects.select_related("ledger"), slug=slug)
    if not permissions.may_see_inside_timebank(request.user, timebank):
        raise NotFound("No such timebank, or you are not a member of it.")
    return timebank


class ExchangeSerializer(serializers.ModelSerializer):
    giver = serializers.CharField(source="giver.name", read_only=True)
    receiver = serializers.CharField(source="receiver.name", read_only=True)

    class Meta:
        model = Exchange
        fields = ["id", "giver", "receiver", "hours", "description", "happened_on", "status", "created_at"]


class NewExchangeSerializer(serializers.Serializer):
    # Choices are set from the requester in __init__ (no one until then): an id outside them gets
    # the same answer as an id that does not exist, and no one's name.
    giver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        help_text="Who gave their time (earns the hours); null for the community account (brokers only).",
    )
    receiver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        help_text="Who received help (spends the hours); null for the community account (brokers only).",
    )
    hours = serializers.CharField(help_text="Quarter hours, like 1.5")
    description = serializers.CharField(max_length=300)
    happened_on = serializers.DateField(required=False, validators=[sensible_date("date")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request, timebank = self.context.get("request"), self.context.get("timebank")
        if request is not None and timebank is not None:
            members = selectors.members_visible_to(request.user, timebank)
            self.fields["giver"].queryset = members
            self.fields["receiver"].queryset = members


class BalanceSerializer(serializers.Serializer):
    member = serializers.CharField()
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)


class BalanceView(APIView):
    @extend_schema(tags=["Timebanks"], summary="Your balance in a timebank", responses=BalanceSerializer)
    def get(self, request: Request, slug: str) -> Response:
        timebank = _inside(request, slug)
        membership = selectors.membership_of(request.user, timebank)
        if membership is None or membership.account is None:
            raise NotFound("You have no account in this timebank.")
        return Response(
            BalanceSerializer({"member": membership.account.name, "balance": membership.account.balance}).data
        )


class BalancesView(APIView):
    @extend_schema(
        tags=["Timebanks"],
        summary="Every member's balance (brokers only)",
        responses=BalanceSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        timebank = _inside(request, slug)
        if not permissions.may_broker_timebank(request.user, timebank):
            raise PermissionDenied("Only the timebank's brokers see every balance.")
        accounts = selectors.balances(timebank)
        return Response(
            BalanceSerializer([{"member": a.name, "balance": a.balance} for a in accounts], many=True).data
        )


class ExchangesView(APIView):
    pagination_class = NumberedPages

    @extend_schema(
        tags=["Timebanks"],
        summary="Exchanges you took part in (all of them, for a broker), newest first",
        responses=ExchangeSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        timebank = _inside(request, slug)
        pages = self.pagination_class()
        page = pages.page_of(request, selectors.exchanges_for(request.user, timebank))
        return Response(pages.envelope(page, ExchangeSerializer(page.object_list, many=True).data))

    @extend_schema(
        tags=["Timebanks"],
        summary="Propose an exchange; the other member confirms it",
        request=NewExchangeSerializer,
        responses={201: ExchangeSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        timebank = _inside(request, slug)
        serializer = NewExchangeSerializer(
            data=request.data, context={"request": request, "timebank": timebank}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        exchange = services.propose_exchange(
            request.user,
            timebank,
            giver=data["giver"],
            receiver=data["receiver"],
            hours=data["hours"],
            description=data["description"],
            happened_on=data.get("happened_on"),
        )
        return Response(ExchangeSerializer(exchange).data, status=status.HTTP_201_CREATED)


class ExchangeActionView(APIView):
    action = ""

    @extend_schema(tags=["Timebanks"], request=None, responses=ExchangeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        # The service answers someone who may not see the exchange as if it did not exist; a
        # missing one is answered the same way.
        exchange = Exchange.objects.select_related("timebank").filter(pk=pk).first()
        if exchange is None:
            raise NotVisible()
        act = services.confirm_exchange if self.action == "confirm" else services.cancel_exchange
        exchange = act(request.user, exchange)
        return Response(ExchangeSerializer(exchange).data)


class ConfirmExchangeView(ExchangeActionView):
    action = "confirm"

    @extend_schema(
        tags=["Timebanks"],
        summary="Confirm an exchange (the other member, or a broker)",
        request=None,
        responses=ExchangeSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class CancelExchangeView(ExchangeActionView):
    action = "cancel"

    @extend_schema(
        tags=["Timebanks"],
        summary="Cancel an exchange not yet recorded",
        request=None,
        responses=ExchangeSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)
