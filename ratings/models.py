"""One satisfaction rating per returned dossier, tied to the unit and the clerks who handled
it, so figures can be read per unit (and, for supervisors, per clerk)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import RatingSource, Satisfaction


def _scale(label):
    return models.CharField(label, max_length=16, choices=Satisfaction.choices)


class Rating(models.Model):
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT,
                                   related_name="rating", verbose_name=_("hồ sơ"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("cơ quan"))
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("thủ tục"))
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name=_("cán bộ xử lý"))
    overall = _scale(_("mức độ hài lòng chung"))
    access_info = _scale(_("tiếp cận thông tin"))
    procedure_rating = _scale(_("thủ tục hành chính"))
    staff_attitude = _scale(_("thái độ của công chức"))
    timeliness = _scale(_("thời gian giải quyết"))
    result = _scale(_("kết quả giải quyết"))
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    source = models.CharField(_("nguồn"), max_length=8, choices=RatingSource.choices)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("công dân"))
    kiosk_clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("cán bộ mở quầy đánh giá"))
    created_at = models.DateTimeField(_("đánh giá lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_overall_display()}"
