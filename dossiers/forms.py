"""Forms of the dossier pages: the citizen's filing form (built from the procedure version's
fields plus one upload-or-reuse pair per required document), staff actions, reception."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from procedures.constants import DeliveryMethod, FieldType
from procedures.forms import PhoneField, build_filing_form_class
from units.constants import UnitKind
from units.models import Unit
from units.selectors import pickup_unit_choices

from .constants import Channel
from .selectors import documents_for_channel


def postage_help(document: dict) -> str:
    postage = int(document.get("postal_postage") or 0)
    if not postage:
        return _("Nhận qua bưu chính: miễn cước, cơ quan chịu cước phí.")
    return _("Nhận qua bưu chính: ông/bà trả cước %(amount)s đồng cho nhân viên bưu chính khi "
             "nhận kết quả (ngoài lệ phí thủ tục).") % {
        "amount": f"{postage:,}".replace(",", ".")}


def json_ready(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if isinstance(value, (datetime.date, datetime.datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif value is None:
            continue
        else:
            out[key] = value
    return out


def data_fields(version) -> list[dict]:
    return [f for f in version.document.get("fields") or [] if f.get("type") != FieldType.FILE]


def place_choices(kind: str):
    return Unit.objects.active().filter(kind=kind).order_by("name")


def commune_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active communes (phường/xã) grouped by province, from the unit tree, in one query:
    a province's option group is what the province select shows (static/js/filing.js)."""
    units = {u.pk: u for u in Unit.objects.active().only("id", "name", "kind", "path")}
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units.values():
        if unit.kind != UnitKind.WARD:
            continue
        ancestors = [units[int(i)] for i in unit.path.strip("/").split("/")
                     if i and int(i) in units and int(i) != unit.pk]
        province = next((a for a in ancestors if a.kind == UnitKind.PROVINCE), None)
        district = next((a for a in ancestors if a.kind == UnitKind.DISTRICT), None)
        label = f"{unit.name}, {district.name}" if district else unit.name
        groups.setdefault(province.name if province else "", []).append((unit.pk, label))
    return [(name, sorted(items, key=lambda c: c[1])) for name, items in sorted(groups.items())]


