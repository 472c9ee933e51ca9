"""Text messages to phones (password-reset codes): a pluggable gateway chosen by SMS_BACKEND.

A backend is a class with ``send(phone, text)``; it raises SmsError when the message could not be
handed over. The demo and the tests use the two here; a district plugs in its operator's gateway by
writing a subclass of BaseBackend and naming it in SMS_BACKEND (docs/configuration.md).
"""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("civicgrid.sms")

# Messages sent by LocmemBackend, newest last (tests read the code from here).
outbox = deque(maxlen=100)


class SmsError(Exception):
    """The gateway did not take the message."""


class BaseBackend:
    """The interface: send one text message to one mainland mobile number."""

    def send(self, phone, text):  # pragma: no cover - the interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """The demo: writes the message to the log (logger "civicgrid.sms") instead of sending it."""

    def send(self, phone, text):
        logger.warning("SMS to %s: %s", phone, text)


class LocmemBackend(BaseBackend):
    """Tests: keeps the messages in `outbox` as (phone, text)."""

    def send(self, phone, text):
        outbox.append((phone, text))


def get_backend():
    return import_string(getattr(settings, "SMS_BACKEND", "civicgrid.accounts.sms.ConsoleBackend"))()


def send(phone, text):
    get_backend().send(phone, text)
