from django.urls import path

from . import views

app_name = "volunteering"

urlpatterns = [
    path("", views.opportunities, name="list"),
    path("mine/", views.mine, name="mine"),
    path("organise/", views.organise, name="organise"),
    path("organise/new/", views.edit_opportunity, name="add_opportunity"),
    path("organise/<int:pk>/", views.edit_opportunity, name="edit_opportunity"),
    path("organise/<int:pk>/shifts/", views.add_shifts, name="add_shifts"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("sign-ups/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("shifts/<int:pk>/roster/", views.roster, name="roster"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/sign-ups/", views.event_sign_ups, name="event_sign_ups"),
    path("organise/events/new/", views.edit_event, name="add_event"),
    path("events/<int:pk>/change/", views.edit_event, name="edit_event"),
    path("events/<int:pk>/stalls/new/", views.add_stall, name="add_stall"),
    path("stalls/<int:pk>/", views.stall, name="stall"),
]
