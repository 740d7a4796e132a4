from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("calendar.ics", views.search_calendar, name="search_calendar"),
    path("listings/<uuid:pk>/", views.listing, name="listing"),
    path("listings/<uuid:pk>/calendar.ics", views.listing_calendar, name="listing_calendar"),
    path("listings/<uuid:pk>/report/", views.report_problem, name="report_problem"),
    path("listings/<uuid:pk>/report/thank-you/", views.problem_reported, name="problem_reported"),
    path("organisations/<uuid:pk>/", views.provider, name="provider"),
]
