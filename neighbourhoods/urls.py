from django.urls import path

from . import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.teams, name="list"),
    path("<int:pk>/", views.team, name="team"),
    path("<int:pk>/survey/", views.survey_round, name="survey_round"),
    path("measures/<int:pk>/reading/", views.reading, name="reading"),
]
