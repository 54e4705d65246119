"""Driving a dossier through the workflow in tests."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

from pypdf import PdfReader

from tests.factories import POSTAL_ADDRESS, advance_dossier, make_dossier

__all__ = ["POSTAL_ADDRESS", "finish", "process_to_result_ready", "submitted_dossier"]


def submitted_dossier(procedure, citizen, units, *, postal=False, **extra):
    """A submitted dossier whose applicant has a national ID (the counter checks it)."""
    return make_dossier(state="submitted", procedure=procedure, citizen=citizen, units=units,
                        postal=postal, national_id="048090001234", **extra)


def process_to_result_ready(dossier, clerk, processor, leader):
    """Receives (a fee is not paid here: the caller pays it, or reception refuses)."""
    from dossiers.services import dossier_receive

    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    return finish(dossier, clerk, processor, leader)


def finish(dossier, clerk, processor, leader):
    return advance_dossier(dossier, state="result_ready", clerk=clerk, processor=processor,
                           leader=leader)


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def path_and_params(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
