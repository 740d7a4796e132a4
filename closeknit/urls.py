from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Closeknit back office"
admin.site.site_title = "Closeknit back office"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about_data"),
    path("account/", include("accounts.urls")),
    path("places/", include("places.urls")),
    path("admin/login/", views.admin_sign_in),
    path("admin/", admin.site.urls),
]

handler400 = "closeknit.views.bad_request"
handler403 = "closeknit.views.forbidden"
handler404 = "closeknit.views.not_found"
handler500 = "closeknit.views.server_error"
