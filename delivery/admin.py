from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .adapters import overpayment_mark_refunded
from .exceptions import PaymentError
from .models import (
    GeneratedDocument,
    Overpayment,
    Payment,
    PaymentCallbackLog,
    Shipment,
    ShipmentEvent,
)
from .selectors import overpayment_may_refund, overpayments_for_staff


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


@admin.register(Overpayment)
class OverpaymentAdmin(ReadOnlyAdmin):
    """Refunds owed, scoped like the staff page (``overpayments_for_staff``); the only write
    is recording the refund, through the same service."""

    list_display = ["payment", "dossier_id", "unit", "amount", "reason", "created_at",
                    "refunded_at", "refunded_by"]
    list_filter = ["reason", ("refunded_at", admin.EmptyFieldListFilter)]
    search_fields = ["payment__order_ref", "payment__gateway_transaction_id"]
    actions = ["mark_refunded"]

    def get_queryset(self, request):
        return overpayments_for_staff(request.user)

    @admin.action(description=_("Đánh dấu đã hoàn trả"))
    def mark_refunded(self, request, queryset):
        done = 0
        for overpayment in queryset.filter(refunded_at__isnull=True):
            if not overpayment_may_refund(request.user, overpayment):
                continue
            try:
                overpayment_mark_refunded(overpayment=overpayment, acting_user=request.user)
            except PaymentError:
                continue
            done += 1
        self.message_user(request, _("Đã ghi nhận hoàn trả %(n)s khoản.") % {"n": done},
                          messages.SUCCESS)


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
