"""Writes on dossiers. Every transition is one atomic service that locks the row, checks the
state against ``constants.TRANSITIONS`` and the actor's role and unit, writes with
``update_fields`` and appends a ``DossierTransition``; notifications go out on commit."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_holds_role_at
from portal.tasks import enqueue_on_commit
from procedures.constants import DeliveryMethod, FieldType, ServiceLevel
from procedures.forms import build_filing_form_class
from procedures.models import Procedure, ProcedureVersion
from units.models import Unit

from . import calendar, filestore
from .codes import next_dossier_code
from .constants import (
    CITIZEN,
    CITIZEN_VISIBLE_ACTIONS,
    HANDOVER_ONLY_ACTIONS,
    STEP_ROLE,
    SYSTEM,
    TRANSITIONS,
    Action,
    Channel,
    DossierState,
    SlipKind,
    StoredDocumentKind,
)
from .exceptions import (
    ConcurrentUpdate,
    DossierInvalid,
    NotPermitted,
    TransitionNotAllowed,
)
from .models import (
    AttachmentSource,
    Dossier,
    DossierAttachment,
    DossierSlip,
    DossierTransition,
    PersonalDataAccess,
    StoredDocument,
)
from .routing import competent_unit, path_ids, unit_for_step
from .selectors import queue_touch
from .signals import dossier_transitioned
from .storage import private_storage
from .uploads import inspect_upload, max_dossier_bytes

# --- helpers ---------------------------------------------------------------------------------


def _lock(dossier: Dossier, expected_version: int | None = None) -> Dossier:
    locked = (Dossier.objects.select_for_update(of=("self",))
              .select_related("procedure_version", "procedure", "receiving_unit", "current_unit")
              .get(pk=dossier.pk))
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentUpdate(
            _("Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
            % {"code": locked.ref}
        )
    return locked


def _state_label(state: str) -> str:
    return str(DossierState(state).label) if state else ""


def _check(dossier: Dossier, action: str, user, note: str = "") -> None:
    """Raises unless ``user`` may perform ``action`` on ``dossier`` in its current state."""
    rule = TRANSITIONS[action]
    if dossier.state not in rule.sources:
        raise TransitionNotAllowed(
            _("Không thể “%(action)s” hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": Action(action).label, "state": _state_label(dossier.state)}
        )
    if rule.note_required and not (note or "").strip():
        raise DossierInvalid(_("Vui lòng nhập lý do hoặc nội dung."), code="note_required")
    if SYSTEM in rule.roles and user is None:
        return  # the portal itself: a confirmed gateway callback or a routing task
    if CITIZEN in rule.roles:
        if user is None or dossier.applicant_id is None or user.pk != dossier.applicant_id:
            raise NotPermitted(_("Chỉ người nộp hồ sơ mới thực hiện được thao tác này."))
        return
    roles = set(rule.roles)
    if STEP_ROLE in roles:
        step = dossier.current_step_spec
        roles = {step["role"]} if step else set()
    if not staff_may_act(user, dossier.current_unit, roles):
        raise NotPermitted(
            _("Bạn không có vai trò phù hợp tại %(unit)s để thực hiện thao tác này.")
            % {"unit": dossier.current_unit.name}
        )


def staff_may_act(user, unit: Unit, roles) -> bool:
    """The user holds one of ``roles`` in ``unit`` or one of its ancestors."""
    if user is None:
        return False
    return user_holds_role_at(user, path_ids(unit), roles)


def _display(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def _step_name(dossier: Dossier, step: int) -> str:
    steps = dossier.steps
    return steps[step].get("name", "") if step < len(steps) else ""


def _record(
    dossier: Dossier, *, action: str, from_state: str, actor, note: str = "",
    unit: Unit | None = None, to_unit: Unit | None = None, step: int | None = None,
) -> DossierTransition:
    step = dossier.current_step if step is None else step
    entry = DossierTransition.objects.create(
        dossier=dossier, actor=actor, actor_name=_display(actor), action=action,
        from_state=from_state, to_state=dossier.state, step=step,
        step_name=_step_name(dossier, step),
        unit=unit or dossier.current_unit, to_unit=to_unit, note=note or "",
        due_date=dossier.due_date,
    )
    if action in CITIZEN_VISIBLE_ACTIONS:
        from .tasks import notify_citizen

        enqueue_on_commit(notify_citizen, entry.pk)
    if from_state != dossier.state or entry.to_unit_id:
        # Before and after the commit: a count cached in between is dropped by the second touch.
        touched = (dossier.current_unit_id, entry.unit_id, entry.to_unit_id)
        queue_touch(touched)
        transaction.on_commit(lambda: queue_touch(touched))
    transaction.on_commit(lambda: dossier_transitioned.send_robust(
        sender=Dossier, transition_id=entry.pk, dossier_id=dossier.pk, action=action,
        to_state=dossier.state,
    ))
    return entry


def _save(dossier: Dossier, fields: list[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


def _slip(dossier: Dossier, kind: str, entry: DossierTransition, **extra: Any) -> DossierSlip:
    data = {
        "agency": dossier.receiving_unit.name,
        "agency_code": dossier.receiving_unit.code,
        "code": dossier.code,
        "applicant": {
            "name": dossier.applicant_name, "address": dossier.applicant_address,
            "phone": dossier.applicant_phone, "email": dossier.applicant_email,
        },
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name,
                      "version": dossier.procedure_version.number},
        "officer": entry.actor_name,
        "created_at": entry.created_at.isoformat(),
        **extra,
    }
    return DossierSlip.objects.create(dossier=dossier, kind=kind, transition=entry, data=data)


def current_version(procedure: Procedure) -> ProcedureVersion:
    version = ProcedureVersion.objects.filter(
        procedure=procedure, number=procedure.current_version).first()
    if version is None or procedure.status != "published":
        raise DossierInvalid(_("Thủ tục này hiện không nhận hồ sơ."), code="not_published")
    return version


def _documents(version: ProcedureVersion) -> list[dict]:
    return list(version.document.get("documents") or [])


def _processing_days(dossier: Dossier) -> int:
    return int(dossier.procedure_version.document.get("processing_days") or 0)


def _applicant_snapshot(user) -> dict[str, str]:
    profile = getattr(user, "citizen_profile", None)
    address = ""
    book = getattr(user, "delivery_addresses", None)
    if book is not None:
        first = book.select_related("province", "district", "ward").first()
        address = first.one_line if first else ""
    return {
        "applicant_name": _display(user),
        "applicant_national_id": getattr(profile, "national_id", "") or "",
        "applicant_phone": getattr(user, "phone", "") or "",
        "applicant_email": user.email or "",
        "applicant_address": address,
    }


def _check_delivery(version: ProcedureVersion, method: str, address: dict | None) -> None:
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


@transaction.atomic
def dossier_create_draft(
    *, procedure: Procedure, applicant, place: Unit, data: dict | None = None,
    delivery_method: str = DeliveryMethod.PICKUP, delivery_address=None,
    fee_exemption: str = "",
) -> Dossier:
    version = current_version(procedure)
    receiving = competent_unit(receiving_unit_kind=version.document.get(
        "receiving_unit_kind", procedure.receiving_unit_kind), place=place)
    dossier = Dossier.objects.create(
        procedure=procedure, procedure_version=version, applicant=applicant,
        receiving_unit=receiving, current_unit=receiving, channel=Channel.ONLINE,
        data=data or {}, delivery_method=delivery_method,
        delivery_address=delivery_address_snapshot(delivery_address) if delivery_address else {},
        fee_exemption=fee_exemption or "",
        **_applicant_snapshot(applicant),
    )
    _record(dossier, action=Action.CREATE, from_state="", actor=applicant)
    return dossier


@transaction.atomic
def dossier_update_draft(
    *, dossier: Dossier, acting_user, data: dict, place: Unit | None = None,
    delivery_method: str | None = None, delivery_address=None, fee_exemption: str | None = None,
) -> Dossier:
    dossier = _lock(dossier)
    if dossier.state != DossierState.DRAFT or dossier.applicant_id != acting_user.pk:
        raise TransitionNotAllowed(_("Chỉ sửa được hồ sơ nháp của chính bạn."))
    dossier.data = data
    fields = ["data"]
    if place is not None:
        dossier.receiving_unit = dossier.current_unit = competent_unit(
            receiving_unit_kind=dossier.procedure_version.document.get(
                "receiving_unit_kind", dossier.procedure.receiving_unit_kind), place=place)
        fields += ["receiving_unit", "current_unit"]
    if delivery_method is not None:
        dossier.delivery_method = delivery_method
        dossier.delivery_address = (delivery_address_snapshot(delivery_address)
                                    if delivery_address else {})
        fields += ["delivery_method", "delivery_address"]
    if fee_exemption is not None:
        dossier.fee_exemption = fee_exemption
        fields.append("fee_exemption")
    _save(dossier, fields)
    return dossier


def _may_attach(dossier: Dossier, user) -> bool:
    if dossier.applicant_id and user.pk == dossier.applicant_id:
        return dossier.state in (DossierState.DRAFT, DossierState.SUPPLEMENT_REQUESTED)
    # Desk staff scan the paper of a dossier they received in person.
    return dossier.state in (DossierState.RECEIVED, DossierState.SUBMITTED) and (
        staff_may_act(user, dossier.current_unit, {"clerk"})
        or (dossier.intake_unit_id and staff_may_act(user, dossier.intake_unit, {"clerk"})))


@transaction.atomic
def dossier_attach(
    *, dossier: Dossier, acting_user, document_key: str, upload: UploadedFile | None = None,
    stored_document: StoredDocument | None = None,
) -> DossierAttachment:
    """Adds one file to a dossier: a new upload (also kept in the citizen's e-document store)
    or a document already in the store, reused without uploading it again."""
    dossier = _lock(dossier)
    if not _may_attach(dossier, acting_user):
        raise TransitionNotAllowed(_("Không thể thêm tệp vào hồ sơ ở trạng thái này."))
    keys = {d["key"]: d for d in _documents(dossier.procedure_version)}
    if _exemptions(dossier.procedure_version):
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
        if same_bytes is not None:
            info = {**_stored_info(same_bytes), "original_name": info["original_name"]}
            if same_bytes.document_key == document_key:
                stored_document = same_bytes
    # In a draft the new file replaces the document's current one, which no longer counts.
    replaced = (list(dossier.attachments.filter(document_key=document_key)
                     .select_related("stored_document"))
                if dossier.state == DossierState.DRAFT else [])
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
            name = private_storage.save(info["storage_name"], upload)
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


def missing_documents(dossier: Dossier) -> list[dict]:
    present = set(dossier.attachments.values_list("document_key", flat=True))
    return [d for d in _documents(dossier.procedure_version)
            if d.get("mandatory") and d["key"] not in present]


# --- citizen transitions -----------------------------------------------------------------


@transaction.atomic
def dossier_submit(*, dossier: Dossier, acting_user) -> Dossier:
    dossier = _lock(dossier)
    _check(dossier, Action.SUBMIT, acting_user)
    version = dossier.procedure_version
    dossier.data = validate_data(version, dossier.data)
    _check_delivery(version, dossier.delivery_method, dossier.delivery_address)
    _check_exemption(dossier)
    missing = missing_documents(dossier)
    if missing:
        raise DossierInvalid(
            _("Còn thiếu giấy tờ bắt buộc: %(names)s.")
            % {"names": "; ".join(d["name"] for d in missing)},
            code="missing_documents", details={"documents": [d["key"] for d in missing]})
    now = timezone.now()
    dossier.code = next_dossier_code(unit=dossier.receiving_unit, day=timezone.localdate(now))
    dossier.submitted_at = now
    # Expected appointment if received now; the clerk's reception sets the binding one.
    dossier.due_date = calendar.due_date_for(now, _processing_days(dossier))
    dossier.acknowledge_due_at = calendar.acknowledge_by(now)
    from_state, dossier.state = dossier.state, DossierState.SUBMITTED
    _save(dossier, ["data", "code", "submitted_at", "due_date", "acknowledge_due_at", "state"])
    _record(dossier, action=Action.SUBMIT, from_state=from_state, actor=acting_user)
    return dossier


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, acting_user, note: str = "",
                     expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.WITHDRAW, acting_user, note)
    from_state, dossier.state = dossier.state, DossierState.WITHDRAWN
    dossier.finished_at = timezone.now()
    _save(dossier, ["state", "finished_at"])
    _record(dossier, action=Action.WITHDRAW, from_state=from_state, actor=acting_user, note=note)
    return dossier


def _start_clock(dossier: Dossier, now: datetime.datetime) -> None:
    dossier.received_at = now
    dossier.due_date = calendar.due_date_for(now, _processing_days(dossier))
    dossier.original_due_date = dossier.due_date
    dossier.current_step = 0
    dossier.current_unit = dossier.receiving_unit


@transaction.atomic
def dossier_supplement(*, dossier: Dossier, acting_user, note: str = "",
                       expected_version: int | None = None) -> Dossier:
    """The citizen completes the same dossier. Asked at reception, it waits for reception
    again, with a new acknowledgement deadline from now (the completed filing is new to the
    desk); asked later, it is received anew and the deadline restarts from now (the time
    spent waiting for the citizen does not count: see dossiers/clock.py)."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.SUPPLEMENT, acting_user, note)
    new = dossier.attachments.filter(created_at__gte=dossier.supplement_requested_at)
    if not new.exists() and not note.strip():
        raise DossierInvalid(_("Vui lòng tải lên giấy tờ bổ sung hoặc ghi chú."),
                             code="nothing_supplied")
    now = timezone.now()
    from_state = dossier.state
    fields = ["state"]
    if dossier.supplement_from_state == DossierState.SUBMITTED:
        dossier.state = DossierState.SUBMITTED
        dossier.acknowledge_due_at = calendar.acknowledge_by(now)
        fields.append("acknowledge_due_at")
    else:
        dossier.state = DossierState.RECEIVED
        _start_clock(dossier, now)
        fields += ["received_at", "due_date", "original_due_date", "current_step",
                   "current_unit"]
    _save(dossier, fields)
    _record(dossier, action=Action.SUPPLEMENT, from_state=from_state, actor=acting_user,
            note=note)
    return dossier


# --- fees ----------------------------------------------------------------------------------

EXEMPTION_PROOF_KEY = "mien-phi"


def _exemptions(version: ProcedureVersion) -> list[dict]:
    return list(version.document.get("fee_exemptions") or [])


def fee_lines(version: ProcedureVersion) -> list[dict]:
    """The charged fees of a version: what the citizen pays, computed here, never sent by
    the browser."""
    return [{"name": f["name"], "amount": int(f["amount"])}
            for f in version.document.get("fees") or [] if int(f.get("amount") or 0) > 0]


def fee_amount(dossier: Dossier) -> int:
    """What must be paid online before reception: level 4, online payment, not exempt."""
    document = dossier.procedure_version.document
    if int(document.get("level") or 0) < ServiceLevel.FULL or not document.get("online_payment"):
        return 0
    if dossier.channel != Channel.ONLINE or dossier.fee_exemption_spec is not None:
        return 0
    return sum(line["amount"] for line in fee_lines(dossier.procedure_version))


def fee_paid(dossier: Dossier) -> bool:
    return dossier.transitions.filter(action=Action.PAY).exists()


def fee_outstanding(dossier: Dossier) -> int:
    amount = fee_amount(dossier)
    return amount if amount and not fee_paid(dossier) else 0


def _check_exemption(dossier: Dossier) -> None:
    if not dossier.fee_exemption:
        return
    spec = dossier.fee_exemption_spec
    if spec is None:
        raise DossierInvalid(_("Lý do miễn lệ phí không hợp lệ."), code="fee_exemption")
    if spec.get("proof_required") and not dossier.attachments.filter(
            document_key=EXEMPTION_PROOF_KEY).exists():
        raise DossierInvalid(
            _("Vui lòng đính kèm giấy tờ chứng minh được miễn lệ phí (%(reason)s).")
            % {"reason": spec["reason"]}, code="fee_exemption_proof")


@transaction.atomic
def dossier_record_payment(*, dossier_id: int, amount: int, order_ref: str,
                           transaction_no: str = "") -> DossierTransition | None:
    """Records a confirmed online payment once (a citizen-visible event, no state change).

    Returns None when it was already recorded, or when the amount is not this dossier's fee
    (a payment never marks another dossier, or a different fee, paid)."""
    dossier = _lock(Dossier(pk=dossier_id))
    if fee_paid(dossier):
        return None
    if amount != fee_amount(dossier):
        return None
    _check(dossier, Action.PAY, None)
    note = _("Đã thanh toán %(amount)s đồng, mã giao dịch %(ref)s.") % {
        "amount": f"{amount:,}".replace(",", "."), "ref": order_ref}
    if transaction_no:
        note += " " + _("Số giao dịch tại cổng: %(no)s.") % {"no": transaction_no}
    return _record(dossier, action=Action.PAY, from_state=dossier.state, actor=None, note=note)


def dossier_record_event(*, dossier: Dossier, action: str, note: str = "",
                         locked: bool = False) -> DossierTransition:
    """A system event without a state change (result routing); the caller makes it idempotent
    (one appointment, one shipment per dossier). ``locked=True``: the caller already holds the
    row lock in this transaction and passes the locked instance, so it is not fetched again."""
    if not (locked and transaction.get_connection().in_atomic_block):
        dossier = _lock(dossier)
    _check(dossier, action, None, note)
    return _record(dossier, action=action, from_state=dossier.state, actor=None, note=note)


def dossier_record_events(*, events: list[tuple[Dossier, str]], action: str
                          ) -> list[DossierTransition]:
    """``dossier_record_event`` for many dossiers in one insert (batch result routing).

    The caller holds the row locks of every dossier in its open transaction; each event is a
    system event without a state change, so no queue count moves. After the commit the
    notices go out in one message for the page, and the ``dossier_transitioned`` signal is
    sent per event, as for one event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_record_events needs the caller's transaction and locks")
    for dossier, note in events:
        _check(dossier, action, None, note)
    entries = DossierTransition.objects.bulk_create([
        DossierTransition(
            dossier=dossier, actor=None, actor_name="", action=action,
            from_state=dossier.state, to_state=dossier.state, step=dossier.current_step,
            step_name=_step_name(dossier, dossier.current_step),
            unit=dossier.current_unit, to_unit=None, note=note or "", due_date=dossier.due_date,
        )
        for dossier, note in events
    ])
    if action in CITIZEN_VISIBLE_ACTIONS and entries:
        from .tasks import notify_citizens

        enqueue_on_commit(notify_citizens, [entry.pk for entry in entries])

    def send_signals() -> None:
        for entry in entries:
            dossier_transitioned.send_robust(
                sender=Dossier, transition_id=entry.pk, dossier_id=entry.dossier_id,
                action=action, to_state=entry.to_state)

    transaction.on_commit(send_signals)
    return entries


# --- desk and processing transitions -----------------------------------------------------


@transaction.atomic
def dossier_receive(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.RECEIVE, acting_user, note)
    due = fee_outstanding(dossier)
    if due:
        raise DossierInvalid(
            _("Chưa tiếp nhận được: hồ sơ %(code)s chưa nộp lệ phí trực tuyến "
              "(%(amount)s đồng). Hồ sơ sẽ tiếp nhận được sau khi thanh toán được xác nhận.")
            % {"code": dossier.ref, "amount": f"{due:,}".replace(",", ".")},
            code="fee_unpaid")
    from_state, dossier.state = dossier.state, DossierState.RECEIVED
    _start_clock(dossier, timezone.now())
    _save(dossier, ["state", "received_at", "due_date", "original_due_date", "current_step",
                    "current_unit"])
    entry = _record(dossier, action=Action.RECEIVE, from_state=from_state, actor=acting_user,
                    note=note)
    _receipt(dossier, entry)
    return dossier


def _receipt(dossier: Dossier, entry: DossierTransition) -> DossierSlip:
    documents = {d["key"]: d for d in _documents(dossier.procedure_version)}
    attached = [{"key": a.document_key, "name": documents.get(a.document_key, {}).get(
        "name", a.document_key), "file": a.original_name} for a in dossier.attachments.all()]
    return _slip(
        dossier, SlipKind.RECEIPT, entry,
        documents=attached, sets=1,
        processing_days=_processing_days(dossier),
        received_at=timezone.localtime(dossier.received_at).isoformat(),
        appointment=dossier.due_date.isoformat(),
        pickup_place=dossier.receiving_unit.address or dossier.receiving_unit.name,
        delivery_method=dossier.delivery_method,
        channel=dossier.channel,
    )


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, acting_user, note: str,
                               items: list[str] | None = None,
                               expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.REQUEST_SUPPLEMENT, acting_user, note)
    items = [i.strip() for i in (items or note.splitlines()) if i.strip()]
    from_state, dossier.state = dossier.state, DossierState.SUPPLEMENT_REQUESTED
    dossier.supplement_from_state = from_state
    dossier.supplement_items = items
    dossier.supplement_count += 1
    dossier.supplement_requested_at = timezone.now()
    _save(dossier, ["state", "supplement_from_state", "supplement_items", "supplement_count",
                    "supplement_requested_at"])
    entry = _record(dossier, action=Action.REQUEST_SUPPLEMENT, from_state=from_state,
                    actor=acting_user, note=note)
    _slip(dossier, SlipKind.SUPPLEMENT, entry, items=items, reason=note,
          contact_phone=dossier.receiving_unit.phone)
    return dossier


def _refusal(dossier: Dossier, *, action: str, acting_user, note: str,
             expected_version: int | None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, action, acting_user, note)
    from_state, dossier.state = dossier.state, DossierState.REFUSED
    dossier.refusal_reason = note
    dossier.finished_at = timezone.now()
    _save(dossier, ["state", "refusal_reason", "finished_at"])
    entry = _record(dossier, action=action, from_state=from_state, actor=acting_user, note=note)
    _slip(dossier, SlipKind.REFUSAL, entry, reasons=note)
    return dossier


@transaction.atomic
def dossier_refuse_reception(*, dossier: Dossier, acting_user, note: str,
                             expected_version: int | None = None) -> Dossier:
    return _refusal(dossier, action=Action.REFUSE_RECEPTION, acting_user=acting_user,
                    note=note, expected_version=expected_version)


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, acting_user, note: str,
                   expected_version: int | None = None) -> Dossier:
    return _refusal(dossier, action=Action.REFUSE, acting_user=acting_user, note=note,
                    expected_version=expected_version)


@transaction.atomic
def dossier_forward(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.FORWARD, acting_user, note)
    steps = dossier.steps
    if dossier.current_step + 1 >= len(steps):
        raise TransitionNotAllowed(_("Đây là bước cuối của quy trình; hãy phê duyệt hoặc từ "
                                     "chối."))
    from_state, from_unit = dossier.state, dossier.current_unit
    dossier.current_step += 1
    dossier.current_unit = unit_for_step(receiving_unit=dossier.receiving_unit,
                                         step=steps[dossier.current_step])
    dossier.state = DossierState.IN_PROGRESS
    _save(dossier, ["state", "current_step", "current_unit"])
    _record(dossier, action=Action.FORWARD, from_state=from_state, actor=acting_user, note=note,
            unit=from_unit, to_unit=dossier.current_unit, step=dossier.current_step - 1)
    return dossier


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, acting_user, note: str,
                      expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.SEND_BACK, acting_user, note)
    if dossier.current_step == 0:
        raise TransitionNotAllowed(_("Hồ sơ đang ở bước đầu tiên, không thể trả lại."))
    from_state, from_unit = dossier.state, dossier.current_unit
    dossier.current_step -= 1
    dossier.current_unit = unit_for_step(receiving_unit=dossier.receiving_unit,
                                         step=dossier.steps[dossier.current_step])
    dossier.state = (DossierState.RECEIVED if dossier.current_step == 0
                     else DossierState.IN_PROGRESS)
    _save(dossier, ["state", "current_step", "current_unit"])
    _record(dossier, action=Action.SEND_BACK, from_state=from_state, actor=acting_user,
            note=note, unit=from_unit, to_unit=dossier.current_unit,
            step=dossier.current_step + 1)
    return dossier


@transaction.atomic
def dossier_approve(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.APPROVE, acting_user, note)
    from_state, dossier.state = dossier.state, DossierState.APPROVED
    dossier.finished_at = timezone.now()
    _save(dossier, ["state", "finished_at"])
    _record(dossier, action=Action.APPROVE, from_state=from_state, actor=acting_user, note=note)
    return dossier


@transaction.atomic
def dossier_mark_result_ready(*, dossier: Dossier, acting_user, note: str = "",
                              result_summary: str = "", result_file: UploadedFile | None = None,
                              expected_version: int | None = None) -> Dossier:
    """The result is at the desk (and, if a file is given, in the citizen's e-document store)."""
    dossier = _lock(dossier, expected_version)
    dossier.current_unit = dossier.receiving_unit  # the result goes back to the desk
    _check(dossier, Action.MARK_RESULT_READY, acting_user, note)
    from_state, dossier.state = dossier.state, DossierState.RESULT_READY
    dossier.result_summary = result_summary or dossier.procedure_version.document.get(
        "result_document", "")
    fields = ["state", "result_summary", "current_unit"]
    if result_file is not None and dossier.applicant_id:
        info = inspect_upload(result_file)
        name = private_storage.save(info["storage_name"], result_file)
        dossier.result_document = StoredDocument.objects.create(
            owner_id=dossier.applicant_id, kind=StoredDocumentKind.RESULT,
            title=dossier.result_summary, file=name, sha256=info["sha256"], size=info["size"],
            content_type=info["content_type"], original_name=info["original_name"],
            source_dossier=dossier,
        )
        fields.append("result_document")
    _save(dossier, fields)
    _record(dossier, action=Action.MARK_RESULT_READY, from_state=from_state, actor=acting_user,
            note=note)
    return dossier


@transaction.atomic
def dossier_return_result(*, dossier: Dossier, acting_user, note: str = "",
                          expected_version: int | None = None) -> Dossier:
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.RETURN_RESULT, acting_user, note)
    from_state, dossier.state = dossier.state, DossierState.RETURNED
    _save(dossier, ["state"])
    _record(dossier, action=Action.RETURN_RESULT, from_state=from_state, actor=acting_user,
            note=note)
    return dossier


@transaction.atomic
def dossier_apologize(*, dossier: Dossier, acting_user, note: str,
                      new_due_date: datetime.date | None,
                      expected_version: int | None = None) -> Dossier:
    """Records the apology letter (Mẫu 04) for a late dossier with a new appointment."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, Action.APOLOGIZE, acting_user, note)
    if not new_due_date or (dossier.due_date and new_due_date <= dossier.due_date):
        raise DossierInvalid(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."), code="new_due_date")
    if new_due_date < timezone.localdate():
        raise DossierInvalid(_("Ngày hẹn mới không được ở quá khứ."), code="new_due_date")
    old = dossier.due_date
    dossier.due_date = new_due_date
    dossier.apology_count += 1
    dossier.apology_reason = note
    _save(dossier, ["due_date", "apology_count", "apology_reason"])
    entry = _record(dossier, action=Action.APOLOGIZE, from_state=dossier.state,
                    actor=acting_user, note=note)
    _slip(dossier, SlipKind.APOLOGY, entry, reason=note,
          received_at=dossier.received_at.isoformat() if dossier.received_at else None,
          original_appointment=old.isoformat() if old else None,
          new_appointment=new_due_date.isoformat())
    return dossier


SERVICES = {
    Action.WITHDRAW: dossier_withdraw,
    Action.SUPPLEMENT: dossier_supplement,
    Action.RECEIVE: dossier_receive,
    Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
    Action.REFUSE_RECEPTION: dossier_refuse_reception,
    Action.FORWARD: dossier_forward,
    Action.SEND_BACK: dossier_send_back,
    Action.APPROVE: dossier_approve,
    Action.REFUSE: dossier_refuse,
    Action.MARK_RESULT_READY: dossier_mark_result_ready,
    Action.RETURN_RESULT: dossier_return_result,
    Action.APOLOGIZE: dossier_apologize,
}


def dossier_act(*, dossier: Dossier, acting_user, action: str, note: str = "",
                expected_version: int | None = None, **extra: Any) -> Dossier:
    """One entry point for views and the API: dispatches to the action's service."""
    service = SERVICES.get(action)
    if service is None:
        raise TransitionNotAllowed(_("Thao tác không hợp lệ."), code="unknown_action")
    if action in HANDOVER_ONLY_ACTIONS:
        raise TransitionNotAllowed(
            _("Trả kết quả phải thực hiện tại trang Trả kết quả, sau khi kiểm tra giấy tờ tùy "
              "thân của người nhận."), code="handover_required")
    if action == Action.APOLOGIZE:
        extra.setdefault("new_due_date", None)
    return service(dossier=dossier, acting_user=acting_user, note=note,
                   expected_version=expected_version, **extra)


# --- any-office reception --------------------------------------------------------------------


@transaction.atomic
def dossier_file_in_person(
    *, acting_user, intake_unit: Unit, procedure: Procedure, place: Unit,
    applicant_name: str, applicant_national_id: str = "", applicant_phone: str = "",
    applicant_email: str = "", applicant_address: str = "", applicant=None,
    data: dict | None = None, delivery_method: str = DeliveryMethod.PICKUP,
    channel: str = Channel.IN_PERSON, note: str = "",
) -> Dossier:
    """A clerk of any ward receives a paper dossier for a walk-in citizen (with or without an
    e-account); it is routed to the competent unit and received there at once."""
    if not staff_may_act(acting_user, intake_unit, {"clerk"}):
        raise NotPermitted(_("Bạn không phải cán bộ một cửa của %(unit)s.")
                           % {"unit": intake_unit.name})
    version = current_version(procedure)
    receiving = competent_unit(receiving_unit_kind=version.document.get(
        "receiving_unit_kind", procedure.receiving_unit_kind), place=place)
    cleaned = validate_data(version, data or {})
    _check_delivery(version, delivery_method, {"one_line": applicant_address})
    now = timezone.now()
    dossier = Dossier(
        procedure=procedure, procedure_version=version, applicant=applicant,
        applicant_name=applicant_name, applicant_national_id=applicant_national_id,
        applicant_phone=applicant_phone, applicant_email=applicant_email,
        applicant_address=applicant_address, receiving_unit=receiving, current_unit=receiving,
        intake_unit=intake_unit, channel=channel, data=cleaned,
        delivery_method=delivery_method, submitted_at=now, state=DossierState.RECEIVED,
        delivery_address={"one_line": applicant_address} if applicant_address else {},
    )
    dossier.code = next_dossier_code(unit=receiving, day=timezone.localdate(now))
    _start_clock(dossier, now)
    dossier.save()
    text = note or _("Tiếp nhận hồ sơ giấy tại %(unit)s.") % {"unit": intake_unit.name}
    entry = _record(dossier, action=Action.RECEIVE, from_state="", actor=acting_user,
                    note=text, unit=intake_unit, to_unit=receiving)
    _receipt(dossier, entry)
    return dossier


# --- audit of reads ----------------------------------------------------------------------------


def personal_data_access_record(*, dossier: Dossier, user, purpose: str) -> None:
    PersonalDataAccess.objects.create(dossier=dossier, user=user, purpose=purpose[:64])
