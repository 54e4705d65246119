"""The citizen's side: drafts, files (new uploads or the e-document store), submitting,
withdrawing and completing a requested supplement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.filecrypto import encrypted, is_encrypted, is_sensitive_document
from procedures.constants import DeliveryMethod, FieldType, ServiceLevel
from procedures.forms import build_filing_form_class
from procedures.models import Procedure, ProcedureVersion
from units.models import Unit
from units.selectors import pickup_unit_choices

from .. import calendar, filestore
from ..codes import next_dossier_code
from ..constants import Action, Channel, DossierState, StoredDocumentKind
from ..exceptions import DossierInvalid, NotPermitted, TransitionNotAllowed
from ..models import (
    AttachmentSource,
    Dossier,
    DossierAttachment,
    DossierTransition,
    PersonalDataAccess,
    StoredDocument,
)
from ..policy import may_attach
from ..prefill import apply_locked_values
from ..routing import competent_unit
from ..selectors import (
    EXEMPTION_PROOF_KEY,
    current_version,
    missing_documents,
    processing_days,
    version_documents,
    version_exemptions,
)
from ..storage import private_storage
from ..uploads import inspect_upload, max_dossier_bytes
from .core import apply_transition, display_name, lock, record, save, start_clock
from .fees import check_exemption


def _applicant_snapshot(user) -> dict[str, str]:
    profile = getattr(user, "citizen_profile", None)
    address = ""
    book = getattr(user, "delivery_addresses", None)
    if book is not None:
        first = book.select_related("province", "district", "ward").first()
        address = first.one_line if first else ""
    return {
        "applicant_name": display_name(user),
        "applicant_national_id": getattr(profile, "national_id", "") or "",
        "applicant_phone": getattr(user, "phone", "") or "",
        "applicant_email": user.email or "",
        "applicant_address": address,
    }


def check_delivery(version: ProcedureVersion, method: str, address: dict | None) -> None:
    document = version.document
    if method not in (document.get("delivery_methods") or [DeliveryMethod.PICKUP]):
        raise DossierInvalid(_("Thủ tục này không trả kết quả theo cách đã chọn."),
                             code="delivery_method")
    if method == DeliveryMethod.POSTAL:
        if int(document.get("level") or 0) < ServiceLevel.FULL:
            raise DossierInvalid(_("Chỉ thủ tục toàn trình mới nhận kết quả qua bưu chính."),
                                 code="delivery_method")
        if not address:
            raise DossierInvalid(_("Vui lòng chọn địa chỉ nhận kết quả."),
                                 code="delivery_address")


def delivery_address_snapshot(address) -> dict[str, Any]:
    """Freezes a citizens.DeliveryAddress into the dossier (later edits do not change it)."""
    return {
        "id": address.pk, "recipient_name": address.recipient_name,
        "recipient_phone": address.recipient_phone, "street": address.street,
        "ward": address.ward.name, "ward_id": address.ward_id,
        "district": address.district.name if address.district_id else "",
        "province": address.province.name, "one_line": address.one_line,
    }


def validate_data(version: ProcedureVersion, data: dict) -> dict:
    """Validates the declaration with the form built from the version's fields."""
    specs = [f for f in version.document.get("fields") or [] if f.get("type") != FieldType.FILE]
    form = build_filing_form_class(specs)(data=data)
    if not form.is_valid():
        raise DossierInvalid(_("Tờ khai chưa hợp lệ."), code="invalid_data",
                             details=form.errors.get_json_data())
    return {k: (v.isoformat() if hasattr(v, "isoformat") else
                str(v) if v is not None and not isinstance(v, (bool, int, str)) else v)
            for k, v in form.cleaned_data.items()}


# --- drafts and files --------------------------------------------------------------------


def checked_pickup_unit(pickup_unit: Unit | None, receiving: Unit) -> Unit | None:
    """The desk chosen to collect the result, None for the receiving unit's own (NĐ
    118/2025: any active commune-level desk of the receiving unit's province)."""
    if pickup_unit is None or pickup_unit.pk == receiving.pk:
        return None
    if not pickup_unit_choices(place=receiving).filter(pk=pickup_unit.pk).exists():
        raise DossierInvalid(
            _("Nơi nhận kết quả phải là bộ phận một cửa đang hoạt động trong tỉnh/thành phố "
              "của cơ quan tiếp nhận."), code="pickup_unit")
    return pickup_unit


