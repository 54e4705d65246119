"""Citizen and public pages of dossiers. Thin: parse, check access, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.selectors import delivery_addresses_of
from portal.clientip import client_address
from portal.files import private_file_response
from portal.ratelimit import over_limit
from portal.web import domain_errors_as_messages
from procedures.constants import DeliveryMethod
from procedures.models import Procedure
from units.models import Unit

from .access import citizen_required, may_read_dossier_file, may_read_private_file
from .exceptions import DossierError
from .forms import SupplementForm, TrackForm, filing_form_class, split_cleaned
from .models import Dossier, DossierAttachment, StoredDocument
from .selectors import (
    citizen_dossier,
    current_version,
    dossier_by_ref,
    dossier_history,
    dossiers_of_citizen,
    missing_documents,
    public_track,
    results_board,
    stored_documents_of,
)
from .services import (
    dossier_attach,
    dossier_create_draft,
    dossier_submit,
    dossier_supplement,
    dossier_update_draft,
    dossier_withdraw,
)


def _initial(dossier: Dossier | None, user) -> dict:
    if dossier is None:
        address = delivery_addresses_of(user).first()
        return {"noi_tiep_nhan": address.ward_id if address else None}
    initial = dict(dossier.data)
    initial.update({
        "noi_tiep_nhan": dossier.receiving_unit_id,
        "cach_nhan_ket_qua": dossier.delivery_method,
        "mien_phi": dossier.fee_exemption,
        "dia_chi_nhan": dossier.delivery_address.get("id"),
    })
    return initial


@citizen_required
def file_dossier(request, code: str):
    procedure = get_object_or_404(Procedure.objects.published(), code=code)
    try:
        version = current_version(procedure)
    except DossierError as exc:
        raise Http404 from exc
    return _filing(request, procedure=procedure, version=version, dossier=None)


@citizen_required
def edit_draft(request, ref: str):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    if not dossier.is_draft:
        return redirect("dossiers:detail", ref=dossier.ref)
    return _filing(request, procedure=dossier.procedure, version=dossier.procedure_version,
                   dossier=dossier)


def _filing(request, *, procedure, version, dossier):
    user = request.user
    form_class = filing_form_class(version, stored_documents=stored_documents_of(user),
                                   addresses=delivery_addresses_of(user))
    submitting = "nop" in request.POST
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if not submitting:  # a draft may be incomplete
            for field in form.fields.values():
                field.required = False
        if form.is_valid():
            try:
                dossier = _save_filing(request, form, procedure, dossier, submitting)
            except DossierError as exc:
                messages.error(request, exc.message)
            else:
                if submitting:
                    messages.success(request, _("Đã nộp hồ sơ %(code)s.") % {"code": dossier.code})
                    return redirect("dossiers:detail", ref=dossier.ref)
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("dossiers:edit", ref=dossier.ref)
    else:
        form = form_class(initial=_initial(dossier, user))
    attachments = {a.document_key: a for a in dossier.attachments.all()} if dossier else {}
    documents = [{"spec": d, "upload": form[f"tep__{d['key']}"],
                  "store": form[f"kho__{d['key']}"], "current": attachments.get(d["key"])}
                 for d in version.document.get("documents") or []]
    data_names = [f["key"] for f in version.document.get("fields") or []
                  if f.get("type") != "file"]
    return render(request, "dossiers/file.html", {
        "procedure": procedure, "version": version, "dossier": dossier, "form": form,
        "data_fields": [form[name] for name in data_names], "documents": documents,
        "exemption_proof": form["tep__mien-phi"] if "tep__mien-phi" in form.fields else None,
    })


def _save_filing(request, form, procedure, dossier, submitting):
    data, uploads, stored = split_cleaned(form)
    place = form.cleaned_data.get("noi_tiep_nhan")
    method = form.cleaned_data.get("cach_nhan_ket_qua") or DeliveryMethod.PICKUP
    address = form.cleaned_data.get("dia_chi_nhan")
    exemption = form.cleaned_data.get("mien_phi") or ""
    with transaction.atomic():
        if dossier is None:
            if place is None:
                from .exceptions import DossierInvalid

                raise DossierInvalid(_("Vui lòng chọn cơ quan tiếp nhận."))
            dossier = dossier_create_draft(procedure=procedure, applicant=request.user,
                                           place=place, data=data, delivery_method=method,
                                           delivery_address=address, fee_exemption=exemption)
        else:
            dossier = dossier_update_draft(dossier=dossier, acting_user=request.user, data=data,
                                           place=place, delivery_method=method,
                                           delivery_address=address, fee_exemption=exemption)
        for key, upload in uploads.items():
            dossier_attach(dossier=dossier, acting_user=request.user, document_key=key,
                           upload=upload)
        for key, document in stored.items():
            if key not in uploads:
                dossier_attach(dossier=dossier, acting_user=request.user, document_key=key,
                               stored_document=document)
        if submitting:
            dossier = dossier_submit(dossier=dossier, acting_user=request.user)
    return dossier


@citizen_required
def my_dossiers(request):
    page = Paginator(dossiers_of_citizen(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/my_list.html", {"page": page})


@citizen_required
def detail(request, ref: str):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    return render(request, "dossiers/detail.html", {
        "dossier": dossier,
        "history": dossier_history(dossier, citizen_view=True),
        "attachments": dossier.attachments.all(),
        "documents": {d["key"]: d["name"] for d in dossier.procedure_version.document.get(
            "documents") or []},
        "missing": missing_documents(dossier) if dossier.is_draft else [],
        "supplement_form": SupplementForm(),
    })


@citizen_required
@require_POST
def supplement(request, ref: str):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    form = SupplementForm(request.POST)
    form.is_valid()
    with domain_errors_as_messages(request), transaction.atomic():
        for key, upload in request.FILES.items():
            if key.startswith("tep__"):
                dossier_attach(dossier=dossier, acting_user=request.user,
                               document_key=key[5:], upload=upload)
        dossier_supplement(dossier=dossier, acting_user=request.user,
                           note=form.cleaned_data.get("note", ""))
        messages.success(request, _("Đã gửi nội dung bổ sung."))
    return redirect("dossiers:detail", ref=dossier.ref)


@citizen_required
@require_POST
def withdraw(request, ref: str):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    with domain_errors_as_messages(request):
        dossier_withdraw(dossier=dossier, acting_user=request.user,
                         note=request.POST.get("note", ""))
        messages.success(request, _("Đã rút hồ sơ."))
    return redirect("dossiers:detail", ref=dossier.ref)


def _file_response(file_field, content_type: str, original_name: str):
    safe = "".join(c for c in original_name if c.isalnum() or c in "._- ") or "tep"
    return private_file_response(file_field, content_type=content_type, filename=safe[:100])


def attachment(request, ref: str, pk: int):
    """Serves a dossier file to the applicant or to staff who may see the dossier; to anyone
    else the file does not exist."""
    dossier = dossier_by_ref(ref)
    if not may_read_dossier_file(request, dossier, purpose="file"):
        raise Http404
    item = get_object_or_404(DossierAttachment, dossier=dossier, pk=pk)
    return _file_response(item.file, item.content_type, item.original_name)


@citizen_required
def stored_document(request, pk: int):
    item = StoredDocument.objects.filter(pk=pk).first()
    if item is None or not may_read_private_file(request, owner_id=item.owner_id):
        raise Http404
    return _file_response(item.file, item.content_type, item.original_name)


@citizen_required
def document_store(request):
    return render(request, "dossiers/store.html",
                  {"documents": stored_documents_of(request.user)})


# --- public ------------------------------------------------------------------------------

TRACK_LIMIT_PER_MINUTE = 20


def _throttled(request) -> bool:
    return over_limit(f"dossiers:track:{client_address(request)}",
                      TRACK_LIMIT_PER_MINUTE)


def track(request):
    form = TrackForm(request.GET or None)
    dossier = None
    if form.is_valid():
        if _throttled(request):
            return HttpResponse(_("Bạn tra cứu quá nhiều lần, vui lòng thử lại sau ít phút."),
                                status=429)
        dossier = public_track(form.cleaned_data["code"].strip())
    return render(request, "dossiers/track.html", {
        "form": form, "dossier": dossier, "searched": form.is_valid()})


def board(request, unit_code: str):
    unit = get_object_or_404(Unit.objects.active(), code=unit_code)
    rows = [{
        "code": dossier.code, "procedure": dossier.procedure.name,
        "applicant": _mask_name(dossier.applicant_name), "state": dossier.get_state_display(),
        "on_time": bool(dossier.due_date and dossier.finished_at
                        and timezone.localtime(dossier.finished_at).date() <= dossier.due_date),
        "finished_at": dossier.finished_at,
    } for dossier in results_board(unit)]
    return render(request, "dossiers/board.html", {"unit": unit, "rows": rows})


def _mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N*** V*** An': the given name stays readable for the owner."""
    parts = (name or "").split()
    if len(parts) <= 1:
        return (name[:1] + "***") if name else ""
    return " ".join([p[0] + "***" for p in parts[:-1]] + [parts[-1]])


