from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from ..constants import Action, DossierState
from ..models import Dossier, DossierAttachment, DossierTransition


class TransitionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", default="")

    class Meta:
        model = DossierTransition
        fields = ["action", "from_state", "to_state", "step", "unit", "note", "created_at"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierAttachment
        fields = ["id", "document_key", "original_name", "content_type", "size", "sha256",
                  "is_supplement", "created_at"]


class DossierListSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(read_only=True)
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    state_label = serializers.CharField(source="get_state_display")
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Dossier
        fields = ["ref", "uuid", "code", "procedure", "procedure_name", "state", "state_label",
                  "channel", "due_date", "submitted_at", "is_overdue", "version"]


class DossierDetailSerializer(DossierListSerializer):
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    receiving_unit = serializers.CharField(source="receiving_unit.name")
    attachments = AttachmentSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [*DossierListSerializer.Meta.fields, "procedure_version", "receiving_unit",
                  "received_at", "data", "delivery_method", "delivery_address",
                  "supplement_items", "result_summary", "refusal_reason", "attachments",
                  "history"]

    def get_history(self, obj) -> list[dict]:
        from ..selectors import dossier_history

        return TransitionSerializer(dossier_history(obj, citizen_view=True), many=True).data


class QueueItemSerializer(DossierListSerializer):
    applicant_name = serializers.CharField()
    current_unit = serializers.CharField(source="current_unit.name")

    class Meta(DossierListSerializer.Meta):
        fields = [*DossierListSerializer.Meta.fields, "applicant_name", "current_unit"]


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text="Mã thủ tục, ví dụ 1.001193")
    place = serializers.CharField(help_text="Mã đơn vị nơi cư trú (phường/xã)")
    data = serializers.DictField(required=False, default=dict)
    delivery_method = serializers.ChoiceField(choices=["pickup", "postal"], default="pickup")
    delivery_address = serializers.IntegerField(required=False, allow_null=True)


class AttachmentCreateSerializer(serializers.Serializer):
    document_key = serializers.SlugField()
    file = serializers.FileField(required=False)
    stored_document = serializers.IntegerField(required=False)


# What each action takes besides ``note`` and ``version``; a parameter sent with any other action
# is refused (400) rather than handed to a service that has no such argument.
ACTION_PARAMETERS: dict[str, tuple[str, ...]] = {
    Action.APOLOGIZE: ("new_due_date",),
}


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a for a in Action if a != Action.CREATE])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Phiên bản đã đọc; lệch → 409")
    new_due_date = serializers.DateField(required=False,
                                         help_text="Chỉ với apologize: ngày hẹn trả mới.")

    PARAMETERS = frozenset(name for names in ACTION_PARAMETERS.values() for name in names)

    def validate(self, attrs):
        allowed = ACTION_PARAMETERS.get(attrs["action"], ())
        refused = sorted(name for name in self.PARAMETERS - set(allowed) if name in attrs)
        if refused:
            raise serializers.ValidationError({
                name: [_("Không dùng được với thao tác %(action)s.") % {"action": attrs["action"]}]
                for name in refused})
        return attrs

    @property
    def parameters(self) -> dict:
        """The validated parameters of the requested action, as keyword arguments."""
        data = self.validated_data
        return {name: data[name] for name in ACTION_PARAMETERS.get(data["action"], ())
                if name in data}


class TrackSerializer(serializers.Serializer):
    """The public lookup (selectors.TrackResult): state and due date, no personal data."""

    code = serializers.CharField()
    procedure_name = serializers.CharField()
    receiving_unit = serializers.CharField(source="receiving_unit_name")
    state = serializers.ChoiceField(choices=DossierState.choices)
    state_label = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


