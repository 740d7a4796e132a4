from django.urls import path

from . import drop_in_views, own_record_views, views

app_name = "people"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.followed_up, name="followed_up"),
    path("add/", views.add_person, name="add_person"),
    path("drop-ins/", drop_in_views.drop_ins, name="drop_ins"),
    path("drop-ins/add/", drop_in_views.add_drop_in, name="add_drop_in"),
    path("drop-ins/<int:pk>/", drop_in_views.drop_in, name="drop_in"),
    path("your-record/", own_record_views.your_record, name="your_record"),
    path("your-record/<uuid:pk>/yes/", own_record_views.confirm_account_link, name="confirm_account_link"),
    path("your-record/<uuid:pk>/no/", own_record_views.refuse_account_link, name="refuse_account_link"),
    path("<uuid:pk>/", views.person, name="person"),
    path("<uuid:pk>/change/", views.change_person, name="change_person"),
    path("<uuid:pk>/conversations/add/", views.add_conversation, name="add_conversation"),
    path("<uuid:pk>/introductions/add/", views.add_introduction, name="add_introduction"),
    path("<uuid:pk>/consent/add/", views.add_consent, name="add_consent"),
    path("<uuid:pk>/goals/add/", views.add_goal, name="add_goal"),
    path("<uuid:pk>/referrals/add/", views.add_referral, name="add_referral"),
    path("<uuid:pk>/subject-access/", own_record_views.subject_access, name="subject_access"),
    path("<uuid:pk>/erase/", own_record_views.erase, name="erase"),
    path("<uuid:pk>/sign-in/", views.link_account, name="link_account"),
    path("<uuid:pk>/safeguarding/add/", views.add_safeguarding_note, name="add_safeguarding_note"),
    path("introductions/<int:pk>/", views.update_introduction, name="update_introduction"),
    path("consent/<int:pk>/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("goals/<int:pk>/finish/", views.finish_goal, name="finish_goal"),
]
