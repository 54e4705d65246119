from rest_framework import serializers

from ..models import Fee, FormField, Procedure, ProcessingStep, RequiredDocument, Sector


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_en"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["name", "name_en", "amount", "note"]


class RequiredDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["key", "name", "name_en", "mandatory", "form", "quantity", "reusable", "note",
                  "replaced_by_online_form"]


class FormFieldSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="field_type")
    min = serializers.CharField(source="min_value")
    max = serializers.CharField(source="max_value")
    choices = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))

    class Meta:
        model = FormField
        fields = ["key", "label", "label_en", "type", "required", "choices", "regex", "min", "max",
                  "help_text", "help_text_en", "bind"]


class ProcessingStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessingStep
        fields = ["name", "name_en", "role", "unit_kind", "days"]


class ProcedureListSerializer(serializers.ModelSerializer):
    sector = SectorSerializer()
    delivery_methods = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField(source="current_version")

    class Meta:
        model = Procedure
        fields = ["code", "name", "name_en", "sector", "level", "receiving_unit_kind",
                  "processing_days", "delivery_methods", "online_payment", "version"]


class ProcedureDetailSerializer(ProcedureListSerializer):
    fees = FeeSerializer(many=True)
    documents = RequiredDocumentSerializer(many=True)
    fields = FormFieldSerializer(many=True)
    steps = ProcessingStepSerializer(many=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [*ProcedureListSerializer.Meta.fields, "description", "legal_basis",
                  "processing_time_note", "result_document", "fees", "documents", "fields",
                  "steps"]


class ConfigErrorSerializer(serializers.Serializer):
    path = serializers.CharField()
    message = serializers.CharField()
