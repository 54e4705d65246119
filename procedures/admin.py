"""No-code configuration of procedures by district admins.

The inline formsets validate with the same rules as the JSON importer (``validation.py``); the
parent form is cleaned first, so the formsets see the edited level and deadline on
``self.instance``. Saving a published procedure publishes a new version.
"""

from __future__ import annotations

import json
from decimal import Decimal

from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .constants import ProcedureStatus
from .documents import procedure_to_document
from .exceptions import ProcedureConfigurationError, ProcedureOutOfScope
from .forms import build_filing_form_class
from .models import (
    Fee,
    FeeExemption,
    FormField,
    Procedure,
    ProcedureVersion,
    ProcessingStep,
    RequiredDocument,
    Sector,
)
from .policy import (
    default_owner_unit,
    may_change_procedure,
    may_edit_sectors,
    units_configurable_by,
)
from .services import procedure_archive, procedure_export, procedure_import, procedure_publish
from .validation import delivery_errors, duplicates, fee_errors, field_errors, steps_errors


class ChoicesTextField(forms.CharField):
    """Edits a list of {value, label, label_en} as lines 'value | Nhãn | Label'."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                " | ".join(filter(None, [c["value"], c["label"], c.get("label_en", "")]))
                for c in value
            )
        return value

    def to_python(self, value):
        choices = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                raise ValidationError(_("Dòng %d: thiếu giá trị lựa chọn.") % number)
            choice = {"value": parts[0], "label": parts[1] if len(parts) > 1 and parts[1]
                      else parts[0]}
            if len(parts) > 2 and parts[2]:
                choice["label_en"] = parts[2]
            choices.append(choice)
        return choices


class FormFieldForm(forms.ModelForm):
    choices = ChoicesTextField(
        required=False,
        label=FormField._meta.get_field("choices").verbose_name,
        help_text=FormField._meta.get_field("choices").help_text,
    )

    class Meta:
        model = FormField
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("field_type"):
            return data
        for attr, message in field_errors(
            field_type=data["field_type"], choices=data.get("choices") or [],
            regex=data.get("regex", ""), min_value=data.get("min_value", ""),
            max_value=data.get("max_value", ""),
            bind=data.get("bind", ""),
        ):
            self.add_error(attr, message)
        return data


def _live_forms(formset):
    return [
        form for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


class FormFieldFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Our message first: Django's own unique check would say it less clearly.
        dup = duplicates(form.cleaned_data["key"] for form in _live_forms(self)
                         if form.cleaned_data.get("key"))
        if dup:
            raise ValidationError(_("Mã trường bị trùng: %s.") % ", ".join(dup))
        super().clean()


class DocumentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Our message first: Django's own unique check would say it less clearly.
        dup = duplicates(form.cleaned_data["key"] for form in _live_forms(self)
                         if form.cleaned_data.get("key"))
        if dup:
            raise ValidationError(_("Mã giấy tờ bị trùng: %s.") % ", ".join(dup))
        super().clean()


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.processing_days is None:
            return
        messages_ = steps_errors(
            step_days=[form.cleaned_data.get("days") or Decimal(0) for form in _live_forms(self)],
            processing_days=self.instance.processing_days,
        )
        if messages_:
            raise ValidationError(messages_)


class FeeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        procedure = self.instance
        has_fees = any(form.cleaned_data.get("amount") for form in _live_forms(self))
        messages_ = [
            message for attr, message in delivery_errors(
                level=procedure.level, offers_pickup=True, offers_postal=True,
                online_payment=procedure.online_payment, has_fees=has_fees,
            ) if attr == "online_payment"
        ]
        if messages_:
            raise ValidationError(messages_)


def _refuse_constant(name: str):
    """NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise."""
    raise ValueError(_("“%s” không phải là số hợp lệ.") % name)


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if "level" in data:
            for attr, message in delivery_errors(
                level=data["level"], offers_pickup=data.get("offers_pickup", False),
                offers_postal=data.get("offers_postal", False),
                online_payment=data.get("online_payment", False), has_fees=False,
            ):
                self.add_error(attr, message)
        return data


class FeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = "__all__"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        messages_ = fee_errors(amount=amount) if amount is not None else []
        if messages_:
            raise ValidationError(messages_)
        return amount


class FeeInline(admin.TabularInline):
    model = Fee
    form = FeeForm
    formset = FeeFormSet
    extra = 0
    fields = ("order", "name", "name_en", "amount", "note")


class FeeExemptionInline(admin.TabularInline):
    model = FeeExemption
    extra = 0
    fields = ("order", "code", "reason", "reason_en", "proof_required")


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    formset = DocumentFormSet
    extra = 0
    fields = (
        "order", "key", "name", "name_en", "mandatory", "form", "quantity", "reusable", "note",
        "replaced_by_online_form",
    )


class FormFieldInline(admin.StackedInline):
    model = FormField
    form = FormFieldForm
    formset = FormFieldFormSet
    extra = 0
    fields = (
        ("order", "key", "field_type", "required"),
        "bind",
        ("label", "label_en"),
        "choices",
        ("regex", "min_value", "max_value"),
        ("help_text", "help_text_en"),
        "section",
    )


class StepInline(admin.TabularInline):
    model = ProcessingStep
    formset = StepFormSet
    extra = 0
    fields = ("order", "name", "name_en", "role", "unit_kind", "days")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    can_delete = False
    fields = ("number", "published_at", "published_by")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Sectors are shared by every district's procedures: the superuser edits them; district
    admins see them (and pick them in a procedure)."""

    list_display = ("name", "code", "name_en")
    search_fields = ("name", "code")

    def has_add_permission(self, request):
        return may_edit_sectors(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_edit_sectors(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_sectors(request.user) and super().has_delete_permission(request, obj)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp JSON cấu hình thủ tục"))
    owner_unit = forms.ModelChoiceField(
        label=_("Đơn vị cấu hình (thủ tục mới)"), queryset=None, required=False,
        help_text=_("Thủ tục mới thuộc đơn vị này; thủ tục đã có giữ đơn vị của nó."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner_unit"]
        field.queryset = units_configurable_by(user).order_by("path")
        if user.is_superuser:
            field.empty_label = _("— Toàn thành phố —")
        else:
            field.initial = default_owner_unit(user)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureForm
    list_display = ("code", "name", "sector", "level", "processing_days", "status",
                    "current_version", "preview_link")
    list_filter = ("status", "level", "sector", "receiving_unit_kind")
    search_fields = ("code", "name", "search_text")
    autocomplete_fields = ("sector", "owner_unit")
    inlines = [FeeInline, FeeExemptionInline, DocumentInline, FormFieldInline, StepInline,
               VersionInline]
    actions = ["publish_selected", "archive_selected"]
    change_form_template = "admin/procedures/procedure/change_form.html"
    change_list_template = "admin/procedures/procedure/change_list.html"
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "sector", "status")}),
        (_("Mức độ và thời hạn"), {"fields": (
            "level", "receiving_unit_kind", "processing_days", "processing_time_note",
            "result_document",
        )}),
        (_("Trả kết quả và thanh toán"), {"fields": (
            "offers_pickup", "offers_postal", "postal_postage", "online_payment",
        )}),
        (_("Thông tin"), {"fields": ("description", "legal_basis", "owner_unit")}),
        (_("Tìm kiếm"), {"fields": ("keywords",)}),
    )

    # A district admin configures the procedures of its own units; the city-wide catalogue
    # (no owner unit) and other districts' procedures are visible to it but read-only. The
    # rule is procedures.policy's, shared with the import, the bulk actions and the API.
    def _managed_units(self, request):
        return units_configurable_by(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return may_change_procedure(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner_unit" and not request.user.is_superuser:
            kwargs["queryset"] = self._managed_units(request)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if not request.user.is_superuser:
            return tuple(f for f in fields if f != "owner_unit")
        return fields

    @admin.display(description=_("Xem trước"))
    def preview_link(self, obj: Procedure) -> str:
        url = reverse("admin:procedures_procedure_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Xem biểu mẫu"))

    def get_urls(self):
        return [
            # The one page the portal frames (in the procedure's change page): every other
            # page is DENY / frame-ancestors 'none'.
            path("<int:pk>/preview/",
                 self.admin_site.admin_view(xframe_options_sameorigin(
                     csp_replace({"frame-ancestors": ["'self'"]})(self.preview_view))),
                 name="procedures_procedure_preview"),
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view),
                 name="procedures_procedure_export"),
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="procedures_procedure_import"),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        procedure = form.instance
        if procedure.status == ProcedureStatus.PUBLISHED:
            # The forms already applied every publishing rule, so this cannot fail on them.
            version = procedure_publish(procedure=procedure, acting_user=request.user)
            self.message_user(
                request, _("Thủ tục đang áp dụng phiên bản %d.") % version.number, messages.INFO
            )

    # The changelist lists procedures the user may only view, so each selected one is
    # checked again (the service checks too).
    @admin.action(description=_("Công bố các thủ tục đã chọn"), permissions=["change"])
    def publish_selected(self, request, queryset):
        for procedure in queryset:
            try:
                procedure_publish(procedure=procedure, acting_user=request.user)
            except ProcedureOutOfScope as exc:
                self.message_user(request, exc.message, messages.ERROR)
            except ProcedureConfigurationError as exc:
                self.message_user(request, f"{procedure.code}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("Đã công bố %s.") % procedure.code, messages.SUCCESS)

    @admin.action(description=_("Lưu trữ (ngừng áp dụng) các thủ tục đã chọn"),
                  permissions=["change"])
    def archive_selected(self, request, queryset):
        archived = 0
        for procedure in queryset:
            try:
                procedure_archive(procedure=procedure, acting_user=request.user)
            except ProcedureOutOfScope as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                archived += 1
        if archived:
            self.message_user(request, _("Đã lưu trữ %d thủ tục.") % archived, messages.SUCCESS)

    def preview_view(self, request, pk: int):
        procedure = get_object_or_404(Procedure, pk=pk)
        if not self.has_view_permission(request, procedure):
            return HttpResponseRedirect(reverse("admin:index"))
        document = procedure_to_document(procedure)
        form = build_filing_form_class(document["fields"])(
            request.POST or None, request.FILES or None
        )
        if request.method == "POST":
            form.is_valid()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Xem trước biểu mẫu: %s") % procedure.name,
            "procedure": procedure, "form": form, "opts": self.model._meta,
            "original": procedure,
        }
        return TemplateResponse(request, "admin/procedures/procedure/preview.html", context)

    def export_view(self, request, pk: int):
        procedure = get_object_or_404(Procedure, pk=pk)
        if not self.has_view_permission(request, procedure):
            return HttpResponseRedirect(reverse("admin:index"))
        body = json.dumps(procedure_export(procedure=procedure), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{procedure.code}.json"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                document = json.loads(form.cleaned_data["file"].read().decode("utf-8"),
                                      parse_constant=_refuse_constant)
            except (UnicodeDecodeError, ValueError) as exc:
                errors = [{"path": "/", "message": _("Tệp không phải JSON hợp lệ: %s") % exc}]
            else:
                try:
                    with transaction.atomic():
                        procedure = procedure_import(
                            document=document, acting_user=request.user,
                            owner_unit=form.cleaned_data["owner_unit"])
                except ProcedureConfigurationError as exc:
                    errors = [error.as_dict() for error in exc.errors]
                except ProcedureOutOfScope as exc:
                    errors = [exc.as_dict()]
                else:
                    self.message_user(
                        request, _("Đã nhập thủ tục %s.") % procedure.code, messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse("admin:procedures_procedure_change", args=[procedure.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nhập thủ tục từ tệp JSON"), "form": form, "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context)
