from __future__ import annotations

from rest_framework import serializers


class CriteriaSerializer(serializers.Serializer):
    access_info = serializers.FloatField(allow_null=True)
    procedure_rating = serializers.FloatField(allow_null=True)
    staff_attitude = serializers.FloatField(allow_null=True)
    timeliness = serializers.FloatField(allow_null=True)
    result = serializers.FloatField(allow_null=True)


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    online_share = serializers.FloatField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    """Counts, and shares in percent (null when the denominator is zero)."""

    received = serializers.IntegerField()
    received_in_person = serializers.IntegerField()
    received_online = serializers.IntegerField()
    received_postal = serializers.IntegerField()
    online_share = serializers.FloatField(allow_null=True)
    resolved = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True, required=False)
    fee_dossiers = serializers.IntegerField()
    paid_online = serializers.IntegerField()
    online_payment_share = serializers.FloatField(allow_null=True)
    result_pickup = serializers.IntegerField()
    result_postal = serializers.IntegerField()
    postal_result_share = serializers.FloatField(allow_null=True)
    attachments = serializers.IntegerField()
    attachments_reused = serializers.IntegerField()
    reuse_share = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    ratings_satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    criteria = CriteriaSerializer()
    levels = LevelSerializer(many=True, required=False)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class StatsUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FiguresResponseSerializer(serializers.Serializer):
    unit = StatsUnitSerializer()
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    figures = FiguresSerializer()
    previous = FiguresSerializer()
    overdue_now = serializers.IntegerField(
        help_text="Hồ sơ đang tính thời hạn và đã quá ngày hẹn trả (hiện tại)")
    late_to_acknowledge_now = serializers.IntegerField(
        help_text="Hồ sơ trực tuyến chưa được tiếp nhận quá thời hạn giờ làm việc (hiện tại)")


class BreakdownRowSerializer(FiguresSerializer):
    key = serializers.CharField(help_text="unit code or procedure code")
    name = serializers.CharField()


class BreakdownResponseSerializer(serializers.Serializer):
    unit = StatsUnitSerializer()
    period = PeriodSerializer()
    rows = BreakdownRowSerializer(many=True)


class OverdueRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    owner_unit = serializers.CharField()
    due_date = serializers.DateField()
    days_late = serializers.IntegerField()
