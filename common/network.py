"""Where a request came from, for the audit log, sign-in lockouts and limits on public forms.

Behind a load balancer or reverse proxy every request arrives from the proxy's address, so that
alone would lock everyone out together and fill the audit log with one address. Each trusted
proxy appends the address it received the request from to X-Forwarded-For; with
``TRUSTED_PROXY_COUNT`` set to how many there are, the client is the entry that many places from
the right. Entries further left were written by the client and are never trusted. (django-ipware's
proxy counting reads the header differently in strict and non-strict modes, and its non-strict
default can return an address the client wrote, so this is done here, in the way Werkzeug's
ProxyFix counts.)"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with trusted proxies, the address the outermost of
    them saw. A header shorter than the proxies configured, or holding something that is not an
    address there, falls back to REMOTE_ADDR (the nearest proxy), never to what the client wrote."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = _address(request.META.get("REMOTE_ADDR"))
    if proxies < 1:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote


def lockout_address(request: HttpRequest) -> str | None:
    """Where a sign-in attempt came from, as lockout counts it: the client's address, except that
    an IPv6 client is counted by its /64 network. One home or phone holds a whole /64 and can
    choose any address in it, so counting each address alone would give it endless guesses."""
    address = client_address(request)
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return address
