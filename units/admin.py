from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Reorganisation, Unit, UnitSuccession
from .reorganisation import ReorganisationError, reorganisation_apply


class MergeForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Đơn vị kế thừa"),
                                       queryset=Unit.objects.active())
    effective_date = forms.DateField(label=_("Ngày có hiệu lực"), initial=timezone.localdate,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Căn cứ (nghị quyết, quyết định)"), max_length=300,
                                required=False)

    def __init__(self, *args, selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Unit.objects.active().exclude(
            pk__in=[unit.pk for unit in selected])


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "code", "official_code", "kind", "division_type",
                    "is_active")
    list_filter = ("kind", "division_type", "is_active")
    search_fields = ("name", "code", "official_code")
    autocomplete_fields = ("parent",)
    actions = ["merge_into"]

    @admin.display(description="Tên", ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "— " * obj.depth + obj.name

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("merge_into", None)
        return actions

    @admin.action(description=_("Sáp nhập vào đơn vị…"))
    def merge_into(self, request, queryset):
        """Through an intermediate page: the successor and the date, then the same service
        as ``manage.py apply_reorganisation``."""
        if not request.user.is_superuser:  # the action is also hidden from everyone else
            raise PermissionDenied
        selected = list(queryset.order_by("path"))
        form = MergeForm(request.POST if "apply" in request.POST else None, selected=selected)
        if form.is_valid():
            mapping = {
                "reference": form.cleaned_data["reference"],
                "effective_date": form.cleaned_data["effective_date"].isoformat(),
                "mergers": [{"successor": form.cleaned_data["successor"].code,
                             "predecessors": [unit.code for unit in selected]}],
            }
            try:
                result = reorganisation_apply(mapping=mapping, acting_user=request.user)
            except ReorganisationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("Đã sáp nhập %(n)d đơn vị vào %(unit)s.") % {
                    "n": len(result.merged), "unit": form.cleaned_data["successor"].name},
                    messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sáp nhập đơn vị hành chính"), "form": form, "units": selected,
            "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_into",
        }
        return TemplateResponse(request, "admin/units/unit/merge.html", context)


class UnitSuccessionInline(admin.TabularInline):
    model = UnitSuccession
    extra = 0
    can_delete = False
    fields = ("predecessor", "successor", "effective_date")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    """A record: applied through the merge action or ``manage.py apply_reorganisation``."""

    list_display = ("__str__", "effective_date", "applied_at", "applied_by")
    readonly_fields = ("reference", "effective_date", "mapping", "summary", "applied_at",
                       "applied_by")
    inlines = [UnitSuccessionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
