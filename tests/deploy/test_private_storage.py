"""One configurable storage for every private file, nothing private under MEDIA_ROOT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from dossiers.storage import PrivateStorage, private_root, private_storage

# (app_label, model, field) of files meant to be public (served at /media/). None today.
PUBLIC_FILE_FIELDS: set[tuple[str, str, str]] = set()


def test_no_file_field_uses_the_default_storage_unless_declared_public():
    fields = [(model._meta.app_label, model.__name__, field)
              for model in apps.get_models() for field in model._meta.get_fields()
              if isinstance(field, models.FileField)]
    assert fields, "no FileField found: the check would prove nothing"
    for app_label, model, field in fields:
        if (app_label, model, field.name) in PUBLIC_FILE_FIELDS:
            continue
        assert field.storage is private_storage, f"{app_label}.{model}.{field.name}"


def test_the_private_alias_is_local_by_default_and_outside_media_root(settings, tmp_path):
    assert django_settings.STORAGES["private"]["BACKEND"] == "dossiers.storage.PrivateStorage"
    settings.DOSSIER_PRIVATE_ROOT = ""
    name = private_storage.save("probe/a.txt", ContentFile(b"x"))
    path = Path(private_storage.path(name)).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.is_relative_to(private_root().resolve())
    with pytest.raises(ValueError):
        private_storage.url(name)


def test_the_environment_chooses_s3_with_a_private_acl_and_no_overwrite():
    env = {**os.environ, "PRIVATE_STORAGE_BACKEND": "s3",
           "PRIVATE_STORAGE_S3_BUCKET": "ho-so", "PRIVATE_STORAGE_S3_ENDPOINT_URL":
           "http://minio:9000", "PRIVATE_STORAGE_S3_ACCESS_KEY_ID": "ak",
           "PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY": "sk", "DJANGO_SETTINGS_MODULE":
           "portal.settings"}
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "from django.core.files.storage import storages; s = storages['private']; "
            "print(json.dumps([settings.STORAGES['private'], type(s).__name__, s.bucket_name,"
            " s.default_acl, s.file_overwrite, s.querystring_auth, s.endpoint_url]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=django_settings.BASE_DIR).stdout
    entry, cls, bucket, acl, overwrite, signed, endpoint = json.loads(out.splitlines()[-1])
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (cls, bucket, acl, overwrite, signed, endpoint) == (
        "S3Storage", "ho-so", None, False, True, "http://minio:9000")
    bad = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                         env={**env, "PRIVATE_STORAGE_BACKEND": "ftp"}, capture_output=True,
                         text=True, cwd=django_settings.BASE_DIR)
    assert bad.returncode != 0 and "PRIVATE_STORAGE_BACKEND" in bad.stderr


@pytest.mark.django_db
def test_the_migration_moves_generated_pdfs_out_of_media_root(settings):
    """PDFs rendered before the change (MEDIA_ROOT, documents/<kind>/…) move to private
    storage under the same name; /media/ no longer has them."""
    import importlib

    from delivery.models import GeneratedDocument

    migration = importlib.import_module(
        "delivery.migrations.0006_generated_documents_private_storage")
    old_name = default_storage.save("documents/receipt/ab/receipt-x.pdf",
                                    ContentFile(b"%PDF-old"))
    document = GeneratedDocument.objects.create(kind="receipt", subject_key="dossier:1",
                                                sha256="ab" * 32, size=8, file=old_name)
    missing = GeneratedDocument.objects.create(kind="receipt", subject_key="dossier:2",
                                               sha256="cd" * 32, size=8,
                                               file="documents/receipt/cd/gone.pdf")
    migration.move_generated_documents_to_private_storage(apps, None)
    document.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert not (Path(settings.MEDIA_ROOT) / old_name).exists()
    assert (private_root() / document.file.name).read_bytes() == b"%PDF-old"
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-old"
    missing.refresh_from_db()
    assert missing.file.name == "documents/receipt/cd/gone.pdf"


def test_the_local_backend_takes_no_location_from_options():
    assert PrivateStorage(location="/elsewhere").location == os.path.abspath(private_root())
