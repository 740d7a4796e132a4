"""Grants pages: applying (anyone signed in) and setting up rounds (fund officers)."""

from django.urls import path

from . import assessment_views as assessment
from . import award_views, threesixty_views, views

app_name = "grants"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("rounds/<int:pk>/start/", views.start, name="start"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/sections/<int:section_pk>/", views.answer_section, name="answer_section"),
    path("applications/<int:pk>/preview/", views.preview, name="preview"),
    path("applications/<int:pk>/send-information/", views.send_information, name="send_information"),
    path("applications/<int:pk>/ask/", views.request_information, name="request_information"),
    # fund officers
    path("funds/", views.funds, name="funds"),
    path("funds/<int:pk>/rounds/new/", views.new_round, name="new_round"),
    path("funds/<int:pk>/360giving/", threesixty_views.fund_page, name="threesixty"),
    # 360Giving open data: for anyone, no sign-in
    path("funds/<int:pk>/360giving.json", threesixty_views.fund_json, name="threesixty_json"),
    path("funds/<int:pk>/360giving.csv", threesixty_views.fund_csv, name="threesixty_csv"),
    path("rounds/<int:pk>/manage/", views.manage_round, name="manage_round"),
    path("rounds/<int:pk>/change/", views.edit_round, name="edit_round"),
    path("rounds/<int:pk>/preview/", views.preview_round, name="preview_round"),
    path("rounds/<int:pk>/publish/", views.publish_round, name="publish_round"),
    path("rounds/<int:pk>/screening/new/", views.add_eligibility_question, name="add_eligibility_question"),
    path(
        "rounds/<int:pk>/screening/<int:question_pk>/remove/",
        views.remove_eligibility_question,
        name="remove_eligibility_question",
    ),
    path("rounds/<int:pk>/sections/new/", views.add_section, name="add_section"),
    path("rounds/<int:pk>/sections/<int:section_pk>/questions/new/", views.add_question, name="add_question"),
    path(
        "rounds/<int:pk>/questions/<int:question_pk>/remove/", views.remove_question, name="remove_question"
    ),
    # assessment: fund officers
    path("rounds/<int:pk>/assessment/", assessment.assess_round, name="assess_round"),
    path("rounds/<int:pk>/criteria/new/", assessment.add_criterion, name="assess_add_criterion"),
    path(
        "rounds/<int:pk>/criteria/<int:criterion_pk>/remove/",
        assessment.remove_criterion,
        name="assess_remove_criterion",
    ),
    path("rounds/<int:pk>/panel/new/", assessment.add_panel_member, name="assess_add_member"),
    path(
        "rounds/<int:pk>/panel/<int:member_pk>/remove/",
        assessment.remove_panel_member,
        name="assess_remove_member",
    ),
    path("rounds/<int:pk>/assign-everything/", assessment.assign_everything, name="assess_assign_everything"),
    path("rounds/<int:pk>/moderation/", assessment.moderation, name="moderation"),
    path("applications/<int:pk>/screen/", assessment.screen, name="assess_screen"),
    path("applications/<int:pk>/assign/", assessment.assign, name="assess_assign"),
    path("applications/<int:pk>/decide/", assessment.decide, name="decide"),
    path("applications/<int:pk>/discussion/", assessment.discussion, name="assess_discussion"),
    # assessment: panel members
    path("panel/", assessment.panel, name="panel"),
    path("panel/applications/<int:pk>/", assessment.panel_application, name="panel_application"),
    path("panel/applications/<int:pk>/declare/", assessment.declare, name="panel_declare"),
    path("panel/applications/<int:pk>/review/", assessment.review, name="panel_review"),
    # after the award: the grant, offer, acceptance, payments, monitoring returns, listing
    path("grants/<int:pk>/", award_views.grant, name="grant"),
    path("grants/<int:pk>/offer/", award_views.offer, name="offer"),
    path("grants/<int:pk>/offer/send/", award_views.send_offer, name="send_offer"),
    path("grants/<int:pk>/accept/", award_views.accept, name="accept"),
    path("grants/<int:pk>/payments/", award_views.payments, name="payments"),
    path("grants/<int:pk>/payments/new/", award_views.new_payment, name="new_payment"),
    path("payments/<int:pk>/approve/", award_views.approve_payment, name="approve_payment"),
    path("payments/<int:pk>/paid/", award_views.record_paid, name="record_paid"),
    path("grants/<int:pk>/returns/", award_views.returns, name="returns"),
    path("returns/<int:pk>/", award_views.monitoring_return, name="return"),
    path("photos/<int:pk>/", award_views.photo, name="photo"),
    path("photos/<int:pk>/remove/", award_views.remove_photo, name="remove_photo"),
    path("grants/<int:pk>/listing/", award_views.link_listing, name="link_listing"),
]
