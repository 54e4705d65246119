"""The signed-in user's own profile and address book. There is no id for "me", and addresses
are looked up in the owner's queryset only: someone else's address is a 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import DeliveryAddress
from ..selectors import delivery_addresses_of
from ..services import (
    citizen_profile_update,
    delivery_address_create,
    delivery_address_delete,
    delivery_address_update,
)
from .serializers import DeliveryAddressSerializer, MeSerializer


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = citizen_profile_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class DeliveryAddressViewSet(viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DeliveryAddressSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DeliveryAddress.objects.none()
        return delivery_addresses_of(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = delivery_address_create(owner=self.request.user,
                                                      **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = delivery_address_update(address=serializer.instance,
                                                      **serializer.validated_data)

    def perform_destroy(self, instance):
        delivery_address_delete(address=instance)