@transaction.atomic
def dossier_create_draft(
    *, procedure: Procedure, applicant, place: Unit, data: dict | None = None,
    delivery_method: str = DeliveryMethod.PICKUP, delivery_address=None,
    fee_exemption: str = "", pickup_unit: Unit | None = None,
) -> Dossier:
    version = current_version(procedure)
    receiving = competent_unit(receiving_unit_kind=version.document.get(
        "receiving_unit_kind", procedure.receiving_unit_kind), place=place)
    pickup_unit = checked_pickup_unit(pickup_unit, receiving)
    dossier = Dossier.objects.create(
        procedure=procedure, procedure_version=version, applicant=applicant,
        receiving_unit=receiving, current_unit=receiving, channel=Channel.ONLINE,
        data=apply_locked_values(version, applicant, data or {}),
        delivery_method=delivery_method,
        delivery_address=delivery_address_snapshot(delivery_address) if delivery_address else {},
        fee_exemption=fee_exemption or "", pickup_unit=pickup_unit,
        **_applicant_snapshot(applicant),
    )
    record(dossier, action=Action.CREATE, from_state="", actor=applicant)
    return dossier


class _Unchanged:
    pass


UNCHANGED = _Unchanged()


@transaction.atomic
def dossier_update_draft(
    *, dossier: Dossier, acting_user, data: dict, place: Unit | None = None,
    delivery_method: str | None = None, delivery_address=None, fee_exemption: str | None = None,
    pickup_unit: Unit | None | _Unchanged = UNCHANGED,
) -> Dossier:
    """``pickup_unit``: the desk where the result is collected (None: the receiving unit's);
    left as it is when not given."""
    dossier = lock(dossier)
    if not dossier.is_draft or dossier.applicant_id != acting_user.pk:
        raise TransitionNotAllowed(_("Chỉ sửa được hồ sơ nháp của chính bạn."))
    dossier.data = apply_locked_values(dossier.procedure_version, acting_user, data)
    fields = ["data"]
    if place is not None:
        dossier.receiving_unit = dossier.current_unit = competent_unit(
            receiving_unit_kind=dossier.procedure_version.document.get(
                "receiving_unit_kind", dossier.procedure.receiving_unit_kind), place=place)
        fields += ["receiving_unit", "current_unit"]
        if pickup_unit is UNCHANGED and dossier.pickup_unit_id and not pickup_unit_choices(
                place=dossier.receiving_unit).filter(pk=dossier.pickup_unit_id).exists():
            pickup_unit = None  # the chosen desk is not in the new receiving unit's province
    if pickup_unit is not UNCHANGED:
        dossier.pickup_unit = checked_pickup_unit(pickup_unit, dossier.receiving_unit)
        fields.append("pickup_unit")
    if delivery_method is not None:
        dossier.delivery_method = delivery_method
        dossier.delivery_address = (delivery_address_snapshot(delivery_address)
                                    if delivery_address else {})
        fields += ["delivery_method", "delivery_address"]
    if fee_exemption is not None:
        dossier.fee_exemption = fee_exemption
        fields.append("fee_exemption")
    save(dossier, fields)
    return dossier


