"""Pluggable SMS sending, in the manner of Django's e-mail backends.

``settings.SMS_BACKEND`` names the class. The default console backend writes the message to
the log (like the console e-mail backend), so a developer or tester sees the codes; a
provider's gateway becomes one more subclass of ``BaseSmsBackend``.
"""

from __future__ import annotations

import logging
import sys
import uuid

from portal.backends import backend_class

from .masking import mask_phone

logger = logging.getLogger("citizens.sms")


class SmsDeliveryError(Exception):
    """Temporary failure at the provider; the task retries."""


class BaseSmsBackend:
    def send(self, *, to: str, body: str) -> str:
        """Sends ``body`` to the +84 number ``to``; returns the provider's message reference."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str) -> str:
        reference = uuid.uuid4().hex
        # The full number is deliberately not logged; the text is, as with console e-mail.
        sys.stdout.write(f"[SMS → {mask_phone(to)}] {body}\n")
        sys.stdout.flush()
        logger.info("SMS %s sent to %s", reference, mask_phone(to))
        return reference


outbox: list[dict[str, str]] = []


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: keeps messages in ``citizens.sms.outbox``."""

    def send(self, *, to: str, body: str) -> str:
        reference = uuid.uuid4().hex
        outbox.append({"to": to, "body": body, "reference": reference})
        return reference


def get_backend() -> BaseSmsBackend:
    return backend_class("SMS_BACKEND")()


def send_sms(*, to: str, body: str) -> str:
    return get_backend().send(to=to, body=body)
