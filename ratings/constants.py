"""The satisfaction scale and the standard criteria a citizen rates (SIPAS factors)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


SATISFIED_VALUES = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED})


class RatingSource(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    KIOSK = "kiosk", _("Tại quầy một cửa")


# (model field, rollup counter, label)
CRITERIA = (
    ("access_info", "crit_access", _("Tiếp cận thông tin")),
    ("procedure_rating", "crit_procedure", _("Thủ tục hành chính")),
    ("staff_attitude", "crit_staff", _("Thái độ của công chức")),
    ("timeliness", "crit_timeliness", _("Thời gian giải quyết")),
    ("result", "crit_result", _("Kết quả giải quyết")),
)

EDIT_WINDOW = datetime.timedelta(days=7)
# A walk-in citizen rates at the counter a dossier returned this recently.
KIOSK_WINDOW = datetime.timedelta(days=2)
# Ratings per hour: per citizen account, per kiosk session, per client address.
RATE_LIMITS = {"user": 10, "kiosk": 30, "ip": 30}
