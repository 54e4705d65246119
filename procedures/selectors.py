"""Reads of the public catalogue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Procedure, ProcessingStep


def procedure_catalogue(
    *, query: str = "", sector: str = "", level: int | None = None, unit_kind: str = ""
) -> QuerySet[Procedure]:
    qs = Procedure.objects.published().select_related("sector").order_by("name", "code")
    if query:
        qs = qs.search(query)  # ordered by rank, best first
    if sector:
        qs = qs.filter(sector__code=sector)
    if level:
        qs = qs.filter(level=level)
    if unit_kind:
        qs = qs.filter(receiving_unit_kind=unit_kind)
    return qs


def procedure_detail_queryset() -> QuerySet[Procedure]:
    return Procedure.objects.published().select_related("sector").prefetch_related(
        "fees", "documents", "fields", Prefetch("steps", queryset=ProcessingStep.objects.all())
    )
