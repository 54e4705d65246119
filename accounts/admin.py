"""Admin for accounts. District admins (is_staff) see the staff of their units, and change only
the accounts created as staff inside them; the whole admin requires a two-factor-verified
session (OTPAdminSite, set in apps.py).

Every scope question is answered by the selectors (``users_manageable_by``,
``roles_grantable_by``, ``staff_manageable_units``, ``assignments_manageable_by``), the same
ones the staff pages and services ask: the admin is one more path to the same writes.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import AccountEvent, StaffAssignment, User
from .selectors import (
    assignments_manageable_by,
    can_manage_staff,
    may_assign,
    may_manage_user,
    roles_grantable_by,
    staff_manageable_units,
    staff_members_in_scope,
    users_manageable_by,
)
from .services import user_password_set_by_admin

OUT_OF_SCOPE = _("Tài khoản này nằm ngoài phạm vi quản lý của bạn.")


def _role_choices(request):
    return [(role.value, role.label) for role in roles_grantable_by(request.user)]


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

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = _role_choices(request)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("unit")
        if request.user.is_superuser:
            return qs
        return qs.filter(unit__in=staff_manageable_units(request.user))

    # ``obj`` is the account the inline sits on.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            request.user.is_superuser or obj is None or may_manage_user(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            request.user.is_superuser or obj is None or may_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # Ending an assignment is "is_active" off: the row stays as the record of it.
        return request.user.is_superuser and super().has_delete_permission(request, obj)


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
        (_("Nguồn gốc"), {"fields": ("created_by", "created_in_unit")}),
    )
    inlines = [StaffAssignmentInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=staff_members_in_scope(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["phone_verified_at", "email_verified_at", "created_by", "created_in_unit"]
        return ["is_staff", "is_superuser", "groups", "user_permissions",
                "phone_verified_at", "email_verified_at", "last_login", "date_joined",
                "created_by", "created_in_unit"]

    # A district admin creates staff on the staff page (/can-bo/nhan-su/them/, through
    # staff_create, which records the unit); a bare account made here would belong nowhere.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return may_manage_user(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and (not change or not may_manage_user(request.user,
                                                                                obj)):
            raise PermissionDenied(OUT_OF_SCOPE)
        # A new address is not a verified one: the password reset sends its code to the
        # verified contact, so keeping the mark would hand the account to whoever typed it.
        for contact, verified in (("email", "email_verified_at"),
                                  ("phone", "phone_verified_at")):
            if contact in form.changed_data and verified not in form.changed_data:
                setattr(obj, verified, None)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is StaffAssignment:
            for inline_form in formset.forms:
                if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                    continue
                assignment = inline_form.instance
                if not may_assign(request.user, target=form.instance, unit=assignment.unit,
                                  role=assignment.role):
                    raise PermissionDenied(OUT_OF_SCOPE)
                if assignment.pk is None:
                    assignment.created_by = request.user
        super().save_formset(request, form, formset, change)

    def user_change_password(self, request, id, form_url=""):
        target = User.objects.filter(pk=id).first() if str(id).isdigit() else None
        if target is not None and not request.user.is_superuser and not may_manage_user(
                request.user, target):
            raise PermissionDenied(OUT_OF_SCOPE)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and target is not None:
            user_password_set_by_admin(acting_user=request.user, user=target)
        return response


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
        if not request.user.is_superuser:
            if db_field.name == "unit":
                kwargs["queryset"] = staff_manageable_units(request.user)
            elif db_field.name == "user":
                # A list of its own staff, not a free id: the raw id box let any account
                # (a citizen, the superuser) be picked.
                kwargs["queryset"] = users_manageable_by(request.user).order_by("username")
                kwargs["widget"] = forms.Select
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = _role_choices(request)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            request.user.is_superuser or can_manage_staff(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return assignments_manageable_by(request.user).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not may_assign(request.user, target=obj.user, unit=obj.unit, role=obj.role):
            raise PermissionDenied(OUT_OF_SCOPE)
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
