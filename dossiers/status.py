"""The status a citizen (and the national data exchange) sees, in one place.

A submitted online dossier whose fee is due is not waiting for the desk: reception follows
payment. Its workflow state stays ``submitted``; what it shows is "Chờ thanh toán", national
status 6 ("waiting for payment of financial obligations", DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .constants import NATIONAL_STATUS
from .models import Dossier

AWAITING_PAYMENT_NATIONAL_STATUS = 6


@dataclass(frozen=True)
class CitizenStatus:
    label: str
    national_code: int | None
    awaiting_payment: bool = False


def awaiting_payment(dossier: Dossier) -> bool:
    if not dossier.awaits_reception:
        return False
    from .selectors import fee_outstanding  # selectors import models; keep this module light

    return bool(fee_outstanding(dossier))


def citizen_status(dossier: Dossier) -> CitizenStatus:
    if awaiting_payment(dossier):
        return CitizenStatus(_("Chờ thanh toán lệ phí"), AWAITING_PAYMENT_NATIONAL_STATUS,
                             awaiting_payment=True)
    return CitizenStatus(dossier.get_state_display(), NATIONAL_STATUS.get(dossier.state))


def national_status(dossier: Dossier) -> int | None:
    return citizen_status(dossier).national_code
