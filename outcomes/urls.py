from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("reach/", views.reach, name="reach"),
    path("report/", views.report, name="report"),
    path("social-value/", views.social_value, name="social_value"),
    path("surveys/<int:pk>/", views.survey_results, name="survey_results"),
    path("surveys/answer/<str:token>/", views.answer_survey, name="answer_survey"),
    path("people/<uuid:pk>/", views.person, name="person"),
    path("people/<uuid:pk>/outcome/", views.record_outcome, name="record_outcome"),
    path("people/<uuid:pk>/goals/<int:goal_pk>/rating/", views.rate_goal, name="rate_goal"),
    path("people/<uuid:pk>/instruments/<int:instrument_pk>/", views.record_response, name="record_response"),
]
