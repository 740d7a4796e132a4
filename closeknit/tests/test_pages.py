import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from accounts.models import Role
from closeknit import urls as project_urls
from closeknit import views as project_views
from common.testing import sign_in


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("deliberate failure for the error page test")


urlpatterns = [
    *project_urls.urlpatterns,
    path("test/forbidden/", _forbidden),
    path("test/broken/", _broken),
    path("test/csrf/", project_views.csrf_failure),
    path("test/bad-request/", project_views.bad_request),
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
def test_signed_out_visitor_sees_the_ways_in(client):
    navigation = client.get("/").context["navigation"]
    assert [item["label"] for item in navigation] == [
        "Find support",
        "What's on",
        "Volunteer",
        "Timebanks",
        "Borrow",
        "Grants",
    ]
    assert [item["url"] for item in navigation][:2] == [reverse("directory:search"), reverse("whats_on")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        (Role.RESIDENT, ["Home", "Your area", "Your account"], ["Back office", "Audit log"]),
        (Role.COORDINATOR, ["Home", "Your account"], ["Back office", "Audit log"]),
        (Role.COMMISSIONER, ["Home", "Your account"], ["Back office", "Audit log"]),
        (Role.ADMINISTRATOR, ["Home", "Back office", "Audit log"], []),
    ],
)
def test_navigation_follows_the_role(client, make_user, role, shown, hidden):
    sign_in(client, make_user(role))
    labels = [item["label"] for item in client.get("/").context["navigation"]]
    assert all(label in labels for label in shown)
    assert not any(label in labels for label in hidden)


@pytest.mark.django_db
def test_staff_waiting_for_their_two_factor_code_see_no_navigation(client, make_user):
    sign_in(client, make_user(Role.COORDINATOR), two_factor=False)
    assert client.get(reverse("accounts:two_factor_setup")).context["navigation"] == []


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


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/account/sign-in/", "/places/postcode/", "/about/data/"])
def test_header_and_title_name_the_service_not_the_host(client, url):
    page = client.get(url).content.decode()
    assert "</svg>\n        Closeknit\n      </a>" in page
    assert "– Closeknit</title>" in page
    assert "testserver" not in page


@pytest.mark.django_db
def test_form_sent_without_its_security_token_gets_our_page_and_saves_nothing(make_user):
    make_user(Role.RESIDENT, email="resident@example.org")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:sign_in"), {"username": "resident@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert "This page was open too long" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_request_for_an_unknown_host_gets_our_bad_request_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "could not understand that request" in response.content.decode()


@pytest.mark.django_db
def test_back_office_sign_in_is_the_same_sign_in_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/sign-in/?next=%2Fadmin%2F"
    assert response.templates[0].name == "accounts/sign_in.html"
