"""Who may rate a dossier, and where: the one answer the rating pages, the counter kiosk, the
API and ``rating_submit`` all ask for.

The counter kiosk is a page a clerk opens for a walk-in citizen, without the citizen's
account, so nothing proves who taps it. It is therefore limited to dossiers whose citizen was
at that very desk: received there in person, or whose result was handed over there. An online
dossier is rated by its citizen, online; a clerk's kiosk could otherwise rate every online
dossier of the unit, including the ones that clerk handled.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import staff_units
from delivery.selectors import counter_handover_unit_id
from dossiers.constants import Action, Channel, DossierState
from dossiers.models import Dossier, DossierTransition
from dossiers.routing import path_ids

from .constants import EDIT_WINDOW, KIOSK_WINDOW
from .exceptions import RatingError, RatingLocked, RatingNotAllowed
from .models import Rating

_UNSET = object()


def rating_editable(rating: Rating | None) -> bool:
    return rating is None or timezone.now() - rating.created_at <= EDIT_WINDOW


def rating_refusal(*, dossier: Dossier, citizen=None, kiosk_clerk=None,
                   rating=_UNSET) -> RatingError | None:
    """Why this rating may not be written now, or None when it may.

    ``citizen`` rates online (their own returned dossier, editable for seven days);
    ``kiosk_clerk`` is the clerk whose counter kiosk a walk-in citizen uses."""
    if rating is _UNSET:
        rating = Rating.objects.filter(dossier=dossier).first()
    if kiosk_clerk is not None:
        return _kiosk_refusal(clerk=kiosk_clerk, dossier=dossier, rating=rating)
    if dossier.state != DossierState.RETURNED:
        return RatingNotAllowed(_("Chỉ đánh giá được hồ sơ đã trả kết quả."), code="not_returned")
    if citizen is None or dossier.applicant_id != citizen.pk:
        return RatingNotAllowed(_("Bạn không phải người nộp hồ sơ này."), code="not_applicant")
    if not rating_editable(rating):
        return RatingLocked(_("Đã quá 7 ngày, không thể sửa đánh giá."), code="locked")
    return None


def kiosk_may_rate(*, clerk, dossier: Dossier) -> bool:
    return rating_refusal(dossier=dossier, kiosk_clerk=clerk) is None


def _returned_recently(dossier: Dossier) -> bool:
    returned = (DossierTransition.objects.filter(dossier=dossier, action=Action.RETURN_RESULT)
                .order_by("-created_at").values_list("created_at", flat=True).first())
    return returned is not None and timezone.now() - returned <= KIOSK_WINDOW


def _kiosk_refusal(*, clerk, dossier: Dossier, rating: Rating | None) -> RatingError | None:
    received_at = (dossier.intake_unit_id or dossier.receiving_unit_id
                   if dossier.channel == Channel.IN_PERSON else None)
    handed_over_at = counter_handover_unit_id(dossier_id=dossier.pk)
    related = {*path_ids(dossier.receiving_unit), dossier.intake_unit_id, handed_over_at}
    desks = set(staff_units(clerk, "clerk").filter(
        pk__in=[pk for pk in related if pk]).values_list("pk", flat=True))
    # Another unit's dossier, or not just returned: the same answer as an unknown code, so
    # the kiosk tells nobody which codes exist.
    if not desks or dossier.state != DossierState.RETURNED or not _returned_recently(dossier):
        return RatingNotAllowed(_("Không tìm thấy hồ sơ vừa trả kết quả với mã này."),
                                code="kiosk_not_found")
    if received_at not in desks and handed_over_at not in desks:
        return RatingNotAllowed(
            _("Hồ sơ này không được tiếp nhận hay trả kết quả trực tiếp tại quầy này nên không "
              "đánh giá tại quầy. Người nộp tự đánh giá trên Cổng dịch vụ công bằng tài khoản "
              "của mình."), code="kiosk_not_at_counter")
    if rating is not None:
        return RatingLocked(_("Hồ sơ này đã được đánh giá."), code="already_rated")
    return None
