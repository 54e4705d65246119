"""The citizen's rating of a returned dossier (read, create or edit within 7 days)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.selectors import citizen_dossier
from portal.clientip import client_address

from ..constants import Satisfaction
from ..models import Rating
from ..services import rating_submit


class RatingSerializer(serializers.Serializer):
    overall = serializers.ChoiceField(choices=Satisfaction.choices)
    access_info = serializers.ChoiceField(choices=Satisfaction.choices)
    procedure_rating = serializers.ChoiceField(choices=Satisfaction.choices)
    staff_attitude = serializers.ChoiceField(choices=Satisfaction.choices)
    timeliness = serializers.ChoiceField(choices=Satisfaction.choices)
    result = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    created_at = serializers.DateTimeField(read_only=True)



class DossierRating(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _dossier(self, request, ref):
        dossier = citizen_dossier(request.user, ref)
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ.")
        return dossier

    @extend_schema(responses=RatingSerializer, operation_id="dossier_rating_read",
                   tags=["ratings"])
    def get(self, request, ref: str):
        rating = Rating.objects.filter(dossier=self._dossier(request, ref)).first()
        if rating is None:
            raise NotFound("Hồ sơ chưa được đánh giá.")
        return Response(RatingSerializer(rating).data)

    @extend_schema(request=RatingSerializer, responses=RatingSerializer,
                   operation_id="dossier_rating_put", tags=["ratings"])
    def put(self, request, ref: str):
        dossier = self._dossier(request, ref)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_submit(dossier=dossier, values=serializer.validated_data,
                               acting_user=request.user, client_ip=client_address(request))
        return Response(RatingSerializer(rating).data)

