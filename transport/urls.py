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

from . import driver_views, public_views, rider_views, views

app_name = "transport"

urlpatterns = [
    path("", views.home, name="home"),
    # coordinators (views)
    # registers and claims (register_views)
    # reports (report_views)
    # residents (rider_views)
    path("rides/", rider_views.rides, name="rides"),
    path("rides/new/", rider_views.ride_request, name="ride_request"),
    path("rides/<int:pk>/cancel/", rider_views.cancel_ride, name="cancel_ride"),
    # drivers (driver_views)
    path("driving/", driver_views.manifest, name="driving"),
    path("driving/claims/", driver_views.driver_claims, name="driver_claims"),
    path("driving/runs/<int:pk>/odometer/", driver_views.odometer, name="odometer"),
    path("driving/<str:day>/", driver_views.manifest, name="manifest"),
    # public (public_views)
    path("schemes/<int:pk>/slots/", public_views.slots, name="slots"),
]
