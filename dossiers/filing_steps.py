"""The citizen's filing form cut into short steps, one topic per page (GOV.UK "one thing per
page"): the procedure's form sections in order, then the documents, then how the result is
received (and fees), then a "check your answers" page before submitting.

The sections come from the procedure's configuration (each form field's optional
``section``), so an admin shapes the steps without code; a procedure without sections gets
one "Thông tin" step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from procedures.constants import FieldType

from .constants import Channel
from .selectors import documents_for_channel

DATA, DOCUMENTS, DELIVERY, REVIEW = "data", "documents", "delivery", "review"

PLACE_FIELD = "noi_tiep_nhan"
ADDRESS_FIELDS = ("dia_chi_nhan", "tinh_nhan", "xa_nhan", "so_nha_nhan", "nguoi_nhan",
                  "dien_thoai_nhan")
DELIVERY_FIELDS = ("cach_nhan_ket_qua", "noi_nhan_ket_qua", *ADDRESS_FIELDS, "mien_phi",
                   "tep__mien-phi")


@dataclass(frozen=True)
class Step:
    number: int
    kind: str
    title: str
    field_names: tuple[str, ...] = field(default=())


def filing_steps(version) -> list[Step]:
    document = version.document
    groups: list[tuple[str, list[str]]] = []
    for spec in document.get("fields") or []:
        if spec.get("type") == FieldType.FILE:
            continue
        section = (spec.get("section") or "").strip()
        if not groups or (section and section != groups[-1][0]):
            groups.append((section, []))
        groups[-1][1].append(spec["key"])
    if not groups:
        groups = [("", [])]
    steps: list[Step] = []
    for index, (section, names) in enumerate(groups):
        # Where the dossier is filed is asked first: a draft cannot exist without it.
        names = [PLACE_FIELD, *names] if index == 0 else names
        steps.append(Step(len(steps) + 1, DATA, section or _("Thông tin"), tuple(names)))
    documents = documents_for_channel(version, Channel.ONLINE)
    if documents:
        names = [f"{prefix}__{d['key']}" for d in documents for prefix in ("tep", "kho")]
        steps.append(Step(len(steps) + 1, DOCUMENTS, _("Giấy tờ"), tuple(names)))
    steps.append(Step(len(steps) + 1, DELIVERY, _("Nhận kết quả"), DELIVERY_FIELDS))
    steps.append(Step(len(steps) + 1, REVIEW, _("Kiểm tra lại")))
    return steps


def step_of(steps: list[Step], name: str) -> Step:
    """The step that asks form field ``name`` (the documents step for a document key)."""
    for step in steps:
        if name in step.field_names:
            return step
    return steps[0]
