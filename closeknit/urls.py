from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

from . import views

admin.site.site_header = "Closeknit back office"
admin.site.site_title = "Closeknit back office"

urlpatterns = [
    path("", views.home, name="home"),
    path("whats-on/", views.whats_on, name="whats_on"),
    path("about/data/", views.about_data, name="about_data"),
    path("account/", include("accounts.urls")),
    path("places/", include("places.urls")),
    path("directory/suggestions/", include("matching.public_urls")),  # residents' own suggestions
    path("directory/", include("directory.urls")),
    path("people/", include("people.urls")),
    path("suggestions/", include("matching.urls")),
    path("timebanks/", include("timebank.urls")),
    path("volunteering/", include("volunteering.urls")),
    path("lending/", include("lending.urls")),
    path("transport/", include("transport.urls")),
    path("care/", include("care.urls")),
    path("grants/", include("grants.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("neighbourhoods/", include("neighbourhoods.urls")),
    path("oruk/", include("directory.oruk.urls")),
    # Each app's API routes live in the app (its api_urls.py); their names are not namespaced.
    path("api/", include("directory.api_urls")),
    path("api/", include("people.api_urls")),
    path("api/", include("timebank.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script from a file-like address: no inline script for CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api_docs.html"),
        name="api_docs",
    ),
    path("admin/login/", views.admin_sign_in),
    # Before admin.site.urls, so it answers /admin/r/ in place of Django's (a bad id was a 500).
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/", admin.site.admin_view(account_views.view_on_site)
    ),
    path("admin/", admin.site.urls),
]

handler400 = "closeknit.views.bad_request"
handler403 = "closeknit.views.forbidden"
handler404 = "closeknit.views.not_found"
handler500 = "closeknit.views.server_error"
