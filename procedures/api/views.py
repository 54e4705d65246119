from __future__ import annotations

import django_filters
from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from portal.exceptions import DomainError
from portal.pagecache import public_page
from units.models import Unit

from ..models import Procedure
from ..selectors import procedure_catalogue, procedure_detail_queryset
from ..services import procedure_export, procedure_import
from .serializers import ProcedureDetailSerializer, ProcedureListSerializer


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Tìm kiếm (không phân biệt dấu)")
    sector = django_filters.CharFilter(field_name="sector__code")
    level = django_filters.TypedChoiceFilter(choices=[(3, "3"), (4, "4")], coerce=int)
    unit_kind = django_filters.CharFilter(field_name="receiving_unit_kind")

    class Meta:
        model = Procedure
        fields = ["q", "sector", "level", "unit_kind"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


# Anonymous reads are served from the page cache; Accept picks the renderer (JSON or the
# browsable API), so it is part of the key.
@method_decorator(public_page(
    query_params=("q", "sector", "level", "unit_kind", "page", "page_size", "format"),
    vary_on_headers=("Accept",), api=True), name="dispatch")
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue of published procedures."""

    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z.]+"
    filterset_class = CatalogueFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return procedure_detail_queryset()
        return procedure_catalogue()

    def get_serializer_class(self):
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureListSerializer


class CanConfigureProcedures(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff
                    and user.has_perm("procedures.change_procedure"))


_config_error_response = OpenApiResponse(
    response=inline_serializer("ConfigurationErrors", {
        "error": inline_serializer("ConfigurationErrorBody", {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "details": inline_serializer("ConfigErrorItem", {
                "path": serializers.CharField(), "message": serializers.CharField(),
            }, many=True),
        }),
    }),
    description="The document was refused; nothing was changed.",
)


class StaffProcedureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Import and export of procedure configurations for district admins."""

    permission_classes = [CanConfigureProcedures]
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z.]+"
    queryset = Procedure.objects.select_related("sector").order_by("code")
    serializer_class = ProcedureListSerializer

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request, code=None):
        procedure = Procedure.objects.filter(code=code).select_related("sector").first()
        if procedure is None:
            raise NotFound("Không tìm thấy thủ tục.")
        return Response(procedure_export(procedure=procedure))

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: ProcedureDetailSerializer, 400: _config_error_response,
                   403: OpenApiResponse(description="Outside the caller's units (a "
                                        "procedure it may not change, a new sector).")},
        parameters=[OpenApiParameter(
            "owner_unit", str, description="Unit code a new procedure belongs to (one of the "
            "caller's units; by default its district; none: city-wide, superuser only).")],
        description="Create or replace a procedure from a procedure-v1 JSON document, within "
                    "the caller's scope (the admin change page's rules).",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_(self, request):
        owner_unit = None
        owner_code = request.query_params.get("owner_unit")
        if owner_code:
            owner_unit = Unit.objects.filter(code=owner_code).first()
            if owner_unit is None:
                raise DomainError(
                    f"Không có đơn vị mã {owner_code[:40]}.", code="invalid",
                    details=[{"path": "?owner_unit", "message": "Không có đơn vị này."}])
        # A refusal (ProcedureOutOfScope, ProcedureConfigurationError) is a DomainError: the
        # exception handler answers it; the atomic block leaves nothing half-imported.
        with transaction.atomic():
            procedure = procedure_import(document=request.data, acting_user=request.user,
                                         owner_unit=owner_unit)
        procedure = procedure_detail_queryset().model.objects.prefetch_related(
            "fees", "documents", "fields", "steps").select_related("sector").get(pk=procedure.pk)
        return Response(ProcedureDetailSerializer(procedure).data, status=status.HTTP_201_CREATED)
