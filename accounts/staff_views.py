"""Staff area (/can-bo/): a dashboard of one's units and, for district admins, staff management.

Two-factor verification is enforced before any of these run (AccountGuardMiddleware)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.web import domain_errors_as_messages

from .exceptions import AccountError, OutOfScope
from .forms import StaffCreateForm
from .models import StaffAssignment, User
from .selectors import (
    can_manage_staff,
    is_staff_member,
    roles_grantable_by,
    staff_assignments,
    staff_manageable_units,
    staff_members_in_scope,
)
from .services import staff_create, staff_deactivate


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_manager_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def dashboard(request):
    return render(request, "accounts/staff/dashboard.html", {
        "assignments": staff_assignments(request.user).order_by("unit__path", "role"),
        "can_manage_staff": can_manage_staff(request.user),
    })


@staff_manager_required
def staff_list(request):
    units = staff_manageable_units(request.user)
    members = staff_members_in_scope(request.user).prefetch_related(
        Prefetch("staff_assignments",
                 queryset=StaffAssignment.objects.filter(unit__in=units)
                 .select_related("unit").order_by("unit__path"),
                 to_attr="scoped_assignments")
    )
    return render(request, "accounts/staff/list.html", {"members": members})


@staff_manager_required
def staff_add(request):
    units = staff_manageable_units(request.user)
    form = StaffCreateForm(request.POST or None, units=units,
                           roles=roles_grantable_by(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_create(acting_user=request.user, username=data["username"],
                         full_name=data["full_name"], password=data["password"],
                         unit=data["unit"], role=data["role"], email=data["email"],
                         phone=data["phone"])
        except OutOfScope as exc:
            raise Http404 from exc
        except AccountError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã tạo tài khoản cán bộ %(name)s.")
                             % {"name": data["full_name"]})
            return redirect("staff:staff_list")
    return render(request, "accounts/staff/add.html", {"form": form})


@require_POST
@staff_manager_required
def staff_deactivate_view(request, user_id: int):
    member = get_object_or_404(staff_members_in_scope(request.user), pk=user_id)
    with domain_errors_as_messages(request):  # OutOfScope: a 404
        staff_deactivate(acting_user=request.user, user=get_object_or_404(User, pk=member.pk))
        messages.success(request, _("Đã vô hiệu hóa cán bộ %(name)s.") % {"name": member})
    return redirect("staff:staff_list")
