"""Staff pages: the queue, the dossier with its action buttons, the process-control sheet
(Mẫu 06) and any-office reception of paper dossiers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import staff_units, user_by_identifier
from portal.web import domain_errors_as_messages
from procedures.models import Procedure
from units.constants import UnitKind
from units.models import Unit
from units.selectors import pickup_unit_choices

from .access import staff_required
from .constants import TRANSITIONS, Action, Channel
from .display import answers
from .forms import ActionForm, QueueFilterForm, reception_form_class, split_cleaned
from .policy import staff_actions
from .selectors import (
    QUEUE_TABS,
    CountedQuerySet,
    acknowledgement_left,
    current_version,
    dossier_history,
    dossier_queue,
    queue_counts,
    staff_dossier,
)
from .services import (
    dossier_act,
    dossier_attach,
    dossier_file_in_person,
    personal_data_access_record,
)

TAB_LABELS = {
    "cho-tiep-nhan": _("Chờ tiếp nhận"), "tre-tiep-nhan": _("Trễ tiếp nhận"),
    "dang-xu-ly": _("Đang xử lý"),
    "bo-sung": _("Chờ bổ sung"), "den-han-hom-nay": _("Đến hạn hôm nay"),
    "qua-han": _("Quá hạn"), "tra-ket-qua": _("Chờ trả kết quả"), "tat-ca": _("Tất cả"),
}


@staff_required
def queue(request):
    tab = request.GET.get("tab", "cho-tiep-nhan")
    if tab not in QUEUE_TABS:
        tab = "cho-tiep-nhan"
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedure, channel = filters.get("procedure", ""), filters.get("channel", "")
    counts = queue_counts(request.user)
    dossiers = dossier_queue(request.user, tab=tab, procedure=procedure, channel=channel)
    if not (procedure or channel):  # the tab's count is known: no COUNT(*) for the pages
        dossiers = CountedQuerySet(dossiers, counts[tab])
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    left = acknowledgement_left(page.object_list)
    for dossier in page.object_list:
        dossier.acknowledge_left = (_time_left(left[dossier.pk], dossier.is_late_to_acknowledge)
                                    if dossier.pk in left else "")
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("tab", None)
    return render(request, "dossiers/staff/queue.html", {
        "tab": tab, "tabs": [(key, TAB_LABELS[key], counts[key]) for key in QUEUE_TABS],
        "page": page, "form": form, "query_string": keep.urlencode(),
    })


def _time_left(left, late: bool) -> str:
    """Office time left to acknowledge ("còn 3 giờ 30 phút"), or how late ("trễ 2 giờ")."""
    minutes = int(abs(left).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        amount = _("%(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}
    elif hours:
        amount = _("%(hours)d giờ") % {"hours": hours}
    else:
        amount = _("%(minutes)d phút") % {"minutes": minutes}
    if not late:
        return _("còn %(amount)s") % {"amount": amount}
    # Late by no office time yet (a deadline at 17:00, seen in the evening): late all the same.
    return _("trễ %(amount)s") % {"amount": amount} if hours or minutes else _("trễ hạn")


@staff_required
def staff_detail(request, ref: str):
    dossier = staff_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    personal_data_access_record(dossier=dossier, user=request.user, purpose="view")
    documents = {d["key"]: d["name"] for d in dossier.procedure_version.document.get(
        "documents") or []}
    actions = [(a, Action(a).label, TRANSITIONS[a].note_required)
               for a in staff_actions(request.user, dossier)]
    return render(request, "dossiers/staff/detail.html", {
        "dossier": dossier, "actions": actions,
        "data": answers(dossier),
        "attachments": dossier.attachments.all(), "documents": documents,
        "history": dossier_history(dossier, citizen_view=False),
        "step": dossier.current_step_spec,
    })


@staff_required
@require_POST
def staff_act(request, ref: str):
    dossier = staff_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Dữ liệu không hợp lệ."))
        return redirect("dossiers_staff:detail", ref=dossier.ref)
    data = form.cleaned_data
    extra = {}
    if data["action"] == Action.APOLOGIZE:
        extra["new_due_date"] = data.get("new_due_date")
    if data["action"] == Action.MARK_RESULT_READY and data.get("result_file"):
        extra["result_file"] = data["result_file"]
    with domain_errors_as_messages(request):
        dossier = dossier_act(dossier=dossier, acting_user=request.user, action=data["action"],
                              note=data.get("note", ""), expected_version=data.get("version"),
                              **extra)
        messages.success(request, _("Đã thực hiện: %(action)s – hồ sơ %(code)s.")
                         % {"action": Action(data["action"]).label, "code": dossier.ref})
    return redirect("dossiers_staff:detail", ref=dossier.ref)


@staff_required
def control_sheet(request, ref: str):
    """Mẫu 06 on screen: the same rows as its PDF (one per hand-over, giver and receiver as
    people, the result against the step's allotted time), from the one definition in
    delivery.contexts."""
    from delivery.contexts import control_sheet_context  # delivery builds on dossiers

    dossier = staff_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    return render(request, "dossiers/staff/control_sheet.html",
                  {"dossier": dossier, "sheet": control_sheet_context(dossier)})


@staff_required
def reception(request):
    """Một cửa bất kỳ: file a paper dossier for a walk-in citizen at this desk."""
    intake_units = list(staff_units(request.user, "clerk").filter(is_active=True)[:50])
    if not intake_units:
        messages.error(request, _("Bạn không phải cán bộ một cửa."))
        return redirect("dossiers_staff:queue")
    code = request.GET.get("thu_tuc") or request.POST.get("thu_tuc")
    procedures = Procedure.objects.published().order_by("name").only("code", "name")
    if not code:
        return render(request, "dossiers/staff/reception_pick.html", {"procedures": procedures})
    procedure = get_object_or_404(Procedure.objects.published(), code=code)
    version = current_version(procedure)
    form_class = reception_form_class(version)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        _reception_choices(form, intake_units)
        if form.is_valid():
            with domain_errors_as_messages(request):
                dossier = _receive_paper(request, form, procedure, intake_units)
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s, chuyển đến %(unit)s.")
                                 % {"code": dossier.code, "unit": dossier.receiving_unit.name})
                return redirect("dossiers_staff:detail", ref=dossier.ref)
    else:
        form = form_class()
    _reception_choices(form, intake_units)
    return render(request, "dossiers/staff/reception.html",
                  {"procedure": procedure, "form": form, "intake_units": intake_units})


def _reception_choices(form, intake_units) -> None:
    form.fields["noi_cu_tru"].queryset = Unit.objects.active().filter(kind=UnitKind.WARD)
    # The desks of the clerk's province; the service checks the receiving unit's.
    form.fields["noi_nhan_ket_qua"].queryset = pickup_unit_choices(place=intake_units[0])


def _receive_paper(request, form, procedure, intake_units):
    data, uploads, _stored = split_cleaned(form)
    cleaned = form.cleaned_data
    intake = next((u for u in intake_units if str(u.pk) == request.POST.get("noi_nhan")),
                  intake_units[0])
    account = user_by_identifier(cleaned["cccd_nguoi_nop"]) if cleaned.get(
        "cccd_nguoi_nop") else None
    with transaction.atomic():
        dossier = dossier_file_in_person(
            acting_user=request.user, intake_unit=intake, procedure=procedure,
            place=cleaned["noi_cu_tru"], applicant_name=cleaned["ho_ten_nguoi_nop"],
            applicant_national_id=cleaned.get("cccd_nguoi_nop", ""),
            applicant_phone=cleaned.get("dien_thoai", ""),
            applicant_address=cleaned.get("dia_chi", ""), applicant=account, data=data,
            channel=cleaned.get("kenh") or Channel.IN_PERSON,
            pickup_unit=cleaned.get("noi_nhan_ket_qua"),
        )
        for key, upload in uploads.items():
            dossier_attach(dossier=dossier, acting_user=request.user, document_key=key,
                           upload=upload)
    return dossier


