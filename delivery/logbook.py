"""Mẫu 07 of TT 03/2025 – Sổ theo dõi hồ sơ: a unit's dossiers received in a period, one line
each with the circular's columns, as a landscape PDF and as a spreadsheet, for the unit's desk
and leaders. Built from the dossiers and their audit trail (no stored logbook: the same period
read again gives the same book)."""

from __future__ import annotations

import datetime
import io

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import StaffRole
from accounts.selectors import staff_units
from dossiers.access import staff_required
from dossiers.constants import Action, DossierState
from dossiers.models import Dossier, DossierTransition
from procedures.constants import DeliveryMethod
from units.models import Unit

from .constants import DocumentKind
from .contexts import unit_heading
from .documents import render_pdf
from .pdf_contexts import LogbookContext, LogbookRow

# Who keeps the book: the desk that receives and the leaders who answer for it.
LOGBOOK_ROLES = (StaffRole.CLERK, StaffRole.LEADER)
MAX_DAYS = 366
MAX_ROWS = 3000  # a PDF of more is unreadable anyway: the spreadsheet has no such limit
HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
           "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
           "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
           "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức",
           "Cách trả kết quả", "Ghi chú"]
RETURN_METHODS = {DeliveryMethod.PICKUP: "Tại bộ phận một cửa",
                  DeliveryMethod.POSTAL: "Qua bưu chính công ích"}
# Why a line ends without a result: the note column says so.
ENDINGS = {DossierState.REFUSED: "Từ chối giải quyết", DossierState.STOPPED: "Đã dừng giải quyết",
           DossierState.WITHDRAWN: "Công dân rút hồ sơ"}
MOVES = {Action.FORWARD: "sent", Action.APPROVE: "result", Action.REFUSE: "result",
         Action.RETURN_RESULT: "returned"}


def logbook_units(user) -> list[Unit]:
    """The units whose book ``user`` may read: those where they are clerk or leader (a
    district admin's scope below it: ``staff_units``)."""
    units = Unit.objects.none()
    for role in LOGBOOK_ROLES:
        units = units | staff_units(user, role)
    return list(units.filter(is_active=True).distinct().order_by("path")[:200])


