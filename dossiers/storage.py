"""Dossier files live outside MEDIA_ROOT so they are never served by URL; only the
access-checked download views read them."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    configured = getattr(settings, "DOSSIER_PRIVATE_ROOT", "")
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private-media"


class PrivateStorage(FileSystemStorage):
    """Location read from settings on every access so tests can point it at a tmp dir."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return str(private_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Dossier files have no public URL.")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    return private_storage
