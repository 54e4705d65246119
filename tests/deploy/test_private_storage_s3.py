# ruff: noqa: F811 (fixtures imported from tests/dossiers/conftest.py)
"""Private files in an S3-compatible bucket (``PRIVATE_STORAGE_BACKEND=s3``), against moto's S3
server started in this process: no external service, so it runs in both CI passes.

The real paths: a citizen uploads through the filing form, the file is an object in the bucket;
the owner downloads it through the access-checked view, a stranger gets 404; the PDFs rendered
on the way are objects too; nothing is written under MEDIA_ROOT nor the local private root."""

from __future__ import annotations

import urllib.request
import uuid

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from portal.settings import private_s3_storage
from tests.dossiers.conftest import (  # noqa: F401 (fixtures)
    PDF,
    _sms,
    citizen,
    citizen_client,
    clerk,
    draft,
    other_citizen,
    pdf,
    procedure,
    submitted,
    units,
)

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

pytestmark = pytest.mark.django_db
REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket behind STORAGES["private"]; the local private root is a directory that
    must stay empty."""
    name = f"ho-so-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "private": private_s3_storage(
        bucket=name, endpoint_url=s3_endpoint, access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"], region=REGION)}
    settings.DOSSIER_PRIVATE_ROOT = str(tmp_path / "local-private-must-stay-empty")

    class Bucket:
        def names(self) -> list[str]:
            listing = client.list_objects_v2(Bucket=name)
            return sorted(item["Key"] for item in listing.get("Contents", []))

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=name, Key=key)["Body"].read()

        def acl_grants(self, key: str) -> list[dict]:
            return client.get_object_acl(Bucket=name, Key=key)["Grants"]

    return Bucket()


def _nothing_written_locally(settings) -> None:
    from pathlib import Path

    for root in (Path(settings.MEDIA_ROOT), Path(settings.DOSSIER_PRIVATE_ROOT)):
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*")), root


def test_a_citizens_upload_is_an_object_in_the_bucket_read_only_through_the_checked_view(
        bucket, citizen_client, procedure, units, citizen, client, other_citizen, settings):
    url = reverse("dossiers:file", args=[procedure.code])
    response = citizen_client.post(url, {
        "ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
        "noi_tiep_nhan": units["ward"].pk, "cach_nhan_ket_qua": "pickup", "nhap": "1",
        "tep__to-khai": pdf("tờ khai.pdf")})
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    attachment = dossier.attachments.get()
    assert bucket.names() == [attachment.file.name]
    assert bucket.read(attachment.file.name) == PDF
    # No grant to everyone: the object is as private as the bucket.
    assert not [g for g in bucket.acl_grants(attachment.file.name)
                if g["Grantee"].get("URI", "").endswith("/AllUsers")]

    download = reverse("dossiers:attachment", args=[dossier.ref, attachment.pk])
    response = citizen_client.get(download)
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"

    client.force_login(other_citizen)
    assert client.get(download).status_code == 404
    _nothing_written_locally(settings)


def test_behind_nginx_an_s3_file_is_still_streamed_by_django(bucket, citizen_client, submitted,
                                                             settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    attachment = submitted.attachments.first()
    response = citizen_client.get(reverse("dossiers:attachment",
                                          args=[submitted.code, attachment.pk]))
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF


def test_with_presigned_redirects_the_checked_view_answers_with_a_short_lived_url(
        bucket, citizen_client, submitted, client, other_citizen, settings):
    settings.PRIVATE_FILES_PRESIGNED_REDIRECT = True
    attachment = submitted.attachments.first()
    url = reverse("dossiers:attachment", args=[submitted.code, attachment.pk])
    response = citizen_client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    with urllib.request.urlopen(location) as answer:  # noqa: S310 (the local emulator)
        assert answer.read() == PDF
        assert answer.headers["Content-Type"] == "application/pdf"
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


def test_generated_pdfs_are_objects_in_the_bucket(bucket, citizen_client, submitted, clerk,
                                                  settings, django_capture_on_commit_callbacks):
    from delivery.models import GeneratedDocument
    from dossiers.services import dossier_receive

    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(dossier=submitted, acting_user=clerk)
    document = GeneratedDocument.objects.filter(dossier_id=submitted.pk).first()
    assert document is not None
    assert document.file.name in bucket.names()
    assert bucket.read(document.file.name).startswith(b"%PDF")
    response = citizen_client.get(reverse("delivery_documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bucket.read(document.file.name)
    _nothing_written_locally(settings)
