# ruff: noqa: F811 (fixtures imported from tests/dossiers/conftest.py)
"""Backup and restore (README "Sao lưu và khôi phục"): back up a database with dossiers, files
and generated PDFs, restore it into a fresh empty database of the configured engine (a second
SQLite file, or a scratch PostgreSQL database in CI's second pass) in another process, and
compare every model's row count and every file's bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dossiers.storage import iter_private_files, private_storage
from portal import backup
from tests.dossiers.conftest import (  # noqa: F401 (fixtures)
    PDF,
    _sms,
    citizen,
    clerk,
    draft,
    procedure,
    submitted,
    units,
)

pytestmark = pytest.mark.django_db
MANAGE = str(Path(django_settings.BASE_DIR) / "manage.py")
COUNT_SCRIPT = ("import json, django; django.setup(); from portal.backup import row_counts; "
                "print(json.dumps(row_counts()))")


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of the engine the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    if connection.vendor != "postgresql":
        pytest.skip(f"no scratch database recipe for {connection.vendor}")
    import psycopg

    params = connection.settings_dict
    name = f"portal_restore_{uuid.uuid4().hex[:10]}"
    server = {"user": params["USER"], "password": params["PASSWORD"] or None,
              "host": params["HOST"] or None, "port": params["PORT"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(params["USER"] or "")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"])
    yield (f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:"
           f"{params['PORT'] or 5432}/{name}")
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env, *args):
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          cwd=django_settings.BASE_DIR, timeout=600)


def test_a_backup_restores_into_an_empty_database_with_the_same_counts_and_files(
        submitted, clerk, tmp_path, scratch_database_url, django_capture_on_commit_callbacks):
    from delivery.models import GeneratedDocument
    from dossiers.services import dossier_receive

    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(dossier=submitted, acting_user=clerk)
    assert GeneratedDocument.objects.exists()
    counts = backup.row_counts()
    files = {name: private_storage.open(name, "rb").read()
             for name in iter_private_files(private_storage)}
    # The attachments (identical bytes are stored once) and the generated PDF.
    assert submitted.attachments.first().file.name in files
    assert GeneratedDocument.objects.first().file.name in files

    out = tmp_path / "backup"
    call_command("backup_portal", out=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == counts and set(manifest["files"]) == set(files)

    restored_private = tmp_path / "restored-private"
    env = {**os.environ, "DATABASE_URL": scratch_database_url,
           "DOSSIER_PRIVATE_ROOT": str(restored_private),
           "MEDIA_ROOT": str(tmp_path / "restored-media"), "DJANGO_SETTINGS_MODULE":
           "portal.settings"}
    env.pop("PRIVATE_STORAGE_BACKEND", None)
    restore = _run(env, MANAGE, "restore_portal", str(out))
    assert restore.returncode == 0, restore.stderr
    assert "counts and checksums match" in restore.stdout

    counted = _run(env, "-c", COUNT_SCRIPT)
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout.splitlines()[-1]) == counts
    for name, content in files.items():
        assert (restored_private / name).read_bytes() == content

    # A database that holds data is refused without --force.
    again = _run(env, MANAGE, "restore_portal", str(out))
    assert again.returncode != 0 and "not empty" in again.stderr

    # A file that changed since the backup fails the check, and the exit status says so.
    victim = out / "files" / sorted(files)[0]
    victim.write_bytes(b"%PDF-tampered")
    tampered = _run(env, MANAGE, "restore_portal", "--force", str(out))
    assert tampered.returncode != 0
    assert "checksum differs" in tampered.stderr


def test_a_count_that_does_not_match_the_manifest_fails_the_restore(
        submitted, tmp_path, scratch_database_url):
    out = tmp_path / "backup"
    call_command("backup_portal", out=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["counts"]["dossiers.Dossier"] += 1
    (out / "manifest.json").write_text(json.dumps(manifest))
    env = {**os.environ, "DATABASE_URL": scratch_database_url,
           "DOSSIER_PRIVATE_ROOT": str(tmp_path / "restored-private"),
           "MEDIA_ROOT": str(tmp_path / "restored-media")}
    result = _run(env, MANAGE, "restore_portal", str(out))
    assert result.returncode != 0
    assert "dossiers.Dossier: 1 rows, manifest says 2" in result.stderr


def test_backup_refuses_a_non_empty_directory_and_restore_an_unfinished_one(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_portal", out=str(tmp_path))
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / ".incomplete").touch()
    with pytest.raises(CommandError, match="unfinished"):
        call_command("restore_portal", str(unfinished))
