"""Community transport pages. Each audience's views live in their own module:

- ``views``: coordinators' day board, a trip, assigning, outcomes, asking for a ride for a passenger;
- ``register_views``: coordinators' registers (passengers and eligibility, drivers and compliance,
  vehicles) and the treasurer's claims;
- ``report_views``: reports;
- ``rider_views``: a resident's own rides;
- ``driver_views``: a driver's manifest, odometer readings and claims;
- ``public_views``: a scheme's open slots, for anyone.
"""

from django.urls import path

from . import views

app_name = "transport"

urlpatterns = [
    path("", views.home, name="home"),
    # coordinators (views)
    path("schemes/<int:pk>/day/", views.board, name="board"),
    path("schemes/<int:pk>/day/<str:day>/", views.board, name="board"),
    path("trips/new/", views.request_ride, name="request"),
    path("trips/<int:pk>/", views.trip, name="trip"),
    path("trips/<int:pk>/assign/", views.assign, name="assign"),
    path("trips/<int:pk>/unassign/", views.unassign, name="unassign"),
    path("trips/<int:pk>/outcome/", views.outcome, name="outcome"),
    # registers and claims (register_views)
    # reports (report_views)
    # residents (rider_views)
    # drivers (driver_views)
    # public (public_views)
]
