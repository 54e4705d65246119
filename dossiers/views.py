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

from portal.clientip import client_address
from portal.files import private_file_response
from portal.ratelimit import over_limit
from portal.web import domain_errors_as_messages
from units.models import Unit

from .access import citizen_required, may_read_dossier_file, may_read_private_file
from .constants import Action, DossierState
from .filing_views import autosave, delete_draft, edit_draft, file_dossier, upload  # noqa: F401
from .forms import SupplementForm, TrackForm, WithdrawForm
from .models import DossierAttachment, StoredDocument
from .policy import may_perform
from .selectors import (
    citizen_dossier,
    dossier_by_ref,
    dossier_history,
    dossiers_of_citizen,
    drafts_of_citizen,
    missing_documents,
    public_track,
    results_board,
    stored_documents_of,
)
from .services import (
    dossier_attach,
    dossier_supplement,
    dossier_withdraw,
)


@citizen_required
def my_dossiers(request):
    """Drafts first, each with its procedure and last change, to continue or delete; then
    the filed dossiers."""
    filed = dossiers_of_citizen(request.user).exclude(state=DossierState.DRAFT)
    page = Paginator(filed, 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/my_list.html", {
        "page": page, "drafts": drafts_of_citizen(request.user)})


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
def withdraw(request, ref: str):
    """Withdrawing ends the case, so it is never one tap: the detail page links here, this
    page says what it means and asks for a reason, and only its POST withdraws."""
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    if not may_perform(request.user, dossier, Action.WITHDRAW):
        messages.error(request, _("Hồ sơ này không thể rút ở trạng thái hiện tại."))
        return redirect("dossiers:detail", ref=dossier.ref)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request):
            dossier_withdraw(dossier=dossier, acting_user=request.user,
                             note=form.cleaned_data["note"])
            messages.success(request, _("Đã rút hồ sơ."))
        return redirect("dossiers:detail", ref=dossier.ref)
    return render(request, "dossiers/withdraw_confirm.html", {"dossier": dossier, "form": form})


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
        dossier = public_track(form.cleaned_data["code"])
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


