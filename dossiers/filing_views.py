"""The citizen's filing pages: one short step per topic, a draft saved at every step (and by
static/js/filing.js as the citizen types), files kept as soon as they are chosen, and a
"Kiểm tra lại" page that lists every answer and every problem before submitting.

Everything works without JavaScript: each step is a plain form posted to the server. A draft
saves any subset of answers (only the format of what is filled is checked); whether the
dossier is complete is checked once, at submit, and every problem is shown at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.exceptions import RegistrationError
from citizens.selectors import delivery_addresses_of
from citizens.services import delivery_address_get_or_create
from procedures.constants import DeliveryMethod, FieldType
from procedures.models import Procedure
from units.models import Unit

from .access import citizen_required
from .constants import Channel
from .exceptions import DossierError
from .filing_steps import DATA, DELIVERY, DOCUMENTS, REVIEW, Step, filing_steps, step_of
from .forms import data_fields, filing_form_class, json_ready
from .models import Dossier
from .prefill import filing_initial, lock_filing_form
from .selectors import (
    citizen_dossier,
    current_version,
    documents_for_channel,
    stored_documents_of,
)
from .services import (
    dossier_attach,
    dossier_create_draft,
    dossier_delete_draft,
    dossier_detach,
    dossier_submit,
    dossier_update_draft,
    submit_problems,
)
from .services.filing import Problem


def _own_draft(request, ref: str) -> Dossier:
    dossier = citizen_dossier(request.user, ref)
    if dossier is None or not dossier.is_draft:
        raise Http404
    return dossier


def step_url(dossier: Dossier, number: int, anchor: str = "") -> str:
    url = reverse("dossiers:edit", args=[dossier.ref])
    if number > 1:
        url += f"?buoc={number}"
    return url + (f"#{anchor}" if anchor else "")


def _make_form(version, user, *args, dossier=None, **kwargs):
    """The whole filing form, never "required" in the browser or on save: a draft may be
    incomplete. Which fields are needed to submit is kept for the labels."""
    form_class = filing_form_class(
        version, stored_documents=stored_documents_of(user),
        addresses=delivery_addresses_of(user),
        pickup_place=dossier.receiving_unit if dossier is not None else None)
    if "initial" in kwargs:  # what the portal knows first; a draft keeps what was saved
        kwargs["initial"] = {**filing_initial(version, user), **kwargs["initial"]}
    form = form_class(*args, **kwargs)
    form.required_names = {name for name, f in form.fields.items() if f.required}
    for f in form.fields.values():
        f.required = False
    lock_filing_form(form, version, user)  # posted values of locked fields are ignored
    return form


def _initial(dossier: Dossier | None, user) -> dict:
    initial = {"nguoi_nhan": getattr(user, "full_name", "") or "",
               "dien_thoai_nhan": getattr(user, "phone", "") or ""}
    if dossier is None:
        address = delivery_addresses_of(user).first()
        initial["noi_tiep_nhan"] = address.ward_id if address else None
        return initial
    initial.update(dossier.data)
    initial.update({
        "noi_tiep_nhan": dossier.receiving_unit_id,
        "cach_nhan_ket_qua": dossier.delivery_method,
        "noi_nhan_ket_qua": dossier.pickup_desk.pk,
        "mien_phi": dossier.fee_exemption,
        "dia_chi_nhan": dossier.delivery_address.get("id"),
    })
    return initial


def _current_step(steps: list[Step], raw) -> Step:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        number = 1
    return steps[min(max(number, 1), len(steps)) - 1]


# --- pages ---------------------------------------------------------------------------------


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
    steps = filing_steps(version)
    raw_step = request.POST.get("buoc") if request.method == "POST" else request.GET.get("buoc")
    step = _current_step(steps, raw_step)
    if dossier is None and step.number != 1:
        step = steps[0]
    if request.method != "POST":
        form = _make_form(version, request.user, dossier=dossier,
                          initial=_initial(dossier, request.user))
        return _render_step(request, procedure, version, dossier, steps, step, form)
    form = _make_form(version, request.user, request.POST, request.FILES, dossier=dossier,
                      initial=_initial(dossier, request.user))
    dossier = _save(request, form, procedure, version, dossier, step, with_files=True)
    if dossier is None:  # nothing could be saved: the receiving office is missing
        return _render_step(request, procedure, version, None, steps, step, form)
    if "nop" in request.POST:
        problems = _form_problems(form) + submit_problems(dossier)
        if not problems:
            try:
                dossier = dossier_submit(dossier=dossier, acting_user=request.user)
            except DossierError as exc:
                problems = [Problem("", exc.message)]
            else:
                messages.success(request, _("Đã nộp hồ sơ %(code)s.") % {"code": dossier.code})
                return redirect("dossiers:detail", ref=dossier.ref)
        return _render_review(request, procedure, version, dossier, steps, problems)
    if form.errors:
        return _render_step(request, procedure, version, dossier, steps, step, form)
    if "nhap" in request.POST or "xoa_tep" in request.POST or step.kind == REVIEW:
        if "nhap" in request.POST:
            messages.success(request, _("Đã lưu bản nháp lúc %(time)s.") % {
                "time": _clock(dossier.updated_at)})
        return redirect(step_url(dossier, step.number))
    return redirect(step_url(dossier, min(step.number + 1, len(steps))))


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


@citizen_required
def autosave(request, ref: str | None = None, code: str | None = None):
    """What static/js/filing.js posts a few seconds after the citizen changes something:
    the same partial save as the "Lưu nháp" button, answered in JSON."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if ref is not None:
        dossier = _own_draft(request, ref)
        procedure, version = dossier.procedure, dossier.procedure_version
    else:
        dossier = None
        procedure = get_object_or_404(Procedure.objects.published(), code=code)
        try:
            version = current_version(procedure)
        except DossierError as exc:
            raise Http404 from exc
    steps = filing_steps(version)
    step = _current_step(steps, request.POST.get("buoc"))
    form = _make_form(version, request.user, request.POST, dossier=dossier,
                      initial=_initial(dossier, request.user))
    saved = _save(request, form, procedure, version, dossier, step, with_files=False)
    errors = {name: [str(m) for m in errs] for name, errs in form.errors.items()}
    if saved is None:
        return JsonResponse({"saved_at": None, "errors": errors})
    return JsonResponse({
        "saved_at": _clock(saved.updated_at), "ref": saved.ref,
        "edit_url": step_url(saved, step.number),
        "autosave_url": reverse("dossiers:autosave", args=[saved.ref]),
        "upload_url": reverse("dossiers:upload", args=[saved.ref]),
        "errors": errors,
    })


