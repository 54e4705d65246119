"""Admin for accounts. District admins (is_staff) see and edit only staff of their units;
the whole admin requires a two-factor-verified session (OTPAdminSite, set in apps.py)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import AccountEvent, StaffAssignment, User
from .selectors import staff_manageable_units, staff_members_in_scope


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fk_name = "user"
    extra = 0
    fields = ["unit", "role", "is_active"]
    autocomplete_fields: list[str] = []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = staff_manageable_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("unit")
        if request.user.is_superuser:
            return qs
        return qs.filter(unit__in=staff_manageable_units(request.user))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone",
                                             "phone_verified_at", "email_verified_at")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                 "user_permissions")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [StaffAssignmentInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=staff_members_in_scope(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["phone_verified_at", "email_verified_at"]
        return ["is_staff", "is_superuser", "groups", "user_permissions",
                "phone_verified_at", "email_verified_at", "last_login", "date_joined"]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user", "unit")
        if request.user.is_superuser:
            return qs
        return qs.filter(unit__in=staff_manageable_units(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = staff_manageable_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not staff_manageable_units(request.user).filter(
            pk=obj.unit_id
        ).exists():
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user", "actor"]
    list_filter = ["kind"]
    readonly_fields = ["user", "actor", "kind", "detail", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
