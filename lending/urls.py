from django.urls import path

from . import views

app_name = "lending"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("borrow/", views.borrow, name="borrow"),
    path("borrow/<int:pk>/", views.borrowable, name="borrowable"),
    path("borrow/<int:pk>/ask/", views.ask, name="ask"),
    path("yours/", views.yours, name="yours"),
    path("yours/<int:pk>/cancel/", views.withdraw, name="withdraw"),
    path("errands/", views.errands, name="errands"),
    path("items/new/", views.edit_item, name="add_item"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/change/", views.edit_item, name="edit_item"),
    path("items/<int:pk>/service/", views.service, name="service"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/accept/", views.accept, name="accept"),
    path("bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("bookings/<int:pk>/errand/", views.errand, name="errand"),
    path("bookings/<int:pk>/<str:action>/", views.reservation_action, name="reservation_action"),
]
