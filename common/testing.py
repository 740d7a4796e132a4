"""Helpers every app's tests use: signing in as a role, proving a view denies someone, and a real
local HTTP server for code that reads other sites.

They take the project's user (``accounts.User``, with ``needs_two_factor``) as any Django user:
this package is the bottom layer and imports no app."""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from django.http import HttpResponseBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    # The stubs' name for settings.AUTH_USER_MODEL (the django-stubs plugin makes it accounts.User),
    # so these helpers are typed with the project's user without importing an app.
    from django.contrib.auth.models import _User
    from playwright.sync_api import Page  # the test extra's browser driver

PASSWORD = "correct horse battery"  # noqa: S105 - the factories' test password


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totp_device(user: _User) -> TOTPDevice:
    """The user's confirmed authenticator device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _verifies(user: _User, two_factor: bool | None) -> bool:
    """Whether signing in also proves a second factor: as asked, or else as the sign-in pages would
    ask (the role needs one, or the user has set up an authenticator app, as the demo ISF holder has)."""
    if two_factor is not None:
        return two_factor
    return user.needs_two_factor or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sign_in(client: Client, user: _User, *, two_factor: bool | None = None) -> Client:
    """Sign ``user`` in on ``client``; the session is also verified with a second factor when their
    role needs one or they have an authenticator app, or when ``two_factor`` is true (anyone a page
    asks for one, e.g. a finance officer).

    For roles that need two factors, ``two_factor=False`` leaves the session
    half signed in, as it is between the password and the code.
    """
    client.force_login(user)
    if _verifies(user, two_factor):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def sign_in_on_page(
    page: Page, user: _User, *, password: str = PASSWORD, two_factor: bool | None = None
) -> None:
    """Sign ``user`` in through the pages in a browser, typing their code when their role needs one
    (or when ``two_factor`` is true: their authenticator app is set up first)."""
    device = totp_device(user) if _verifies(user, two_factor) else None
    page.goto("/account/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    if device is not None:
        page.fill("#id_token", current_code(device))
        page.click("button:has-text('Continue')")


def assert_fits_width(page: Page) -> None:
    """At a phone's width (390 px or less) nothing on the page scrolls sideways."""
    viewport = page.viewport_size or {"width": 0}
    if viewport["width"] <= 390:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page is {width} px wide at {viewport['width']} px"


def screenshot_for_guide(page: Page, name: str) -> None:
    """Save the page as ``<name>-<width>.png`` in the folder ``CLOSEKNIT_SCREENSHOTS`` names, when
    it names one: pictures of the pages for the user guides (``docs/images``), made by the tests."""
    folder = os.environ.get("CLOSEKNIT_SCREENSHOTS")
    if folder:
        width = (page.viewport_size or {"width": 0})["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def assert_denied(response: HttpResponseBase, *, allow_not_found: bool = True) -> None:
    """Assert a response refuses access: 403 (or 404 where existence is also hidden),
    or, for someone signed out, a redirect to sign in. Never the page itself."""
    allowed = {403, 404} if allow_not_found else {403}
    if response.status_code in {301, 302}:
        location = response.headers["Location"]
        assert "/account/sign-in/" in location or "/admin/login/" in location, (
            f"redirected to {location}, not to sign in"
        )
        return
    assert response.status_code in allowed, f"expected access to be refused, got {response.status_code}"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on an endless or slow answer is what such tests are for


@contextmanager
def local_server(
    handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None
) -> Iterator[str]:
    """A real HTTP server (HTTPS with ``tls``) on ``host`` at a free port, answering with
    ``handler`` in threads for the length of the block. Yields its address, "http://host:port"."""
    server = _QuietServer((host, 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class TrickledHeaders(BaseHTTPRequestHandler):
    """Sends its status line, then a header one byte every 50 ms for a minute: no socket timeout
    ever fires while bytes keep coming, so only a reader's own clock can stop it."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
            for _ in range(1200):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass
