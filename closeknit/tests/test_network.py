"""The client's address behind trusted proxies: for lockouts, the audit log and public forms'
limits, and never an address the client wrote itself."""

import pytest
from django.test import RequestFactory

from accounts.models import AuditEvent, Role
from accounts.services import record_audit_event
from common.network import client_address
from common.testing import PASSWORD

from .test_settings import manage

SIGN_IN = "/account/sign-in/"


def request(remote="10.0.0.2", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is the client's own
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a written-in entry is skipped
        (2, "10.0.0.3", "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "10.0.0.3", "203.0.113.9", "10.0.0.3"),  # shorter than the proxies: the nearest proxy
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "not an address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(remote, forwarded)) == expected


@pytest.mark.django_db
def test_the_audit_log_records_the_client_behind_the_proxy(settings, make_user):
    settings.TRUSTED_PROXY_COUNT = 1
    user = make_user(Role.COORDINATOR)
    record_audit_event(user, "person.viewed", request=request("10.0.0.2", "203.0.113.9"))
    assert AuditEvent.objects.get(action="person.viewed").ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_behind_a_proxy_one_client_locked_out_does_not_lock_out_another(client, settings, make_user):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.RESIDENT, email="resident@example.org")
    guessing = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "resident@example.org", "password": "guess"}, **guessing)
    assert (
        client.post(
            SIGN_IN, {"username": "resident@example.org", "password": "guess"}, **guessing
        ).status_code
        == 429
    )
    owner = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}  # same proxy, another person
    signed_in = client.post(SIGN_IN, {"username": "resident@example.org", "password": PASSWORD}, **owner)
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("value", "message"), [("two", "must be a whole number"), ("-1", "must be 0 or more")]
)
def test_a_bad_proxy_count_stops_the_server_starting(value, message):
    result = manage("check", TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0 and message in result.stderr
