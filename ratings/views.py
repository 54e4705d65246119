"""Rating pages: the citizen's (online, on their returned dossier) and the counter kiosk (a
page a signed-in clerk with two-factor opens on the counter device, where a walk-in citizen
rates a just-returned dossier by its code without an account)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import staff_units
from dossiers.access import citizen_required, staff_required
from dossiers.models import Dossier
from dossiers.selectors import citizen_dossier
from portal.clientip import client_address
from portal.web import Outcome, domain_errors_as_messages

from .forms import KioskCodeForm, RatingForm
from .models import Rating
from .policy import rating_editable, rating_refusal
from .services import FIELDS, rate_limit_hit, rating_submit

KIOSK_SESSION_KEY = "ratings_kiosk"


@citizen_required
def rate(request, ref: str):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    rating = Rating.objects.filter(dossier=dossier).first()
    initial = {f: getattr(rating, f) for f in FIELDS} if rating else None
    form = RatingForm(request.POST or None, initial=initial)
    outcome = Outcome()
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            rating_submit(dossier=dossier, values=form.cleaned_data, acting_user=request.user,
                          client_ip=client_address(request))
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
            return redirect("dossiers:detail", ref=dossier.ref)
    return render(request, "ratings/rate.html", {
        "dossier": dossier, "form": form, "rating": rating,
        "editable": rating_editable(rating) and dossier.is_returned,
    }, status=outcome.status)


def _kiosk_clerk(request):
    if not staff_units(request.user, "clerk").exists():
        raise PermissionDenied
    # The kiosk is bound to this signed-in device session; rate limits count per session.
    if not request.session.get(KIOSK_SESSION_KEY):
        request.session[KIOSK_SESSION_KEY] = True
        request.session.cycle_key()
    return request.user


@staff_required
def kiosk(request):
    _kiosk_clerk(request)
    form = KioskCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            rate_limit_hit("kiosk", request.session.session_key or "")
        if not outcome.ok:
            return render(request, "ratings/kiosk.html", {"form": form}, status=outcome.status)
        code = form.cleaned_data["code"].strip()
        dossier = Dossier.objects.filter(code=code).select_related("receiving_unit").first()
        refusal = dossier and rating_refusal(dossier=dossier, kiosk_clerk=request.user)
        if dossier is not None and refusal is None:
            return redirect("ratings_staff:kiosk_rate", code=dossier.code)
        messages.error(request, refusal.message if refusal else
                       _("Không tìm thấy hồ sơ vừa trả kết quả với mã này."))
    return render(request, "ratings/kiosk.html", {"form": form})


@staff_required
def kiosk_rate(request, code: str):
    clerk = _kiosk_clerk(request)
    dossier = Dossier.objects.filter(code=code).select_related(
        "procedure", "receiving_unit").first()
    refusal = None if dossier is None else rating_refusal(dossier=dossier, kiosk_clerk=clerk)
    if dossier is None or (refusal and refusal.code == "kiosk_not_found"):
        raise Http404
    if refusal is not None:
        messages.error(request, refusal.message)
        return render(request, "ratings/kiosk.html", {"form": KioskCodeForm()},
                      status=refusal.http_status)
    form = RatingForm(request.POST or None)
    outcome = Outcome()
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            rating_submit(dossier=dossier, values=form.cleaned_data, kiosk_clerk=clerk,
                          kiosk_session=request.session.session_key or "",
                          client_ip=client_address(request))
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
            return redirect("ratings_staff:kiosk")
    return render(request, "ratings/kiosk_rate.html", {"dossier": dossier, "form": form},
                  status=outcome.status)
