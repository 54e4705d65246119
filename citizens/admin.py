"""Admin for citizen data; the CCCD is shown masked here (only the owner sees it in full)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .masking import mask_cccd
from .models import CitizenProfile, DeliveryAddress, OutboundMessage


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["masked_national_id", "user", "created_at"]
    fields = ["user", "masked_national_id", "date_of_birth", "created_at"]
    readonly_fields = ["user", "masked_national_id", "date_of_birth", "created_at"]

    @admin.display(description=_("số CCCD"))
    def masked_national_id(self, obj):
        return mask_cccd(obj.national_id)

    def has_add_permission(self, request):
        return False


@admin.register(DeliveryAddress)
class DeliveryAddressAdmin(admin.ModelAdmin):
    list_display = ["owner", "ward", "is_default"]
    raw_id_fields = ["owner", "province", "district", "ward"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient_masked", "status"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False
