"""The staff dashboard (scoped to the viewer's units, with drill-down and exports) and the
public statistics page of a unit (aggregates only, no personal data)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import staff_units
from dossiers.access import staff_required
from dossiers.constants import DossierState
from dossiers.models import Dossier
from procedures.models import Procedure
from units.models import Unit

from . import index766, selectors, tables
from .exports import as_csv, as_xlsx
from .services import day_bounds

OVERDUE_ON_PAGE = 20
RANKING_ON_PAGE = 15


def _staff_scope(request) -> tuple[list[Unit], Unit, list[int]]:
    """(the viewer's top units, the selected unit, ids of the units it may read below it)."""
    allowed = staff_units(request.user)
    allowed_ids = set(allowed.values_list("pk", flat=True))
    if not allowed_ids:
        raise PermissionDenied
    roots = [u for u in allowed.order_by("depth", "path")
             if not any(u.path.startswith(o.path) and u.pk != o.pk for o in allowed
                        if o.depth < u.depth)]
    selected = roots[0]
    wanted = request.GET.get("don_vi")
    if wanted:
        try:
            selected = Unit.objects.get(pk=int(wanted))
        except (ValueError, Unit.DoesNotExist):
            raise Http404 from None
        if selected.pk not in allowed_ids:
            raise PermissionDenied
    ids = [pk for pk in selectors.scope_ids(selected) if pk in allowed_ids]
    return roots, selected, ids


def _period(request) -> selectors.Period:
    return selectors.parse_period(request.GET.get("tu"), request.GET.get("den"))


def _query(period: selectors.Period, **extra: Any) -> str:
    return urlencode({"tu": period.start.isoformat(), "den": period.end.isoformat(), **extra})


def _dashboard_tables(selected: Unit, ids: list[int], period: selectors.Period,
                      now) -> dict[str, Any]:
    today = timezone.localdate(now)
    base = reverse("reports_staff:dashboard")
    drill = reverse("reports_staff:dossiers")
    current, by_unit = selectors.scope_summary(ids, period)
    previous = selectors.figures(ids, period.previous())
    live = selectors.live_counts(ids, now)
    overdue_count, late_count = live["overdue"], live["late_to_acknowledge"]
    overdue = selectors.overdue_rows(selectors.overdue_page(ids, today, OVERDUE_ON_PAGE), today)
    children = [row for row in selectors.children_breakdown(selected, period, ids, by_unit)
                if row["is_self"] or row["unit"].pk in ids]
    procedures = selectors.procedure_breakdown(ids, period)
    series = selectors.series(ids, period)
    ranking = selectors.ward_ranking(ids, period, by_unit=by_unit)
    return {
        "current": current, "previous": previous, "overdue_count": overdue_count,
        "late_to_acknowledge_count": late_count, "series": series,
        "headline": tables.headline_table(current, previous, overdue_count, late_count),
        "units": tables.units_table(
            [r for r in children if not r["is_self"]],
            lambda r: f"{base}?{_query(period, don_vi=r['unit'].pk)}"),
        "procedures": tables.procedures_table(
            procedures,
            lambda r: drill + "?" + _query(period, don_vi=selected.pk,
                                           thu_tuc=r["procedure"].pk)),
        "wards": tables.wards_table(
            ranking, lambda r: f"{base}?{_query(period, don_vi=r['unit'].pk)}"),
        "overdue": tables.overdue_table(
            overdue, lambda r: reverse("dossiers_staff:detail", args=[r["dossier"].ref])),
        "series_table": tables.series_table(series),
    }


def _chart_data(series: list[dict], children: tables.Table) -> dict[str, Any]:
    return {
        "labels": [row["label"] for row in series],
        "received_online": [row["received_online"] for row in series],
        "received_in_person": [row["received_in_person"] for row in series],
        "received_postal": [row["received_postal"] for row in series],
        "on_time_rate": [row["on_time_rate"] for row in series],
        "satisfaction_rate": [row["satisfaction_rate"] for row in series],
        "text": {"online": _("Trực tuyến"), "in_person": _("Trực tiếp"),
                 "postal": _("Bưu chính"), "on_time": _("Tỷ lệ đúng hạn (%)"),
                 "satisfaction": _("Tỷ lệ hài lòng (%)")},
    }


@staff_required
def dashboard(request):
    roots, selected, ids = _staff_scope(request)
    period = _period(request)
    now = timezone.now()
    today = timezone.localdate(now)
    data = _dashboard_tables(selected, ids, period, now)
    ranking = data["wards"]
    ranking_short = tables.Table(ranking.slug, ranking.title, ranking.headers,
                                 ranking.rows[:RANKING_ON_PAGE], ranking.links[:RANKING_ON_PAGE])
    current, previous = data["current"], data["previous"]
    headlines = []
    for key, label in (("received", _("Hồ sơ tiếp nhận")),
                       ("online_share", _("Tỷ lệ trực tuyến (%)")),
                       ("resolved", _("Đã giải quyết")),
                       ("on_time_rate", _("Tỷ lệ đúng hạn (%)")),
                       ("average_days", _("Thời gian xử lý TB (ngày)")),
                       ("median_days", _("Thời gian xử lý trung vị (ngày)")),
                       ("satisfaction_rate", _("Tỷ lệ hài lòng (%)")),
                       ("reuse_share", _("Tái sử dụng dữ liệu (%)"))):
        headlines.append({"key": key, "label": label, "value": current.get(key),
                          "previous": previous.get(key),
                          "change": tables.change(current.get(key), previous.get(key))})
    breadcrumbs = [u for u in selected.ancestors(include_self=True)
                   if u.pk in set(staff_units(request.user).values_list("pk", flat=True))]
    return render(request, "reports/dashboard.html", {
        "roots": roots, "unit": selected, "period": period, "previous_period": period.previous(),
        "headlines": headlines, "overdue_count": data["overdue_count"],
        "late_to_acknowledge_count": data["late_to_acknowledge_count"],
        "tables": [data["units"], data["procedures"]], "ranking": ranking_short,
        "overdue": data["overdue"], "headline_table": data["headline"],
        "series_table": data["series_table"],
        "chart": _chart_data(data["series"], data["units"]),
        "query": _query(period, don_vi=selected.pk), "breadcrumbs": breadcrumbs,
        "today": today,
    })


@staff_required
def dossier_list(request):
    """The last drill-down step: the dossiers behind a procedure's figures in a unit."""
    _roots, selected, ids = _staff_scope(request)
    period = _period(request)
    procedure = None
    qs = Dossier.objects.filter(receiving_unit_id__in=ids, received_at__isnull=False).exclude(
        state__in=[DossierState.WITHDRAWN, DossierState.DRAFT])
    if request.GET.get("thu_tuc"):
        if not request.GET["thu_tuc"].isdigit():
            raise Http404
        procedure = get_object_or_404(Procedure, pk=int(request.GET["thu_tuc"]))
        qs = qs.filter(procedure=procedure)
    start, end = day_bounds(period.start, period.end)
    qs = (qs.filter(received_at__gte=start, received_at__lt=end)
          .select_related("procedure", "current_unit", "receiving_unit")
          .order_by("-received_at", "-id"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "reports/dossier_list.html", {
        "unit": selected, "procedure": procedure, "period": period, "page": page,
        "query": _query(period, don_vi=selected.pk,
                        **({"thu_tuc": procedure.pk} if procedure else {})),
        "back": f"{reverse('reports_staff:dashboard')}?{_query(period, don_vi=selected.pk)}",
        "today": timezone.localdate(),
    })


EXPORTS = ("tong-hop", "don-vi", "thu-tuc", "xep-hang-phuong", "qua-han", "theo-thoi-gian")


@staff_required
def export(request, table: str, fmt: str):
    if table not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    _roots, selected, ids = _staff_scope(request)
    period = _period(request)
    now = timezone.now()
    today = timezone.localdate(now)
    if table == "qua-han":
        rows = selectors.overdue_rows(list(selectors.overdue(ids, today)), today)
        result = tables.overdue_table(rows)
    else:
        data = _dashboard_tables(selected, ids, period, now)
        result = {"tong-hop": data["headline"], "don-vi": data["units"],
                  "thu-tuc": data["procedures"], "xep-hang-phuong": data["wards"],
                  "theo-thoi-gian": data["series_table"]}[table]
    filename = f"thong-ke-{table}-{selected.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return (as_csv if fmt == "csv" else as_xlsx)(result, filename)


# --- the service index (QĐ 766) ---------------------------------------------------------------


def _index766(request) -> dict[str, Any]:
    roots, selected, ids = _staff_scope(request)
    today = timezone.localdate()
    week = index766.parse_week(request.GET.get("tuan"), today)
    invalid_week = week is None
    week = week or index766.default_week(today)
    index, ranking = index766.scope_index(ids, week, today)
    label = f"{week.iso} ({week.start:%d/%m} – {week.end:%d/%m/%Y})"
    base = reverse("reports_staff:index766")
    return {
        "roots": roots, "unit": selected, "week": week, "week_label": label,
        "invalid_week": invalid_week, "index": index, "ranking": ranking,
        "definition": index766.definition(), "today": today,
        "query": urlencode({"don_vi": selected.pk, "tuan": week.iso}),
        "ranking_table": tables.index766_ranking_table(
            ranking, label,
            lambda r: f"{base}?{urlencode({'don_vi': r.unit.pk, 'tuan': week.iso})}"),
    }


@staff_required
def index766_page(request):
    """The six groups of the week with the figures behind each point, what would raise them,
    and the ranking of the communes in the viewer's scope."""
    return render(request, "reports/index766.html", _index766(request))


@staff_required
def index766_export(request, table: str, fmt: str):
    if table not in ("chi-so-766", "xep-hang-766") or fmt not in ("csv", "xlsx"):
        raise Http404
    data = _index766(request)
    if table == "chi-so-766":
        result = tables.index766_table(data["index"], data["unit"].name, data["week"].iso)
    else:
        result = tables.index766_ranking_table(data["ranking"], data["week"].iso)
    filename = f"{table}-{data['unit'].code}-{data['week'].iso}"
    return (as_csv if fmt == "csv" else as_xlsx)(result, filename)


# --- public -------------------------------------------------------------------------------


def public_index(request):
    units = Unit.objects.active().filter(depth__lte=1).order_by("path")
    return render(request, "reports/public_index.html", {"units": units})


def public_unit(request, code: str):
    unit = get_object_or_404(Unit.objects.active(), code=code)
    period = _period(request)
    ids = selectors.scope_ids(unit)
    current, by_unit = selectors.scope_summary(ids, period)
    children = selectors.children_breakdown(unit, period, ids, by_unit)
    base = reverse("reports:unit", args=["__code__"])
    units_table = tables.units_table(
        children, lambda r: None if r["is_self"]
        else base.replace("__code__", r["unit"].code) + "?" + _query(period))
    return render(request, "reports/public_unit.html", {
        "unit": unit, "period": period, "figures": current,
        "tables": [units_table, tables.procedures_table(
            selectors.procedure_breakdown(ids, period))],
        "query": _query(period),
        "series": selectors.series(ids, period),
    })
