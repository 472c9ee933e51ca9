"""The client address behind reverse proxies (lockouts, security and access logs, rate limits)."""

import pytest
from django.test import RequestFactory

from civicgrid.core.http import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "1.2.3.4", "10.0.0.9"),  # no proxy configured: a client's header is ignored
        (1, "203.0.113.7", "203.0.113.7"),  # nginx appended the client it saw
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the client wrote to the left is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (3, "203.0.113.7", "203.0.113.7"),  # fewer hops than proxies: the leftmost
        (1, "not-an-address", None),
        (1, " , ", "10.0.0.9"),
    ],
)
def test_client_ip_reads_only_what_our_own_proxies_appended(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_login_behind_the_proxy_is_logged_with_the_client_address(client, settings):
    from civicgrid.accounts.models import SecurityEvent
    from civicgrid.testing import TEST_PASSWORD, make_user

    settings.PROXY_COUNT = 1
    make_user("wang")
    client.post(
        "/accounts/login/",
        {"username": "wang", "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    client.logout()
    client.post(
        "/accounts/login/",
        {"username": "wang", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    addresses = set(SecurityEvent.objects.values_list("ip_address", flat=True))
    assert {"203.0.113.7", "203.0.113.8"} <= addresses and "6.6.6.6" not in addresses
