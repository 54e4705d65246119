"""Back-ends chosen by a dotted path in settings, the way Django chooses its e-mail and session
back-ends: payment gateways, postal providers and SMS senders are loaded here, one way."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@functools.cache
def _load(path: str) -> Any:
    return import_string(path)


def backend_class(setting: str) -> Any:
    """The class ``settings.<setting>`` names; ``ImproperlyConfigured`` when it is empty or does
    not import (the class is cached per path: a settings override takes effect at once)."""
    path = getattr(settings, setting, "")
    if not path:
        raise ImproperlyConfigured(f"settings.{setting} names no back-end.")
    try:
        return _load(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"settings.{setting}: cannot import {path!r}.") from exc
