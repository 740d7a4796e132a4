from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("people/<uuid:pk>/", views.person_suggestions, name="person"),
    path("people/<uuid:pk>/introduce/", views.introduce, name="introduce"),
    path("people/<uuid:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("dismissals/<int:pk>/restore/", views.restore, name="restore"),
    path("weights/", views.team_weights, name="weights"),
]
