from django.contrib import admin

from .models import (
    CalendarException,
    Dossier,
    DossierAttachment,
    DossierSlip,
    DossierTransition,
    PersonalDataAccess,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows: visible, never added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = DossierTransition
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_state", "to_state", "actor_name", "unit", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = DossierAttachment
    extra = 0
    can_delete = False
    fields = ["document_key", "original_name", "content_type", "size", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    """Dossiers change only through their services; the admin is for looking."""

    list_display = ["code", "procedure", "state", "receiving_unit", "current_unit", "due_date"]
    list_filter = ["state", "channel"]
    search_fields = ["code"]
    list_select_related = ["procedure", "receiving_unit", "current_unit"]
    inlines = [AttachmentInline, TransitionInline]
    exclude = ["data"]


@admin.register(DossierTransition)
class DossierTransitionAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "action", "from_state", "to_state", "actor_name", "created_at"]
    list_select_related = ["dossier"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "user", "purpose", "created_at"]
    list_select_related = ["dossier", "user"]


@admin.register(DossierSlip)
class DossierSlipAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "kind", "created_at"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
