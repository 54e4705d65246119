"""The response of every access-checked download (dossier files, generated PDFs).

The view decides who may read the file; this decides how the bytes leave. By default Django
streams them (``FileResponse``). Behind nginx with ``PRIVATE_FILES_X_ACCEL`` on, the response
is empty and carries ``X-Accel-Redirect`` to an ``internal`` location of nginx
(deploy/nginx/), which sends the file: a slow download no longer holds a gunicorn thread.
nginx's internal locations cannot be requested from outside, so the check stays Django's.

A storage without local paths (S3-compatible, ``PRIVATE_STORAGE_BACKEND=s3``) has nothing for
nginx to send: Django streams the object, or, with ``PRIVATE_FILES_PRESIGNED_REDIRECT`` on,
answers with a redirect to a presigned URL valid for a minute (the object stays private; the
URL is made only after the view's check and carries the type and file name to answer with).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from .filecrypto import decrypted_bytes, is_encrypted


def _x_accel_roots() -> list[tuple[Path, str]]:
    from dossiers.storage import private_root

    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX.rstrip("/") + "/"
    return [(Path(os.path.realpath(private_root())), prefix + "private/"),
            (Path(os.path.realpath(settings.MEDIA_ROOT)), prefix + "media/")]


def _x_accel_location(file_field) -> str | None:
    try:
        path = Path(os.path.realpath(file_field.storage.path(file_field.name)))
    except NotImplementedError:  # a storage without local paths
        return None
    for root, location in _x_accel_roots():
        if path.is_relative_to(root):
            return location + quote(path.relative_to(root).as_posix())
    return None


def _presigned_url(file_field, *, content_type: str, disposition: str) -> str | None:
    storage = file_field.storage
    try:
        storage.path(file_field.name)
        return None  # a local file: X-Accel or streaming
    except NotImplementedError:
        pass
    try:
        return storage.url(file_field.name, parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": "private, no-store",
        }, expire=60)
    except (TypeError, ValueError, NotImplementedError):  # no signed URLs in this backend
        return None


def private_file_response(file_field, *, content_type: str, filename: str) -> HttpResponse:
    """``filename`` is shown to the browser; the caller makes it safe for a header."""
    disposition = f'inline; filename="{filename}"'
    if is_encrypted(file_field.storage, file_field.name):  # sensitive: decrypt, never redirect
        response = FileResponse(io.BytesIO(decrypted_bytes(file_field.storage,
                                                           file_field.name)),
                                content_type=content_type)
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
    if getattr(settings, "PRIVATE_FILES_PRESIGNED_REDIRECT", False):
        url = _presigned_url(file_field, content_type=content_type, disposition=disposition)
        if url is not None:
            response = HttpResponseRedirect(url)
            response["Cache-Control"] = "private, no-store"
            return response
    location = _x_accel_location(file_field) if settings.PRIVATE_FILES_X_ACCEL else None
    if location is not None:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = location
    else:
        response = FileResponse(file_field.storage.open(file_field.name, "rb"),
                                content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
