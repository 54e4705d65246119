"""The city's queue of personal-data requests (/can-bo/yeu-cau-du-lieu/), for district admins
and superusers: open requests with their due date, the answer form, and the staff access log
of one citizen's data as CSV. Two-factor is enforced before these run (AccountGuardMiddleware)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import can_manage_staff

from .exceptions import CitizenError
from .forms import DataRequestAnswerForm
from .models import DataSubjectRequest
from .personal_data import staff_access_log_csv
from .selectors import data_requests_open
from .services import data_request_answer


def may_handle_data_requests(user) -> bool:
    """City-level work: superusers and district administrators."""
    return user.is_superuser or can_manage_staff(user)


def data_officer_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not may_handle_data_requests(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@data_officer_required
def queue(request):
    return render(request, "citizens/staff/data_requests.html", {
        "requests": data_requests_open(), "form": DataRequestAnswerForm()})


@data_officer_required
@require_POST
def answer(request, pk: int):
    data_request = get_object_or_404(DataSubjectRequest, pk=pk)
    form = DataRequestAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nhập nội dung trả lời."))
        return redirect("citizens_staff:queue")
    try:
        data_request_answer(request=data_request, acting_user=request.user,
                            answer=form.cleaned_data["answer"])
    except CitizenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trả lời yêu cầu."))
    return redirect("citizens_staff:queue")


@data_officer_required
def access_log(request, user_id: int):
    citizen = get_object_or_404(User, pk=user_id)
    response = HttpResponse(staff_access_log_csv(citizen=citizen),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="nhat-ky-truy-cap-du-lieu-{citizen.pk}.csv"')
    return response
