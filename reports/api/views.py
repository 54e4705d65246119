"""The service-index figures as JSON. Aggregates are public (they are published anyway); the
overdue list names dossiers and is for staff of the unit only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import is_staff_member, staff_units
from units.models import Unit

from .. import selectors
from .serializers import (
    BreakdownResponseSerializer,
    FiguresResponseSerializer,
    OverdueRowSerializer,
)

PARAMS = [
    OpenApiParameter("unit", str, description="Mã đơn vị (kèm các đơn vị cấp dưới)",
                     required=True),
    OpenApiParameter("from", str, description="Từ ngày (YYYY-MM-DD); mặc định 12 tháng gần nhất"),
    OpenApiParameter("to", str, description="Đến ngày (YYYY-MM-DD)"),
]


def _scope(request) -> tuple[Unit, list[int], selectors.Period]:
    code = request.query_params.get("unit")
    units = Unit.objects.active()
    # Without a unit: the whole deployment (its top-level unit).
    unit = (units.filter(code=code) if code else units.filter(parent=None).order_by("path")
            ).first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    period = selectors.parse_period(request.query_params.get("from"),
                                    request.query_params.get("to"))
    return unit, selectors.scope_ids(unit), period


def _period(period: selectors.Period) -> dict:
    return {"start": period.start, "end": period.end}


def _unit(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name}


class Figures(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=PARAMS, responses=FiguresResponseSerializer,
                   operation_id="stats_figures", tags=["stats"])
    def get(self, request):
        unit, ids, period = _scope(request)
        previous = period.previous()
        live = selectors.live_counts(ids)
        data = {"unit": _unit(unit), "period": _period(period),
                "previous_period": _period(previous),
                "figures": selectors.figures(ids, period),
                "previous": selectors.figures(ids, previous),
                "overdue_now": live["overdue"],
                "late_to_acknowledge_now": live["late_to_acknowledge"]}
        return Response(FiguresResponseSerializer(data).data)


class UnitBreakdown(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=PARAMS, responses=BreakdownResponseSerializer,
                   operation_id="stats_units", tags=["stats"])
    def get(self, request):
        unit, ids, period = _scope(request)
        rows = [{"key": r["unit"].code, "name": r["unit"].name, **r}
                for r in selectors.children_breakdown(unit, period, ids)]
        return Response(BreakdownResponseSerializer(
            {"unit": _unit(unit), "period": _period(period), "rows": rows}).data)


class ProcedureBreakdown(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=PARAMS, responses=BreakdownResponseSerializer,
                   operation_id="stats_procedures", tags=["stats"])
    def get(self, request):
        unit, ids, period = _scope(request)
        rows = [{"key": r["procedure"].code, "name": r["procedure"].name, **r}
                for r in selectors.procedure_breakdown(ids, period)]
        return Response(BreakdownResponseSerializer(
            {"unit": _unit(unit), "period": _period(period), "rows": rows}).data)


class Overdue(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=PARAMS[:1], responses=OverdueRowSerializer(many=True),
                   operation_id="stats_overdue", tags=["stats"])
    def get(self, request):
        if not is_staff_member(request.user):
            raise PermissionDenied("Chỉ dành cho cán bộ.")
        unit, ids, _period_ = _scope(request)
        allowed = set(staff_units(request.user).values_list("pk", flat=True))
        if unit.pk not in allowed:
            raise PermissionDenied("Đơn vị ngoài phạm vi của bạn.")
        ids = [pk for pk in ids if pk in allowed]
        rows = selectors.overdue_rows(selectors.overdue_page(ids, limit=500))
        return Response(OverdueRowSerializer([{
            "code": r["dossier"].code, "procedure": r["dossier"].procedure.name,
            "owner_unit": r["owner"].name, "due_date": r["dossier"].due_date,
            "days_late": r["days_late"]} for r in rows], many=True).data)
