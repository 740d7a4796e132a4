from django.urls import path

from . import views

app_name = "lending"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("errands/", views.errands, name="errands"),
    path("items/new/", views.edit_item, name="add_item"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/change/", views.edit_item, name="edit_item"),
    path("items/<int:pk>/service/", views.service, name="service"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/errand/", views.errand, name="errand"),
    path("bookings/<int:pk>/<str:action>/", views.reservation_action, name="reservation_action"),
]
