from django.urls import path

from . import board_views, broker_views, credit_views, views

app_name = "timebank"

urlpatterns = [
    path("", views.timebanks, name="list"),
    path("exchanges/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("exchanges/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("exchanges/<int:pk>/correct/", views.correct, name="correct"),
    path("memberships/<int:pk>/approve/", views.approve, name="approve"),
    path("posts/<int:pk>/", board_views.post, name="post"),
    path("credits/<slug:slug>/", credit_views.credit_scheme, name="credits"),
    path("credits/<slug:slug>/award/", credit_views.award, name="award"),
    path("credits/offers/<int:pk>/redeem/", credit_views.redeem, name="redeem"),
    path("credits/spent/<int:pk>/", credit_views.redemption, name="redemption"),
    path("credits/spent/<int:pk>/undo/", credit_views.undo_redemption, name="undo_redemption"),
    path("credits/venues/<int:pk>/check/", credit_views.check_code, name="check_code"),
    path("credits/venues/<int:pk>/use/", credit_views.use_code, name="use_code"),
    path("posts/<int:pk>/close/", board_views.close_post, name="close_post"),
    path("<slug:slug>/", views.timebank, name="timebank"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/member/", views.member_area, name="member"),
    path("<slug:slug>/membership/", credit_views.membership_status, name="membership_status"),
    path("<slug:slug>/exchanges/new/", views.propose, name="propose"),
    path("<slug:slug>/statement/", views.statement, name="statement"),
    path("<slug:slug>/board/", board_views.board, name="board"),
    path("<slug:slug>/board/new/", board_views.new_post, name="new_post"),
    path("<slug:slug>/broker/", views.broker_dashboard, name="broker"),
    path("<slug:slug>/broker/exchanges/new/", broker_views.record_exchange, name="record_exchange"),
    path("<slug:slug>/broker/community/", credit_views.community_exchange, name="community_exchange"),
]
