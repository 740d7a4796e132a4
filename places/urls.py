from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("postcode/", views.postcode, name="postcode"),
    path("district/", views.district, name="district"),
]
