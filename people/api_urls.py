"""The people API, included under ``/api/`` by the project's URLs. Names are not namespaced:
``reverse("api_person", args=[pk])``."""

from django.urls import path

from . import api, referral_api

urlpatterns = [
    path("people/", api.PeopleView.as_view(), name="api_people"),
    path("people/<uuid:pk>/", api.PersonView.as_view(), name="api_person"),
    path("people/<uuid:pk>/conversations/", api.ConversationsView.as_view(), name="api_conversations"),
    path("people/<uuid:pk>/introductions/", api.IntroductionsView.as_view(), name="api_introductions"),
    path("referrals/incoming/", referral_api.IncomingReferralsView.as_view(), name="api_incoming_referrals"),
    path("introductions/<int:pk>/steps/", api.IntroductionStepsView.as_view(), name="api_introduction_steps"),
]
