"""Fees: the exemption a citizen claims when filing, and the confirmed online payment
recorded on the dossier (what is due is read by ``selectors.fee_amount``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..constants import Action
from ..exceptions import DossierInvalid
from ..models import Dossier, DossierTransition
from ..selectors import EXEMPTION_PROOF_KEY, fee_amount, fee_paid
from .core import apply_transition, lock


def check_exemption(dossier: Dossier) -> None:
    if not dossier.fee_exemption:
        return
    spec = dossier.fee_exemption_spec
    if spec is None:
        raise DossierInvalid(_("Lý do miễn lệ phí không hợp lệ."), code="fee_exemption")
    if spec.get("proof_required") and not dossier.attachments.filter(
            document_key=EXEMPTION_PROOF_KEY).exists():
        raise DossierInvalid(
            _("Vui lòng đính kèm giấy tờ chứng minh được miễn lệ phí (%(reason)s).")
            % {"reason": spec["reason"]}, code="fee_exemption_proof")


@transaction.atomic
def dossier_record_payment(*, dossier_id: int, amount: int, order_ref: str,
                           transaction_no: str = "") -> DossierTransition | None:
    """Records a confirmed online payment once (a citizen-visible event, no state change).

    Returns None when it was already recorded, or when the amount is not this dossier's fee
    (a payment never marks another dossier, or a different fee, paid)."""
    dossier = lock(Dossier(pk=dossier_id))
    if fee_paid(dossier):
        return None
    if amount != fee_amount(dossier):
        return None
    note = _("Đã thanh toán %(amount)s đồng, mã giao dịch %(ref)s.") % {
        "amount": f"{amount:,}".replace(",", "."), "ref": order_ref}
    if transaction_no:
        note += " " + _("Số giao dịch tại cổng: %(no)s.") % {"no": transaction_no}
    return apply_transition(dossier=dossier, action=Action.PAY, acting_user=None, note=note,
                            locked=True).entry
