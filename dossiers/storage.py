"""Private files: citizens' uploads, generated PDFs, pickup authorisations.

They all go through one configurable storage, ``STORAGES["private"]`` (portal/settings.py):
by default :class:`PrivateStorage`, a directory outside ``MEDIA_ROOT`` (``DOSSIER_PRIVATE_ROOT``);
with ``PRIVATE_STORAGE_BACKEND=s3`` an S3-compatible bucket through django-storages. Private
files have no public URL; only the access-checked views read them (portal/files.py).

Every private ``FileField`` is declared with ``storage=get_private_storage``. Django calls that
once, when the model class is built, so it returns :data:`private_storage`, a proxy that looks
the ``"private"`` alias up on every operation: overriding ``STORAGES`` (tests, the S3 suite)
takes effect without rebuilding the models.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

PRIVATE_ALIAS = "private"


def private_root() -> Path:
    configured = getattr(settings, "DOSSIER_PRIVATE_ROOT", "")
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private-media"


class PrivateStorage(FileSystemStorage):
    """The local backend. Location read from settings on every access so tests can point it
    at a tmp dir."""

    def __init__(self, **kwargs):
        kwargs.pop("location", None)
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):  # type: ignore[override]
        return str(private_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Dossier files have no public URL.")


def configured_private_storage() -> Storage:
    """The backend behind the ``"private"`` alias now."""
    return storages[PRIVATE_ALIAS]


class PrivateStorageProxy(Storage):
    """Delegates every operation to ``STORAGES["private"]`` as configured at call time."""

    @property
    def backend(self) -> Storage:
        return configured_private_storage()

    def __getattr__(self, name):  # backend-specific attributes (bucket_name, …)
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(configured_private_storage(), name)

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def path(self, name):
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name, *args, **kwargs):
        return self.backend.url(name, *args, **kwargs)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

    def __eq__(self, other):
        return isinstance(other, PrivateStorageProxy)

    def __hash__(self):
        return hash(PrivateStorageProxy)


private_storage = PrivateStorageProxy()


def get_private_storage() -> PrivateStorageProxy:
    return private_storage


def has_local_paths(storage: Storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def iter_private_files(storage: Storage | None = None, path: str = ""):
    """Every file name under ``path`` in the private storage (for backups and checks)."""
    storage = storage or private_storage
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from iter_private_files(storage, f"{path}/{directory}" if path else directory)
