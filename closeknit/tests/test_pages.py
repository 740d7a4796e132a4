import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from accounts.models import Role
from closeknit import urls as project_urls
from closeknit.testing import sign_in
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("deliberate failure for the error page test")


urlpatterns = [
    *project_urls.urlpatterns,
    path("test/forbidden/", _forbidden),
    path("test/broken/", _broken),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.django_db
def test_home_page_answers_for_a_visitor(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


@pytest.mark.django_db
def test_home_page_lists_neighbourhoods_with_their_deprivation(client):
    area = NeighbourhoodFactory(name="North")
    deprived = PostcodeFactory(lsoa__imd_decile=2)
    PostcodeFactory(ward=deprived.ward, lsoa__imd_decile=8)
    area.wards.add(deprived.ward)
    page = client.get("/").content.decode()
    assert "North" in page
    assert "1 of its 2 small areas" in page  # one of two LSOAs is in the 30% most deprived
    assert "50.0% of the district" in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_forbidden_page_is_our_own(client):
    response = client.get("/test/forbidden/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


@pytest.mark.django_db
def test_missing_page_is_our_own(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_server_error_page_is_our_own_and_says_nothing_was_saved():
    client = Client(raise_request_exception=False)
    response = client.get("/test/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "deliberate failure" not in page


@pytest.mark.django_db
def test_signed_out_visitor_sees_no_navigation(client):
    assert client.get("/").context["navigation"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("role, shown, hidden", [
    (Role.RESIDENT, ["Home", "Your area", "Your account"], ["Back office", "Audit log"]),
    (Role.COORDINATOR, ["Home", "Your account"], ["Back office", "Audit log"]),
    (Role.COMMISSIONER, ["Home", "Your account"], ["Back office", "Audit log"]),
    (Role.ADMINISTRATOR, ["Home", "Back office", "Audit log"], []),
])
def test_navigation_follows_the_role(client, make_user, role, shown, hidden):
    sign_in(client, make_user(role))
    labels = [item["label"] for item in client.get("/").context["navigation"]]
    assert all(label in labels for label in shown)
    assert not any(label in labels for label in hidden)


@pytest.mark.django_db
def test_current_page_is_marked_in_the_navigation(client, make_user):
    sign_in(client, make_user(Role.RESIDENT))
    navigation = client.get(reverse("accounts:account")).context["navigation"]
    assert [item["label"] for item in navigation if item["current"]] == ["Your account"]


@pytest.mark.django_db
def test_footer_credits_the_open_data(client):
    page = client.get("/").content.decode()
    assert "Contains National Statistics data © Crown copyright and database right 2024" in page
    assert "English Indices of Deprivation 2019" in page


@pytest.mark.django_db
def test_no_gov_uk_crown_or_transport_font(client):
    page = client.get("/").content.decode()
    assert "govuk-header__logotype" not in page and "GOV.UK" not in page
    from django.contrib.staticfiles import finders

    with open(finders.find("closeknit/css/closeknit.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "GDS Transport" not in css and "#0f5e55" in css.lower()