def filing_form_class(version, *, stored_documents=None, addresses=None, pickup_place=None):
    """The citizen's form for one procedure version. ``pickup_place``: the draft's receiving
    unit, whose province's desks are offered for collecting the result."""
    base = build_filing_form_class(data_fields(version))
    document = version.document
    kind = document.get("receiving_unit_kind", "ward")
    methods = document.get("delivery_methods") or [DeliveryMethod.PICKUP]
    attrs: dict[str, Any] = {
        "noi_tiep_nhan": forms.ModelChoiceField(
            label=_("Cơ quan tiếp nhận (nơi cư trú)"), queryset=place_choices(kind),
            empty_label=_("— Chọn —")),
        "cach_nhan_ket_qua": forms.ChoiceField(
            label=_("Cách nhận kết quả"),
            choices=[(m, DeliveryMethod(m).label) for m in methods],
            initial=methods[0], widget=forms.RadioSelect,
            help_text=postage_help(document) if DeliveryMethod.POSTAL in methods else ""),
        # NĐ 118/2025: the result may be collected at any one-stop desk of the province.
        "noi_nhan_ket_qua": forms.ModelChoiceField(
            label=_("Nơi nhận kết quả"), required=False,
            queryset=(pickup_unit_choices(place=pickup_place) if pickup_place is not None
                      else Unit.objects.none()),
            empty_label=None,
            help_text=_("Bộ phận một cửa nơi ông/bà đến nhận kết quả; mặc định là cơ quan tiếp "
                        "nhận."),
            error_messages={"invalid_choice": _(
                "Nơi nhận kết quả phải là bộ phận một cửa đang hoạt động trong tỉnh/thành phố "
                "của cơ quan tiếp nhận.")}),
        "dia_chi_nhan": forms.ModelChoiceField(
            label=_("Địa chỉ đã lưu"), required=False,
            queryset=addresses if addresses is not None else Unit.objects.none(),
            empty_label=_("— Nhập địa chỉ mới bên dưới —")),
        # A new address typed in the form; saved to the address book for next time.
        "tinh_nhan": forms.ModelChoiceField(
            label=_("Tỉnh/thành phố"), required=False,
            queryset=Unit.objects.active().filter(kind=UnitKind.PROVINCE).order_by("name"),
            empty_label=_("— Chọn tỉnh/thành phố —")),
        "xa_nhan": forms.TypedChoiceField(
            label=_("Phường/xã"), required=False, coerce=int, empty_value=None,
            choices=[("", _("— Chọn phường/xã —")), *commune_choices()]),
        "so_nha_nhan": forms.CharField(
            label=_("Số nhà, tên đường, thôn/tổ"), required=False, max_length=255,
            widget=forms.TextInput(attrs={"autocomplete": "street-address"})),
        "nguoi_nhan": forms.CharField(
            label=_("Người nhận"), required=False, max_length=150,
            widget=forms.TextInput(attrs={"autocomplete": "name"})),
        "dien_thoai_nhan": PhoneField(
            label=_("Điện thoại người nhận"), required=False, max_length=20,
            help_text=_("Nhân viên bưu chính gọi số này khi giao kết quả."),
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})),
    }
    exemptions = document.get("fee_exemptions") or []
    if exemptions and any(int(f.get("amount") or 0) > 0 for f in document.get("fees") or []):
        attrs["mien_phi"] = forms.ChoiceField(
            label=_("Miễn lệ phí"), required=False,
            choices=[("", _("— Không thuộc diện miễn —")),
                     *[(e["code"], escape(e["reason"])) for e in exemptions]],
            help_text=_("Nếu thuộc diện miễn, đính kèm giấy tờ chứng minh (nếu thủ tục yêu cầu)."))
        attrs["tep__mien-phi"] = forms.FileField(
            label=_("Giấy tờ chứng minh được miễn lệ phí"), required=False,
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    # Online: a document the online form replaces (the paper declaration) is not asked for.
    for spec in documents_for_channel(version, Channel.ONLINE):
        attrs[f"tep__{spec['key']}"] = forms.FileField(
            label=escape(spec["name"]), required=False,
            widget=forms.ClearableFileInput(attrs={
                "accept": ".pdf,.jpg,.jpeg,.png", "data-document": spec["key"]}),
            help_text=_("Tệp PDF, JPEG hoặc PNG."))
        if stored_documents is not None:
            attrs[f"kho__{spec['key']}"] = forms.ModelChoiceField(
                label=_("hoặc chọn từ kho dữ liệu"), required=False,
                queryset=stored_documents.filter(document_key=spec["key"]),
                empty_label=_("— Không dùng —"))
    return type("DossierFilingForm", (base,), attrs)


NON_DATA_FIELDS = frozenset({
    "noi_tiep_nhan", "cach_nhan_ket_qua", "noi_nhan_ket_qua", "dia_chi_nhan", "tinh_nhan",
    "xa_nhan", "so_nha_nhan", "nguoi_nhan", "dien_thoai_nhan", "noi_cu_tru", "ho_ten_nguoi_nop",
    "cccd_nguoi_nop", "dien_thoai", "dia_chi", "kenh", "mien_phi",
})


def split_cleaned(form: forms.Form) -> tuple[dict, dict, dict]:
    """(declaration data, uploads by document key, stored documents by key)."""
    data, uploads, stored = {}, {}, {}
    for name, value in form.cleaned_data.items():
        if name.startswith("tep__"):
            if value:
                uploads[name[5:]] = value
        elif name.startswith("kho__"):
            if value:
                stored[name[5:]] = value
        elif name not in NON_DATA_FIELDS:
            data[name] = value
    return json_ready(data), uploads, stored


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Ghi chú / lý do"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    new_due_date = forms.DateField(label=_("Ngày hẹn mới"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    result_file = forms.FileField(label=_("Tệp kết quả"), required=False)


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú bổ sung"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


def normalize_dossier_code(value: str) -> str:
    """A dossier code as printed (``000.17.22.H56-210531-0001``) from what people type: any
    case, spaces anywhere (read aloud or copied from an SMS), dashes of any kind."""
    value = "".join((value or "").split()).upper()
    return value.replace("–", "-").replace("—", "-")


TRACK_CODE_EXAMPLE = "000.17.22.H56-210531-0001"


class WithdrawForm(forms.Form):
    """Withdrawing ends the citizen's case: asked for on its own page, with a reason."""

    note = forms.CharField(
        label=_("Lý do rút hồ sơ"), max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng cho biết lý do rút hồ sơ.")},
        help_text=_("Ví dụ: đã nộp nhầm thủ tục, không còn nhu cầu, sẽ nộp lại hồ sơ khác."))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"), max_length=80,
        help_text=_("Mã in trên giấy tiếp nhận hoặc trong tin nhắn, ví dụ: "
                    "000.17.22.H56-210531-0001. Không phân biệt chữ hoa, chữ thường."),
        widget=forms.TextInput(attrs={"placeholder": TRACK_CODE_EXAMPLE,
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        return normalize_dossier_code(self.cleaned_data["code"])


class QueueFilterForm(forms.Form):
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40)
    channel = forms.ChoiceField(label=_("Hình thức nộp"), required=False,
                                choices=[("", _("Tất cả")), *Channel.choices])


class ReceptionForm(forms.Form):
    """Applicant part of the any-office reception form; the declaration is added per procedure."""

    noi_cu_tru = forms.ModelChoiceField(label=_("Phường/xã nơi cư trú của người nộp"),
                                        queryset=Unit.objects.none(), empty_label=_("— Chọn —"))
    ho_ten_nguoi_nop = forms.CharField(label=_("Họ và tên người nộp"), max_length=150)
    cccd_nguoi_nop = forms.RegexField(label=_("Số CCCD"), regex=r"^\d{12}$", required=False)
    dien_thoai = forms.CharField(label=_("Điện thoại"), max_length=16, required=False)
    dia_chi = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    kenh = forms.ChoiceField(label=_("Hình thức nộp"), initial=Channel.IN_PERSON,
                             choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label),
                                      (Channel.POSTAL, Channel.POSTAL.label)])
    # NĐ 118/2025: the result may be collected at any one-stop desk of the province.
    noi_nhan_ket_qua = forms.ModelChoiceField(
        label=_("Nơi nhận kết quả"), required=False, queryset=Unit.objects.none(),
        empty_label=_("— Cơ quan tiếp nhận —"),
        error_messages={"invalid_choice": _(
            "Nơi nhận kết quả phải là bộ phận một cửa đang hoạt động trong tỉnh/thành phố "
            "của cơ quan tiếp nhận.")})


def reception_form_class(version):
    base = build_filing_form_class(data_fields(version))
    attrs: dict[str, Any] = {}
    for spec in version.document.get("documents") or []:
        attrs[f"tep__{spec['key']}"] = forms.FileField(
            label=escape(_("Bản quét: %(name)s") % {"name": spec["name"]}), required=False)
    return type("ReceptionFilingForm", (ReceptionForm, base), attrs)
