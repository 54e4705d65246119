"""The dossier API: a citizen files and follows their dossiers; staff work the queue."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import is_staff_member
from citizens.selectors import delivery_addresses_of
from portal.parsers import FormParser, MultiPartParser
from portal.ratelimit import FixedWindowThrottle
from procedures.models import Procedure
from units.models import Unit

from ..models import StoredDocument
from ..selectors import (
    QUEUE_TABS,
    CountedQuerySet,
    can_view_dossier,
    citizen_dossier,
    dossier_by_ref,
    dossier_queue,
    dossiers_of_citizen,
    public_track,
    queue_counts,
)
from ..services import (
    dossier_act,
    dossier_attach,
    dossier_create_draft,
    dossier_submit,
)
from .serializers import (
    AttachmentCreateSerializer,
    AttachmentSerializer,
    DossierCreateSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    QueueItemSerializer,
    TrackSerializer,
    TransitionRequestSerializer,
)


def _own(request, ref):
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


class DossierListCreate(ListAPIView):
    """GET: the signed-in citizen's dossiers. POST: a new draft (addressed by its uuid until
    it is submitted; after that by its code — both work)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DossierListSerializer

    def get_queryset(self):
        return dossiers_of_citizen(self.request.user)

    @extend_schema(request=DossierCreateSerializer, responses={201: DossierDetailSerializer})
    def post(self, request):
        payload = DossierCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        procedure = Procedure.objects.published().filter(code=data["procedure"]).first()
        place = Unit.objects.active().filter(code=data["place"]).first()
        if procedure is None or place is None:
            raise NotFound("Không tìm thấy thủ tục hoặc đơn vị.")
        address = None
        if data.get("delivery_address"):
            address = delivery_addresses_of(request.user).filter(
                pk=data["delivery_address"]).first()
            if address is None:
                raise NotFound("Không tìm thấy địa chỉ.")
        dossier = dossier_create_draft(
            procedure=procedure, applicant=request.user, place=place, data=data["data"],
            delivery_method=data["delivery_method"], delivery_address=address)
        return Response(DossierDetailSerializer(dossier).data, status=status.HTTP_201_CREATED)


class DossierDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request, ref: str):
        dossier = dossier_by_ref(ref)
        if dossier is None or not can_view_dossier(request.user, dossier):
            raise NotFound("Không tìm thấy hồ sơ.")
        return Response(DossierDetailSerializer(dossier).data)


class AttachmentCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=AttachmentCreateSerializer, responses={201: AttachmentSerializer})
    def post(self, request, ref: str):
        dossier = _own(request, ref)
        payload = AttachmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        stored = None
        if payload.validated_data.get("stored_document"):
            stored = StoredDocument.objects.filter(
                owner_id=request.user.pk, pk=payload.validated_data["stored_document"]).first()
            if stored is None:
                raise NotFound("Không tìm thấy giấy tờ trong kho.")
        item = dossier_attach(dossier=dossier, acting_user=request.user,
                              document_key=payload.validated_data["document_key"],
                              upload=payload.validated_data.get("file"),
                              stored_document=stored)
        return Response(AttachmentSerializer(item).data, status=status.HTTP_201_CREATED)


class DossierSubmit(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=DossierDetailSerializer)
    def post(self, request, ref: str):
        dossier = _own(request, ref)
        dossier = dossier_submit(dossier=dossier, acting_user=request.user)
        return Response(DossierDetailSerializer(dossier).data)


class DossierTransitionCreate(APIView):
    """Any action of the transition table except submit; 409 when the state or the version
    no longer matches (someone else acted first)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TransitionRequestSerializer, responses=DossierDetailSerializer)
    def post(self, request, ref: str):
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        dossier = dossier_by_ref(ref)
        if dossier is None or not can_view_dossier(request.user, dossier):
            raise NotFound("Không tìm thấy hồ sơ.")
        with transaction.atomic():
            if data["action"] == "submit":
                dossier = dossier_submit(dossier=dossier, acting_user=request.user)
            else:
                dossier = dossier_act(dossier=dossier, acting_user=request.user,
                                      action=data["action"], note=data["note"],
                                      expected_version=data.get("version"),
                                      **payload.parameters)
        return Response(DossierDetailSerializer(dossier).data)


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and is_staff_member(request.user))


class QueueList(ListAPIView):
    """The staff member's queue: ?tab=cho-tiep-nhan|dang-xu-ly|bo-sung|den-han-hom-nay|
    qua-han|tra-ket-qua|tat-ca, &procedure=, &channel=, sorted by due date."""

    permission_classes = [IsStaff]
    serializer_class = QueueItemSerializer

    def get_queryset(self):
        params = self.request.query_params
        return dossier_queue(self.request.user, tab=params.get("tab", "cho-tiep-nhan"),
                             procedure=params.get("procedure", ""),
                             channel=params.get("channel", ""))

    def paginate_queryset(self, queryset):
        params = self.request.query_params
        if queryset is not None and not (params.get("procedure") or params.get("channel")):
            tab = params.get("tab", "cho-tiep-nhan")
            if tab in QUEUE_TABS:  # the tab's count is known: no COUNT(*) for the page
                queryset = CountedQuerySet(queryset, queue_counts(self.request.user)[tab])
        return super().paginate_queryset(queryset)


class TrackThrottle(FixedWindowThrottle):
    scope = "dossier_track"
    limit = 20  # a minute, per client address


class Track(APIView):
    """Public lookup by code: state and due date only, no personal data."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [TrackThrottle]

    @extend_schema(responses=TrackSerializer)
    def get(self, request, code: str):
        dossier = public_track(code)
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ.")
        return Response(TrackSerializer(dossier).data)


