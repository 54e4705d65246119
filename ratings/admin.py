from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("dossier", "unit", "procedure", "overall", "source", "created_at")
    list_filter = ("overall", "source")
    raw_id_fields = ("dossier", "handlers", "rated_by", "kiosk_clerk")
    readonly_fields = ("created_at", "updated_at")
