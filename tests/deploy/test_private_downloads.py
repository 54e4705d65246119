"""Access-checked downloads: nginx sends the file (X-Accel-Redirect) when the setting says so,
Django streams it otherwise; the access check is the view's either way."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from portal.files import private_file_response
from tests.dossiers.conftest import (  # noqa: F401 (fixtures)
    PDF,
    _sms,
    citizen,
    citizen_client,
    draft,
    other_citizen,
    procedure,
    submitted,
    units,
)

pytestmark = pytest.mark.django_db


def test_by_default_django_streams_the_file(citizen_client, submitted, settings):  # noqa: F811
    attachment = submitted.attachments.first()
    response = citizen_client.get(reverse("dossiers:attachment",
                                          args=[submitted.code, attachment.pk]))
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF


def test_behind_nginx_the_view_names_an_internal_location(citizen_client, submitted,  # noqa: F811
                                                          settings, tmp_path):
    settings.PRIVATE_FILES_X_ACCEL = True
    attachment = submitted.attachments.first()
    url = reverse("dossiers:attachment", args=[submitted.code, attachment.pk])
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/private/" + attachment.file.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline; filename=")


def test_behind_nginx_a_stranger_still_gets_404(client, submitted, other_citizen,  # noqa: F811
                                                settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    client.force_login(other_citizen)
    attachment = submitted.attachments.first()
    response = client.get(reverse("dossiers:attachment", args=[submitted.code, attachment.pk]))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_generated_pdfs_under_media_root_map_to_the_media_location(settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    name = default_storage.save("documents/2026/biên nhận.pdf", ContentFile(b"%PDF-1.4"))
    field = SimpleNamespace(storage=default_storage, name=name)
    response = private_file_response(field, content_type="application/pdf", filename="r.pdf")
    assert response["X-Accel-Redirect"] == (
        "/_protected/media/documents/2026/bi%C3%AAn%20nh%E1%BA%ADn.pdf")
    settings.PRIVATE_FILES_X_ACCEL = False
    response = private_file_response(field, content_type="application/pdf", filename="r.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