@transaction.atomic
def dossier_attach(
    *, dossier: Dossier, acting_user, document_key: str, upload: UploadedFile | None = None,
    stored_document: StoredDocument | None = None,
) -> DossierAttachment:
    """Adds one file to a dossier: a new upload (also kept in the citizen's e-document store)
    or a document already in the store, reused without uploading it again."""
    dossier = lock(dossier)
    if not may_attach(acting_user, dossier):
        raise TransitionNotAllowed(_("Không thể thêm tệp vào hồ sơ ở trạng thái này."))
    keys = {d["key"]: d for d in version_documents(dossier.procedure_version)}
    if version_exemptions(dossier.procedure_version):
        keys.setdefault(EXEMPTION_PROOF_KEY, {"name": _("Giấy tờ chứng minh được miễn lệ phí")})
    if document_key not in keys and document_key != "khac":
        raise DossierInvalid(_("Thành phần hồ sơ không hợp lệ."), code="document_key")
    title = keys.get(document_key, {}).get("name", _("Giấy tờ khác"))
    if (upload is None) == (stored_document is None):
        raise DossierInvalid(_("Hãy tải lên một tệp hoặc chọn một giấy tờ trong kho."),
                             code="no_file")
    if stored_document is not None:
        if stored_document.owner_id != dossier.applicant_id:
            raise NotPermitted(_("Giấy tờ này không thuộc kho dữ liệu của bạn."))
        info = _stored_info(stored_document)
    else:
        info = inspect_upload(upload)
    by_citizen = bool(dossier.applicant_id and acting_user.pk == dossier.applicant_id)
    if by_citizen:
        filestore.lock_citizen(dossier.applicant_id)
    same_bytes = None
    if upload is not None and by_citizen:
        # The same bytes uploaded again by the same citizen reuse their stored file: the same
        # e-document for the same document, the same file under a new store entry otherwise.
        same_bytes = filestore.stored_copy(owner_id=dossier.applicant_id,
                                           sha256=info["sha256"], size=info["size"],
                                           document_key=document_key)
        if (same_bytes is not None and is_sensitive_document(document_key)
                and not is_encrypted(private_storage, same_bytes.file.name)):
            same_bytes = None  # an ID-card image gets its own encrypted copy
        if same_bytes is not None:
            info = {**_stored_info(same_bytes), "original_name": info["original_name"]}
            if same_bytes.document_key == document_key:
                stored_document = same_bytes
    # In a draft the new file replaces the document's current one, which no longer counts.
    replaced = (list(dossier.attachments.filter(document_key=document_key)
                     .select_related("stored_document"))
                if dossier.is_draft else [])
    used = (dossier.attachments.exclude(pk__in=[a.pk for a in replaced])
            .aggregate(total=Sum("size"))["total"] or 0)
    if used + info["size"] > max_dossier_bytes():
        raise DossierInvalid(
            _("Tổng dung lượng tệp của hồ sơ vượt quá %(mb)s MB.")
            % {"mb": max_dossier_bytes() // (1024 * 1024)}, code="dossier_too_large")
    if upload is not None and stored_document is None:
        if same_bytes is not None:
            name = info["storage_name"]
        else:
            if by_citizen:
                filestore.check_citizen_quota(dossier.applicant_id, info["size"])
            # ID-card images are sensitive data: encrypted at rest (portal.filecrypto).
            name = private_storage.save(
                info["storage_name"],
                encrypted(upload) if is_sensitive_document(document_key) else upload)
        if by_citizen:
            stored_document = StoredDocument.objects.create(
                owner_id=dossier.applicant_id, kind=StoredDocumentKind.UPLOAD,
                document_key=document_key, title=title, file=name, sha256=info["sha256"],
                size=info["size"], content_type=info["content_type"],
                original_name=info["original_name"], source_dossier=dossier,
            )
    else:
        name = info["storage_name"]
    attachment = DossierAttachment.objects.create(
        dossier=dossier, document_key=document_key, file=name, sha256=info["sha256"],
        size=info["size"], content_type=info["content_type"],
        original_name=info["original_name"], stored_document=stored_document,
        source=AttachmentSource.UPLOAD if upload is not None else AttachmentSource.STORE,
        is_supplement=dossier.state == DossierState.SUPPLEMENT_REQUESTED,
        uploaded_by=acting_user,
    )
    # A draft keeps one file per document; the old one goes, and its file once unreferenced.
    filestore.release_replaced_attachments(dossier=dossier, replaced=replaced,
                                           keep=stored_document)
    return attachment


def _stored_info(document: StoredDocument) -> dict:
    return {"storage_name": document.file.name, "sha256": document.sha256,
            "size": document.size, "content_type": document.content_type,
            "original_name": document.original_name}


@transaction.atomic
def dossier_delete_draft(*, dossier: Dossier, acting_user) -> None:
    """The citizen throws away a draft they never submitted: its attachments, the store
    entries uploaded only for it, and, after commit, files nothing else points at (the
    filestore rules). The draft's only history row ("created") goes with it: nothing was
    ever filed with the administration, so there is nothing to keep an account of."""
    dossier = lock(dossier)
    if not dossier.is_draft or dossier.applicant_id != acting_user.pk:
        raise TransitionNotAllowed(_("Chỉ xoá được hồ sơ nháp của chính bạn."))
    if PersonalDataAccess.objects.filter(dossier=dossier).exists():  # staff opened it
        raise TransitionNotAllowed(_("Hồ sơ này không thể xoá."))
    filestore.lock_citizen(dossier.applicant_id)
    attachments = list(dossier.attachments.select_related("stored_document"))
    filestore.release_replaced_attachments(dossier=dossier, replaced=attachments, keep=None)
    # Append-only rows refuse delete() one by one; this queryset delete is the one exception.
    DossierTransition.objects.filter(dossier=dossier).delete()
    Dossier.objects.filter(pk=dossier.pk).delete()


@transaction.atomic
def dossier_detach(*, dossier: Dossier, acting_user, attachment_id: int) -> None:
    """Removes one file from the citizen's own draft (the remove button next to it)."""
    dossier = lock(dossier)
    if not dossier.is_draft or dossier.applicant_id != acting_user.pk:
        raise TransitionNotAllowed(_("Chỉ bỏ được tệp của hồ sơ nháp của chính bạn."))
    replaced = list(dossier.attachments.filter(pk=attachment_id)
                    .select_related("stored_document"))
    filestore.lock_citizen(dossier.applicant_id)
    filestore.release_replaced_attachments(dossier=dossier, replaced=replaced, keep=None)


@dataclass(frozen=True)
class Problem:
    """One reason a draft cannot be submitted yet, tied to the form field that fixes it."""

    field: str
    message: str


def submit_problems(dossier: Dossier) -> list[Problem]:
    """Every reason ``dossier_submit`` would refuse this draft, all at once (it stops at the
    first), in the order of the form, so the citizen fixes them in one pass."""
    problems: list[Problem] = []
    version = dossier.procedure_version
    specs = [f for f in version.document.get("fields") or [] if f.get("type") != FieldType.FILE]
    form = build_filing_form_class(specs)(data=dossier.data)
    if not form.is_valid():
        errors = form.errors.as_data()
        for spec in specs:
            for error in errors.get(spec["key"], []):
                if error.code == "required":  # say what to do, naming the question
                    message = _("Vui lòng điền “%(label)s”.") % {"label": spec["label"]}
                else:
                    message = f"{spec['label']}: {' '.join(error.messages)}"
                problems.append(Problem(spec["key"], message))
    for spec in missing_documents(dossier):
        message = _("Còn thiếu giấy tờ bắt buộc: %(name)s.") % {"name": spec["name"]}
        problems.append(Problem(f"tep__{spec['key']}", message))
    try:
        check_delivery(version, dossier.delivery_method, dossier.delivery_address)
    except DossierInvalid as exc:
        problems.append(Problem("dia_chi_nhan" if exc.code == "delivery_address"
                                else "cach_nhan_ket_qua", exc.message))
    try:
        check_exemption(dossier)
    except DossierInvalid as exc:
        problems.append(Problem("tep__mien-phi" if exc.code == "fee_exemption_proof"
                                else "mien_phi", exc.message))
    return problems


# --- citizen transitions -----------------------------------------------------------------


@transaction.atomic
def dossier_submit(*, dossier: Dossier, acting_user) -> Dossier:
    def change(dossier: Dossier, target: str) -> list[str]:
        version = dossier.procedure_version
        # Locked identity fields carry the verified values, whatever the draft holds.
        dossier.data = validate_data(
            version, apply_locked_values(version, dossier.applicant, dossier.data))
        check_delivery(version, dossier.delivery_method, dossier.delivery_address)
        check_exemption(dossier)
        missing = missing_documents(dossier)
        if missing:
            raise DossierInvalid(
                _("Còn thiếu giấy tờ bắt buộc: %(names)s.")
                % {"names": "; ".join(d["name"] for d in missing)},
                code="missing_documents", details={"documents": [d["key"] for d in missing]})
        now = timezone.now()
        dossier.code = next_dossier_code(unit=dossier.receiving_unit,
                                         day=timezone.localdate(now))
        dossier.submitted_at = now
        # Expected appointment if received now; the clerk's reception sets the binding one.
        dossier.due_date = calendar.due_date_for(now, processing_days(dossier))
        dossier.acknowledge_due_at = calendar.acknowledge_by(now)
        return ["data", "code", "submitted_at", "due_date", "acknowledge_due_at"]

    return apply_transition(dossier=dossier, action=Action.SUBMIT, acting_user=acting_user,
                            change=change).dossier


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, acting_user, note: str = "",
                     expected_version: int | None = None) -> Dossier:
    def change(dossier: Dossier, target: str) -> list[str]:
        dossier.finished_at = timezone.now()
        return ["finished_at"]

    return apply_transition(dossier=dossier, action=Action.WITHDRAW, acting_user=acting_user,
                            note=note, expected_version=expected_version,
                            change=change).dossier


@transaction.atomic
def dossier_supplement(*, dossier: Dossier, acting_user, note: str = "",
                       expected_version: int | None = None) -> Dossier:
    """The citizen completes the same dossier. Asked at reception, it waits for reception
    again, with a new acknowledgement deadline from now (the completed filing is new to the
    desk); asked later, it is received anew and the deadline restarts from now (the time
    spent waiting for the citizen does not count: see dossiers/clock.py). The table computes
    which (policy.target_after_supplement)."""
    def change(dossier: Dossier, target: str) -> list[str]:
        new = dossier.attachments.filter(created_at__gte=dossier.supplement_requested_at)
        if not new.exists() and not note.strip():
            raise DossierInvalid(_("Vui lòng tải lên giấy tờ bổ sung hoặc ghi chú."),
                                 code="nothing_supplied")
        now = timezone.now()
        if target == DossierState.SUBMITTED:
            dossier.acknowledge_due_at = calendar.acknowledge_by(now)
            return ["acknowledge_due_at"]
        return start_clock(dossier, now)

    return apply_transition(dossier=dossier, action=Action.SUPPLEMENT, acting_user=acting_user,
                            note=note, expected_version=expected_version,
                            change=change).dossier
