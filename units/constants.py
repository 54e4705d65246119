from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Levels of administrative unit. The tree's depth is data: a two-tier province simply has
    commune-level units directly under it. ``WARD`` is the commune level whatever the unit is
    called (phường, xã or đặc khu: see ``DivisionType``), so routing by level, procedures'
    receiving level and processing steps need not know the 2025 vocabulary."""

    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện")
    WARD = "ward", _("Phường/Xã")


class DivisionType(models.TextChoices):
    """What the unit is officially called (the national list's division type), as opposed to
    its level in the tree (``UnitKind``)."""

    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh_pho", _("Thành phố trực thuộc trung ương")
    DISTRICT = "quan_huyen", _("Quận/Huyện/Thị xã")
    WARD = "phuong", _("Phường")
    COMMUNE = "xa", _("Xã")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
