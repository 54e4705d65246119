from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of administrative unit. The tree's depth is data: a two-tier province simply has
    wards/communes directly under it."""

    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện")
    WARD = "ward", _("Phường/Xã")
