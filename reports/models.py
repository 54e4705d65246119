"""Summary tables behind the service-index figures (QĐ 766).

``DossierFact`` is one row per received dossier holding what that dossier contributes to the
figures (its receiving unit, procedure, level, the day it was received, the day it was
resolved, on time or late, working days taken, …). ``StatRollup`` sums facts (and ratings) per
(unit, procedure, level) and per day (grain ``D``) or per month (grain ``M``), so a year of a
whole city is a few thousand rows to add up instead of a million dossiers. Both are derived
data: ``manage.py rebuild_stats`` recreates them from the dossiers and ratings at any time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Processing times are also kept as a histogram in plain integer columns (exact counts for 0…15
# working days, then one "16 or more" bucket: the longest catalogue deadline is 15 days) so a
# median over any scope is one SUM per column, not a read of every dossier.
PROCESSING_BUCKETS = 16
HISTOGRAM = tuple(f"pt_{n:02d}" for n in range(PROCESSING_BUCKETS + 1))

# Counters of a rollup row.
COUNTERS = (
    "received", "received_in_person", "received_online", "received_postal",
    "resolved", "on_time", "late", "processing_days_sum",
    "fee_dossiers", "paid_online", "result_pickup", "result_postal",
    "attachments", "attachments_reused",
    "ratings", "ratings_satisfied", "ratings_very_satisfied",
    "crit_access", "crit_procedure", "crit_staff", "crit_timeliness", "crit_result",
    *HISTOGRAM,
)


class Grain(models.TextChoices):
    DAY = "D", _("Ngày")
    MONTH = "M", _("Tháng")


class DossierFact(models.Model):
    dossier = models.OneToOneField("dossiers.Dossier", primary_key=True,
                                   on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE,
                                  related_name="+")
    level = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=1)
    received_day = models.DateField()
    finished_day = models.DateField(null=True, blank=True)
    resolved = models.BooleanField(default=False)
    on_time = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    processing_days = models.PositiveIntegerField(null=True, blank=True)
    has_fee = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    result_postal = models.BooleanField(null=True, blank=True)
    attachments = models.PositiveIntegerField(default=0)
    attachments_reused = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        indexes = [
            models.Index(fields=["unit", "procedure", "received_day"], name="fact_received_idx"),
            models.Index(fields=["unit", "procedure", "finished_day"], name="fact_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class StatRollup(models.Model):
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField(help_text=_("Ngày, hoặc ngày đầu tháng với cấp tháng."))
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE,
                                  related_name="+")
    level = models.PositiveSmallIntegerField(default=0)

    received = models.PositiveIntegerField(default=0)
    received_in_person = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    received_postal = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    processing_days_sum = models.PositiveIntegerField(default=0)
    fee_dossiers = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    result_pickup = models.PositiveIntegerField(default=0)
    result_postal = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    attachments_reused = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    ratings_satisfied = models.PositiveIntegerField(default=0)
    ratings_very_satisfied = models.PositiveIntegerField(default=0)
    crit_access = models.PositiveIntegerField(default=0)
    crit_procedure = models.PositiveIntegerField(default=0)
    crit_staff = models.PositiveIntegerField(default=0)
    crit_timeliness = models.PositiveIntegerField(default=0)
    crit_result = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp số liệu")
        verbose_name_plural = _("tổng hợp số liệu")
        constraints = [models.UniqueConstraint(
            fields=["grain", "day", "unit", "procedure", "level"], name="unique_stat_cell")]
        indexes = [models.Index(fields=["grain", "unit", "day"], name="rollup_unit_day_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} u{self.unit_id} p{self.procedure_id} L{self.level}"


for _name in HISTOGRAM:
    StatRollup.add_to_class(_name, models.PositiveIntegerField(default=0))
