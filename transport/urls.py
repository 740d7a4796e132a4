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

from . import driver_views, public_views, register_views, report_views, rider_views, views

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
    path("schemes/<int:pk>/passengers/", register_views.passengers, name="passengers"),
    path("schemes/<int:pk>/passengers/new/", register_views.register_passenger, name="register_passenger"),
    path(
        "schemes/<int:pk>/passengers/new-person/",
        register_views.register_new_passenger,
        name="register_new_passenger",
    ),
    path("passengers/<int:pk>/", register_views.passenger, name="passenger"),
    path(
        "passengers/<int:pk>/schemes/<int:scheme_pk>/assess/",
        register_views.assess_passenger,
        name="assess_passenger",
    ),
    path(
        "passengers/<int:pk>/schemes/<int:scheme_pk>/decide/",
        register_views.decide_eligibility,
        name="decide_eligibility",
    ),
    path("schemes/<int:pk>/drivers/", register_views.drivers, name="drivers"),
    path("drivers/<int:pk>/", register_views.driver, name="driver"),
    path("drivers/<int:pk>/availability/", register_views.add_availability, name="add_availability"),
    path(
        "drivers/<int:pk>/availability/<int:slot_pk>/remove/",
        register_views.remove_availability,
        name="remove_availability",
    ),
    path("drivers/<int:pk>/leave/", register_views.record_leave, name="record_leave"),
    path("drivers/<int:pk>/keep-apart/", register_views.keep_apart, name="keep_apart"),
    path("schemes/<int:pk>/vehicles/", register_views.vehicles, name="vehicles"),
    path("vehicles/<int:pk>/service/", register_views.record_service, name="record_service"),
    path("vehicles/<int:pk>/mot/", register_views.record_mot, name="record_mot"),
    path("vehicles/<int:pk>/permit/", register_views.record_permit, name="record_permit"),
    path("schemes/<int:pk>/claims/", register_views.claims, name="claims"),
    path("schemes/<int:pk>/claims/<int:tax_year>.csv", register_views.claims_csv, name="claims_csv"),
    # reports (report_views)
    path("schemes/<int:pk>/reports/", report_views.report, name="report"),
    path("schemes/<int:pk>/reports/trips.csv", report_views.report_csv, name="report_csv"),
    path("schemes/<int:pk>/reports/hours/", report_views.hours, name="hours"),
    path("runs/<int:pk>/credits/", report_views.award_credits, name="award_credits"),
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
