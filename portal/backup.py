"""Backup and restore of the database and the private files (``backup_portal``,
``restore_portal``).

One portable format whatever the database engine (SQLite in development, PostgreSQL in
production): the rows as Django's ``dumpdata`` JSON, the private files copied out of
``STORAGES["private"]`` (local directory or S3 bucket alike), and ``manifest.json`` with the
row count of every model and the SHA-256 of every file and of the dump. A restore is checked
against the manifest, so a backup that does not restore is found at once, not on the day it
is needed.

Layout of a backup directory::

    manifest.json   format, time, engine, migrations, counts per model, files and checksums
    db.json         dumpdata --natural-foreign --all (primary keys kept: the plain integer
                    references such as delivery's ``dossier_id`` stay true)
    files/<name>    every file of the private storage, under its storage name

Content types and permissions are not dumped: ``migrate`` creates them, and the rows that
point at them name them by natural key. Sessions are not dumped (everyone signs in again).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.db import models

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "db.json"
FILES = "files"
# Rebuilt by migrate, or not worth keeping.
EXCLUDED = ("contenttypes", "auth.Permission", "sessions")
# Rows a data migration creates in a fresh database: they do not make it "not empty", and the
# backup's own rows replace them on restore.
SEEDED_BY_MIGRATIONS = ("citizens.PrivacyNotice",)


def _excluded(model: type[models.Model]) -> bool:
    return (model._meta.app_label in EXCLUDED or model._meta.label in EXCLUDED)


def backed_up_models() -> list[type[models.Model]]:
    """Concrete, managed models whose rows the backup holds."""
    return [model for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and not _excluded(model)]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in backed_up_models()}


def sha256_of(handle, chunk: int = 1024 * 1024) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while block := handle.read(chunk):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of(handle)[0]


def safe_member(root: Path, name: str) -> Path:
    """``root/name``, refusing a name that would leave ``root`` (a tampered manifest)."""
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()) or name.startswith("/"):
        raise ValueError(f"unsafe file name in the backup: {name!r}")
    return target