def logbook_rows(unit: Unit, start: datetime.date, end: datetime.date,
                 limit: int | None = None) -> list[LogbookRow]:
    """The dossiers ``unit`` received (complete reception) from ``start`` to ``end``
    inclusive, in the order received."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    dossiers = list(Dossier.objects.filter(receiving_unit=unit, received_at__gte=since,
                                           received_at__lt=until)
                    .select_related("procedure", "current_unit")
                    .order_by("received_at", "id")[:limit])
    moments: dict[int, dict[str, datetime.datetime]] = {d.pk: {} for d in dossiers}
    for dossier_id, action, at in (DossierTransition.objects
                                   .filter(dossier_id__in=list(moments), action__in=list(MOVES))
                                   .order_by("created_at", "id")
                                   .values_list("dossier_id", "action", "created_at")):
        moments[dossier_id].setdefault(MOVES[action], at)  # the first of each
    rows = []
    for d in dossiers:
        seen = moments[d.pk]
        contact = "; ".join(part for part in (d.applicant_address, d.applicant_phone) if part)
        note = ENDINGS.get(d.state, "")
        if d.supplement_count:
            extra = _("Yêu cầu bổ sung %(n)d lần") % {"n": d.supplement_count}
            note = f"{note}; {extra}" if note else extra
        returned = seen.get("returned")
        rows.append(LogbookRow(
            code=d.code or "", procedure_name=d.procedure.name, sets=1,
            applicant_name=d.applicant_name, applicant_contact=contact,
            handling_unit=unit.name, received_at=d.received_at, due_at=d.due_date,
            sent_at=seen.get("sent"), result_at=seen.get("result"), returned_at=returned,
            return_method=RETURN_METHODS.get(d.delivery_method, "") if returned else "",
            note=note))
    return rows


def logbook_context(unit: Unit, start: datetime.date, end: datetime.date,
                    rows: list[LogbookRow]) -> LogbookContext:
    # Dated the day after the period (or today while it runs): the same period read
    # again on another day gives the same bytes once it is over.
    today = timezone.localdate()
    day = min(end + datetime.timedelta(days=1), today)
    issued = datetime.datetime.combine(day, datetime.time(7, 0), timezone.get_current_timezone())
    return LogbookContext(**unit_heading(unit), code=unit.code, period_start=start,
                          period_end=end, rows=rows, issued_at=issued)


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _cell(value):
    # Spreadsheet formula injection: text never starts with = + - @ (reports/exports.py).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def logbook_xlsx(unit: Unit, start: datetime.date, end: datetime.date,
                 rows: list[LogbookRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mau 07"
    sheet.append([f"{unit.committee_short.upper()} – {unit.desk.upper()}"])
    sheet.append(["SỔ THEO DÕI HỒ SƠ (Mẫu 07, Thông tư 03/2025/TT-VPCP)"])
    sheet.append([f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A2"].font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        sheet.append([_cell(v) for v in (
            number, row.code, row.procedure_name, row.sets, row.applicant_name,
            row.applicant_contact, row.handling_unit, _local(row.received_at),
            row.due_at.strftime("%d/%m/%Y") if row.due_at else "", _local(row.sent_at),
            _local(row.result_at), _local(row.returned_at), row.return_method, row.note)])
    for column, width in zip("ABCDEFGHIJKLMN", (5, 28, 32, 8, 24, 32, 22, 16, 12, 16, 16, 16,
                                                   20, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class LogbookForm(forms.Form):
    don_vi = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int)
    tu_ngay = forms.DateField(label=gettext_lazy("Từ ngày"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    den_ngay = forms.DateField(label=gettext_lazy("Đến ngày"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    dinh_dang = forms.ChoiceField(label=gettext_lazy("Định dạng"), initial="html",
                                  choices=[("html", gettext_lazy("Xem trên trang")),
                                           ("pdf", "PDF"), ("xlsx", "XLSX")])

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [(u.pk, u.name) for u in units]

    def clean(self):
        data = super().clean()
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Mỗi lần xem tối đa %(n)d ngày.") % {"n": MAX_DAYS})
        return data


@staff_required
def logbook(request: HttpRequest) -> HttpResponse:
    """The unit's logbook for a period: on the page, as PDF (Mẫu 07) or as a spreadsheet."""
    units = logbook_units(request.user)
    if not units:
        messages.error(request, _("Sổ theo dõi hồ sơ dành cho cán bộ một cửa và lãnh đạo đơn vị."))
        return render(request, "delivery/logbook.html", {"form": None, "rows": None},
                      status=403)
    today = timezone.localdate()
    initial = {"don_vi": units[0].pk, "tu_ngay": today.replace(day=1), "den_ngay": today,
               "dinh_dang": "html"}
    form = LogbookForm(request.GET or None, units=units, initial=initial)
    if not request.GET:
        return render(request, "delivery/logbook.html", {"form": form, "rows": None})
    if not form.is_valid():
        return render(request, "delivery/logbook.html", {"form": form, "rows": None},
                      status=400)
    data = form.cleaned_data
    unit = next(u for u in units if u.pk == data["don_vi"])
    start, end = data["tu_ngay"], data["den_ngay"]
    filename = f"so-theo-doi-ho-so-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if data["dinh_dang"] == "xlsx":
        response = HttpResponse(
            logbook_xlsx(unit, start, end, logbook_rows(unit, start, end)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    rows = logbook_rows(unit, start, end, limit=MAX_ROWS + 1)
    if len(rows) > MAX_ROWS:
        messages.error(request, _("Kỳ này có hơn %(n)d hồ sơ: hãy chọn kỳ ngắn hơn hoặc tải "
                                  "tệp XLSX.") % {"n": MAX_ROWS})
        return render(request, "delivery/logbook.html", {"form": form, "rows": None},
                      status=400)
    if data["dinh_dang"] == "pdf":
        pdf = render_pdf(DocumentKind.LOGBOOK, logbook_context(unit, start, end, rows))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    return render(request, "delivery/logbook.html",
                  {"form": form, "rows": rows, "unit": unit, "headers": HEADERS})
