"""Storing a rendered PDF is idempotent on (kind, subject, content SHA-256)."""

from __future__ import annotations

import hashlib

import pytest

from delivery.adapters import document_render, document_store
from delivery.constants import DocumentKind
from delivery.models import GeneratedDocument
from delivery.samples import sample_context

pytestmark = pytest.mark.django_db


def test_storing_the_same_bytes_twice_keeps_one_row_and_one_file(settings):
    pdf = b"%PDF-1.7 fake"
    first = document_store(kind=DocumentKind.RECEIPT, subject_key="dossier:42", pdf_bytes=pdf)
    second = document_store(kind=DocumentKind.RECEIPT, subject_key="dossier:42", pdf_bytes=pdf)
    assert first.pk == second.pk
    assert GeneratedDocument.objects.count() == 1
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert first.size == len(pdf)
    with first.file.open("rb") as handle:
        assert handle.read() == pdf
    from dossiers.storage import private_root

    assert len(list((private_root() / "documents" / "receipt").rglob("*.pdf"))) == 1
    assert not (settings.MEDIA_ROOT / "documents").exists()


def test_new_content_or_another_subject_or_kind_is_a_new_row():
    document_store(kind=DocumentKind.RECEIPT, subject_key="dossier:42", pdf_bytes=b"a")
    document_store(kind=DocumentKind.RECEIPT, subject_key="dossier:42", pdf_bytes=b"b")
    document_store(kind=DocumentKind.RECEIPT, subject_key="dossier:43", pdf_bytes=b"a")
    document_store(kind=DocumentKind.REFUSAL, subject_key="dossier:42", pdf_bytes=b"a")
    assert GeneratedDocument.objects.count() == 4


def test_re_rendering_unchanged_data_is_a_no_op():
    context = sample_context(DocumentKind.RECEIPT)
    first = document_render(kind=DocumentKind.RECEIPT, subject_key="dossier:7", context=context)
    again = document_render(kind=DocumentKind.RECEIPT, subject_key="dossier:7", context=context)
    assert first.pk == again.pk
    assert GeneratedDocument.objects.filter(subject_key="dossier:7").count() == 1