@citizen_required
@require_POST
def upload(request, ref: str):
    """Stores one chosen file at once (static/js/filing.js, with a progress bar): it stays
    attached to the draft whatever happens to the rest of the form."""
    dossier = _own_draft(request, ref)
    upload = request.FILES.get("file")
    key = request.POST.get("document_key", "")
    if upload is None:
        return JsonResponse({"error": {"code": "no_file", "message": _("Chưa chọn tệp."),
                                       "details": None}}, status=400)
    try:
        item = dossier_attach(dossier=dossier, acting_user=request.user, document_key=key,
                              upload=upload)
    except DossierError as exc:
        return JsonResponse({"error": {"code": exc.code, "message": exc.message,
                                       "details": exc.details}}, status=exc.http_status)
    return JsonResponse({
        "id": item.pk, "name": item.original_name, "size": filesize(item.size),
        "document_key": item.document_key, "content_type": item.content_type,
        "url": reverse("dossiers:attachment", args=[dossier.ref, item.pk]),
    }, status=201)


@citizen_required
def delete_draft(request, ref: str):
    """GET: "Xoá bản nháp này?" (a page, so it works without JavaScript); POST: deletes."""
    dossier = _own_draft(request, ref)
    if request.method == "POST":
        try:
            dossier_delete_draft(dossier=dossier, acting_user=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:mine")
        messages.success(request, _("Đã xoá bản nháp hồ sơ %(name)s.") % {
            "name": dossier.procedure.name})
        return redirect("dossiers:mine")
    return render(request, "dossiers/delete_draft.html", {"dossier": dossier})


def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


# --- saving --------------------------------------------------------------------------------


def _save(request, form, procedure, version, dossier, step, *, with_files) -> Dossier | None:
    """Saves what this post holds into the draft (creating it the first time) and returns it;
    fields of the step (or posted) with a format error are left as they were and reported on
    the form. Files are attached first, each on its own, so no later error loses them."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    scope = set(step.field_names) | {name for name in form.fields
                                     if name in request.POST or name in request.FILES}
    scope.discard("")
    if dossier is None:
        place = cleaned.get("noi_tiep_nhan")
        if place is None:
            if "noi_tiep_nhan" not in form.errors:
                form.add_error("noi_tiep_nhan",
                               _("Vui lòng chọn cơ quan tiếp nhận để lưu hồ sơ."))
            return None
        try:
            dossier = dossier_create_draft(procedure=procedure, applicant=request.user,
                                           place=place)
        except DossierError as exc:
            form.add_error("noi_tiep_nhan", exc.message)
            return None
    if with_files:
        _attach_files(request, form, dossier, scope)
    changes = {"data": _merged_data(form, version, dossier, scope)}
    if "noi_tiep_nhan" in scope and cleaned.get("noi_tiep_nhan") is not None:
        changes["place"] = cleaned["noi_tiep_nhan"]
    if "cach_nhan_ket_qua" in scope and "cach_nhan_ket_qua" not in form.errors:
        method = cleaned.get("cach_nhan_ket_qua") or dossier.delivery_method
        if method != DeliveryMethod.POSTAL:
            changes.update(delivery_method=method, delivery_address=None)
            if "noi_nhan_ket_qua" in scope and "noi_nhan_ket_qua" not in form.errors \
                    and cleaned.get("noi_nhan_ket_qua") is not None:
                changes["pickup_unit"] = cleaned["noi_nhan_ket_qua"]
        elif with_files or cleaned.get("dia_chi_nhan") is not None:
            changes.update(delivery_method=method,
                           delivery_address=_delivery_address(request, form))
        # An autosave while an address is being typed leaves delivery as it was: half-typed
        # addresses must not fill the citizen's address book.
    if "mien_phi" in form.fields and "mien_phi" in scope and "mien_phi" not in form.errors:
        changes["fee_exemption"] = cleaned.get("mien_phi") or ""
    try:
        dossier = dossier_update_draft(dossier=dossier, acting_user=request.user, **changes)
    except DossierError as exc:
        form.add_error(None, exc.message)
    return dossier


def _merged_data(form, version, dossier, scope) -> dict:
    data = dict(dossier.data)
    cleaned = getattr(form, "cleaned_data", {})
    for spec in data_fields(version):
        name = spec["key"]
        if name not in scope or name in form.errors:
            continue
        value = cleaned.get(name)
        if value is None or value == "" or (spec["type"] == FieldType.CHECKBOX and not value):
            data.pop(name, None)
        else:
            data[name] = value
    return json_ready(data)


def _attach_files(request, form, dossier, scope) -> None:
    if "xoa_tep" in request.POST:
        try:
            dossier_detach(dossier=dossier, acting_user=request.user,
                           attachment_id=int(request.POST["xoa_tep"]))
        except (ValueError, DossierError):
            form.add_error(None, _("Không bỏ được tệp này."))
    uploaded = set()
    for name, upload in request.FILES.items():
        if not name.startswith("tep__") or name not in form.fields:
            continue
        try:
            dossier_attach(dossier=dossier, acting_user=request.user, document_key=name[5:],
                           upload=upload)
        except DossierError as exc:
            form.add_error(name, exc.message)
        else:
            uploaded.add(name[5:])
    cleaned = getattr(form, "cleaned_data", {})
    for name in scope:
        if name.startswith("kho__") and cleaned.get(name) and name[5:] not in uploaded:
            try:
                dossier_attach(dossier=dossier, acting_user=request.user,
                               document_key=name[5:], stored_document=cleaned[name])
            except DossierError as exc:
                form.add_error(name, exc.message)


def _delivery_address(request, form):
    """The address chosen from the book, or the one typed in the form (saved to the book);
    None while neither is complete (the draft saves anyway; submit asks for it)."""
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("dia_chi_nhan") is not None:
        return cleaned["dia_chi_nhan"]
    typed = {name: cleaned.get(name) for name in ("xa_nhan", "so_nha_nhan", "nguoi_nhan",
                                                    "dien_thoai_nhan")}
    if not typed["xa_nhan"] and not (typed["so_nha_nhan"] or "").strip():
        return None
    missing = {"xa_nhan": _("Vui lòng chọn phường/xã."),
               "so_nha_nhan": _("Vui lòng nhập số nhà, tên đường."),
               "nguoi_nhan": _("Vui lòng nhập tên người nhận."),
               "dien_thoai_nhan": _("Vui lòng nhập số điện thoại người nhận.")}
    incomplete = False
    for name, message in missing.items():
        if name in form.errors:
            incomplete = True
        elif not typed[name] or not str(typed[name]).strip():
            form.add_error(name, message)
            incomplete = True
    if incomplete:
        return None
    ward = Unit.objects.active().filter(pk=typed["xa_nhan"]).first()
    if ward is None:
        form.add_error("xa_nhan", missing["xa_nhan"])
        return None
    try:
        return delivery_address_get_or_create(
            owner=request.user, ward=ward, street=typed["so_nha_nhan"],
            recipient_name=typed["nguoi_nhan"], recipient_phone=typed["dien_thoai_nhan"])
    except RegistrationError as exc:  # e.g. a phone number that is not Vietnamese
        form.add_error("dien_thoai_nhan" if exc.field == "phone" else None, exc.message)
        return None


def _form_problems(form) -> list[Problem]:
    return [Problem(name or "", str(message))
            for name, errors in form.errors.items() for message in errors
            if name != "__all__"] + [Problem("", str(m)) for m in form.non_field_errors()]


# --- rendering -----------------------------------------------------------------------------


def _anchor(form, name: str) -> str:
    if not name:
        return "loi"
    if name in form.fields:
        bound = form[name]
        # A textarea (an address field) has no input_type.
        if getattr(bound.field.widget, "input_type", None) == "radio":
            return f"{bound.auto_id}_0"
        return bound.auto_id
    return f"id_{name}"


def _summary(form, problems: list[Problem], dossier, steps, here: Step | None) -> list[dict]:
    """Error summary items: the message and the link to the field that fixes it, on this
    page or on the step that asks it."""
    items = []
    for problem in problems:
        anchor = _anchor(form, problem.field)
        target = step_of(steps, problem.field) if problem.field else here
        if dossier is None or target is None or (here is not None and target == here):
            href = f"#{anchor}"
        else:
            href = step_url(dossier, target.number, anchor)
        items.append({"href": href, "message": problem.message})
    return items


def _context(request, procedure, version, dossier, steps, step, form) -> dict:
    return {
        "procedure": procedure, "version": version, "dossier": dossier, "form": form,
        "steps": steps, "step": step, "total": len(steps),
        "previous_url": (step_url(dossier, step.number - 1) if dossier and step.number > 1
                         else None),
        "autosave_url": (reverse("dossiers:autosave", args=[dossier.ref]) if dossier
                         else reverse("dossiers:autosave_new", args=[procedure.code])),
        "upload_url": reverse("dossiers:upload", args=[dossier.ref]) if dossier else "",
        "saved_at": _clock(dossier.updated_at) if dossier else "",
        # The page's own address: a post answered with errors stays at it, so the error
        # summary's links to another step's fields load that step.
        "here_url": step_url(dossier, step.number) if dossier else "",
    }


def _render_step(request, procedure, version, dossier, steps, step, form):
    if step.kind == REVIEW:
        return _render_review(request, procedure, version, dossier, steps, [], form=form)
    problems = _form_problems(form) if form.is_bound else []
    context = _context(request, procedure, version, dossier, steps, step, form)
    context["summary"] = _summary(form, problems, dossier, steps, step)
    if step.kind == DATA:
        context["fields"] = [form[name] for name in step.field_names]
    elif step.kind == DOCUMENTS:
        context["documents"] = _documents(form, version, dossier)
    elif step.kind == DELIVERY:
        context["postal"] = DeliveryMethod.POSTAL in (version.document.get("delivery_methods")
                                                      or [])
        context["exemption_proof"] = (form["tep__mien-phi"]
                                      if "tep__mien-phi" in form.fields else None)
        context["proof_files"] = (list(dossier.attachments.filter(document_key="mien-phi"))
                                  if dossier else [])
    return render(request, "dossiers/file.html", context)


def _documents(form, version, dossier) -> list[dict]:
    attachments: dict[str, list] = {}
    if dossier is not None:
        for item in dossier.attachments.all():
            item.size_display = filesize(item.size)
            attachments.setdefault(item.document_key, []).append(item)
    return [{"spec": d, "upload": form[f"tep__{d['key']}"], "store": form[f"kho__{d['key']}"],
             "files": attachments.get(d["key"], [])}
            for d in documents_for_channel(version, Channel.ONLINE)]


def _render_review(request, procedure, version, dossier, steps, problems, form=None):
    """ "Kiểm tra lại": every answer, file and choice with a "Sửa" link to its step, then the
    submit button; after a failed submit, every problem at once, at the top and in place."""
    form = form if form is not None else _make_form(
        version, request.user, dossier=dossier, initial=_initial(dossier, request.user))
    step = steps[-1]
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    sections = []
    for data_step in steps:
        if data_step.kind != DATA:
            continue
        rows = [{"label": _("Cơ quan tiếp nhận") if name == "noi_tiep_nhan"
                 else form[name].label, "value": _display(form, dossier, name),
                 "href": step_url(dossier, data_step.number, _anchor(form, name)),
                 "errors": by_field.get(name, [])}
                for name in data_step.field_names]
        sections.append({"step": data_step, "rows": rows})
    documents = []
    doc_step = next((s for s in steps if s.kind == DOCUMENTS), None)
    if doc_step is not None:
        for doc in _documents(form, version, dossier):
            name = f"tep__{doc['spec']['key']}"
            documents.append({**doc, "errors": by_field.get(name, []),
                              "href": step_url(dossier, doc_step.number, _anchor(form, name))})
    delivery_step = next(s for s in steps if s.kind == DELIVERY)
    delivery_errors = [m for name in ("cach_nhan_ket_qua", "noi_nhan_ket_qua", "dia_chi_nhan",
                                      "mien_phi", "tep__mien-phi")
                       for m in by_field.get(name, [])]
    context = _context(request, procedure, version, dossier, steps, step, form)
    context.update({
        "summary": _summary(form, problems, dossier, steps, step),
        "sections": sections, "review_documents": documents,
        "delivery_step": delivery_step, "delivery_errors": delivery_errors,
        "delivery_href": step_url(dossier, delivery_step.number, "id_cach_nhan_ket_qua_0"),
        "delivery_label": DeliveryMethod(dossier.delivery_method).label,
        "pickup_desk": (dossier.pickup_desk if dossier.delivery_method != DeliveryMethod.POSTAL
                        else None),
        "exemption": dossier.fee_exemption_spec if dossier.fee_exemption else None,
    })
    return render(request, "dossiers/review.html", context)


def _display(form, dossier, name: str) -> str:
    if name == "noi_tiep_nhan":
        return dossier.receiving_unit.name
    value = dossier.data.get(name)
    if value in (None, ""):
        return ""
    field = form.fields[name]
    if hasattr(field, "choices"):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if getattr(field.widget, "input_type", None) == "date":
        try:
            from datetime import date

            return formats.date_format(date.fromisoformat(value), "d/m/Y")
        except ValueError:
            return value
    return str(value)
