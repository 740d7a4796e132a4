"""The timebank API, included under ``/api/`` by the project's URLs. Names are not namespaced:
``reverse("api_timebank_balance", args=[slug])``."""

from django.urls import path

from . import api

urlpatterns = [
    path("timebanks/<slug:slug>/balance/", api.BalanceView.as_view(), name="api_timebank_balance"),
    path("timebanks/<slug:slug>/balances/", api.BalancesView.as_view(), name="api_timebank_balances"),
    path("timebanks/<slug:slug>/exchanges/", api.ExchangesView.as_view(), name="api_timebank_exchanges"),
    path("exchanges/<int:pk>/confirm/", api.ConfirmExchangeView.as_view(), name="api_exchange_confirm"),
    path("exchanges/<int:pk>/cancel/", api.CancelExchangeView.as_view(), name="api_exchange_cancel"),
]
