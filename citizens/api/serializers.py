from __future__ import annotations

from rest_framework import serializers

from portal.validators import normalize_vn_phone
from units.constants import UnitKind
from units.models import Unit

from ..models import DeliveryAddress


class MeSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField(allow_blank=True)
    national_id = serializers.SerializerMethodField()
    date_of_birth = serializers.SerializerMethodField()
    phone_verified = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField()

    def validate_phone(self, value):
        from django.core.exceptions import ValidationError

        try:
            return normalize_vn_phone(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def _profile(self, user):
        return getattr(user, "citizen_profile", None)

    def get_national_id(self, user) -> str | None:
        profile = self._profile(user)
        return profile.national_id if profile else None

    def get_date_of_birth(self, user) -> str | None:
        profile = self._profile(user)
        return profile.date_of_birth.isoformat() if profile else None

    def get_phone_verified(self, user) -> bool:
        return user.phone_verified_at is not None

    def get_email_verified(self, user) -> bool:
        return user.email_verified_at is not None


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class DeliveryAddressSerializer(serializers.ModelSerializer):
    ward = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=UnitKind.WARD, is_active=True)
    )
    province = UnitRefSerializer(read_only=True)
    district = UnitRefSerializer(read_only=True)
    ward_detail = UnitRefSerializer(source="ward", read_only=True)

    class Meta:
        model = DeliveryAddress
        fields = ["id", "label", "recipient_name", "recipient_phone", "province", "district",
                  "ward", "ward_detail", "street", "is_default", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_recipient_phone(self, value):
        from django.core.exceptions import ValidationError

        try:
            return normalize_vn_phone(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
