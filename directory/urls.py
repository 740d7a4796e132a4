from django.urls import path

from . import manage_views, views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("calendar.ics", views.search_calendar, name="search_calendar"),
    path("listings/<uuid:pk>/", views.listing, name="listing"),
    path("listings/<uuid:pk>/calendar.ics", views.listing_calendar, name="listing_calendar"),
    path("listings/<uuid:pk>/report/", views.report_problem, name="report_problem"),
    path("listings/<uuid:pk>/report/thank-you/", views.problem_reported, name="problem_reported"),
    path("organisations/<uuid:pk>/", views.provider, name="provider"),
    path("manage/", manage_views.your_listings, name="your_listings"),
    path("manage/new/", manage_views.edit_listing, name="add_listing"),
    path("manage/<uuid:pk>/", manage_views.edit_listing, name="edit_listing"),
    path("manage/<uuid:pk>/checked/", manage_views.listing_checked, name="listing_checked"),
    path("manage/problems/<uuid:pk>/resolved/", manage_views.problem_resolved, name="problem_resolved"),
]
