from django.urls import path

from . import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.teams, name="list"),
    path("new/", views.new_team, name="new_team"),
    path("<int:pk>/", views.team, name="team"),
    path("<int:pk>/change/", views.change_team, name="change_team"),
    path("<int:pk>/members/new/", views.add_member, name="add_member"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/survey/", views.survey_round, name="survey_round"),
    path("<int:pk>/priorities/new/", views.add_priority, name="add_priority"),
    path("priorities/<int:pk>/change/", views.change_priority, name="change_priority"),
    path("priorities/<int:pk>/set-aside/", views.set_aside_priority, name="set_aside_priority"),
    path("priorities/<int:pk>/measures/new/", views.add_measure, name="add_measure"),
    path("measures/<int:pk>/reading/", views.reading, name="reading"),
]
