from django.contrib import admin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)

    @admin.display(description="Tên", ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "— " * obj.depth + obj.name
