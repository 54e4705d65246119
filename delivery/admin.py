from django.contrib import admin

from .models import GeneratedDocument, Payment, PaymentCallbackLog, Shipment, ShipmentEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money and postal records change only through callbacks, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject_key", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["subject_key", "sha256"]


class PaymentCallbackInline(admin.TabularInline):
    model = PaymentCallbackLog
    extra = 0
    can_delete = False
    fields = ["received_at", "result_code", "changed_status", "params"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order_ref", "dossier_id", "amount", "status", "paid_at", "created_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["order_ref", "gateway_transaction_id"]
    inlines = [PaymentCallbackInline]


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "status", "attempt", "applied", "note"]
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["tracking_number", "dossier_id", "status", "attempts", "status_at"]
    list_filter = ["status", "provider"]
    search_fields = ["tracking_number", "idempotency_key"]
    inlines = [ShipmentEventInline]
