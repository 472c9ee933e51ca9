"""Who is calling: the client's address, the same for lockouts, the security log, the access log
and rate limits."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address. Behind PROXY_COUNT reverse proxies (each appending the address it saw
    to X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does), the address the outermost of our
    proxies saw; anything a client wrote further left in the header is ignored. None if unknown."""
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def same_for_everyone(view):
    """Marks a view that answers the same to everyone and concerns no user (the web app's manifest,
    service worker and offline page): the signed-in user's detours — e.g. a temporary password that
    must be changed first (accounts.middleware) — do not redirect it. A browser fetches these itself,
    and a redirected service worker script is refused."""
    view.same_for_everyone = True
    return view
