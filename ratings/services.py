"""Writes of ratings: a citizen rates their returned dossier online, or a walk-in citizen
rates it at the counter on a kiosk page a clerk opened. One rating per dossier, editable for
seven days; every write is rate-limited and announced after commit (``rating_submitted``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierTransition
from portal.ratelimit import over_limit

from .constants import CRITERIA, RATE_LIMITS, RatingSource
from .exceptions import RatingRateLimited
from .models import Rating
from .policy import kiosk_may_rate, rating_editable, rating_refusal
from .signals import rating_submitted

__all__ = ["kiosk_may_rate", "rating_editable", "rating_refusal", "rating_submit"]

FIELDS = ("overall", *[c[0] for c in CRITERIA], "comment")


def rate_limit_hit(kind: str, value: str) -> None:
    """Counts one attempt; raises once more than the limit were made within an hour
    (portal.ratelimit's fixed window, which does not limit while the cache is down)."""
    if not value:
        return
    if over_limit(f"ratings:{kind}:{value}", RATE_LIMITS[kind], window=3600):
        raise RatingRateLimited(_("Bạn đã gửi quá nhiều đánh giá. Vui lòng thử lại sau."),
                                code="rate_limited")


def rating_handlers(dossier: Dossier) -> list[int]:
    """The staff who acted on the dossier (from its audit trail), the citizen excluded."""
    return list(DossierTransition.objects.filter(dossier=dossier, actor__isnull=False,
                                                 actor__staff_assignments__isnull=False)
                .exclude(actor_id=dossier.applicant_id)
                .values_list("actor_id", flat=True).distinct())


@transaction.atomic
def rating_submit(*, dossier: Dossier, values: dict[str, Any], acting_user=None,
                  kiosk_clerk=None, kiosk_session: str = "", client_ip: str = "") -> Rating:
    """Creates or edits the dossier's rating. ``acting_user`` is the citizen (online);
    ``kiosk_clerk`` the clerk whose kiosk page the walk-in citizen used."""
    if kiosk_clerk is not None:
        rate_limit_hit("kiosk", kiosk_session or f"clerk-{kiosk_clerk.pk}")
    elif acting_user is not None:
        rate_limit_hit("user", str(acting_user.pk))
    rate_limit_hit("ip", client_ip)
    dossier = Dossier.objects.select_for_update().select_related("receiving_unit").get(
        pk=dossier.pk)
    rating = Rating.objects.filter(dossier=dossier).first()
    refusal = rating_refusal(dossier=dossier, citizen=acting_user, kiosk_clerk=kiosk_clerk,
                             rating=rating)
    if refusal is not None:
        raise refusal
    if rating is None:
        rating = Rating(dossier=dossier, unit_id=dossier.receiving_unit_id,
                        procedure_id=dossier.procedure_id,
                        source=RatingSource.KIOSK if kiosk_clerk else RatingSource.ONLINE,
                        rated_by=acting_user if kiosk_clerk is None else None,
                        kiosk_clerk=kiosk_clerk)
    for field in FIELDS:
        setattr(rating, field, values.get(field, "") or "")
    rating.full_clean(exclude=["dossier", "unit", "procedure", "handlers"])
    rating.save()
    rating.handlers.set(rating_handlers(dossier))
    transaction.on_commit(lambda: rating_submitted.send_robust(
        sender=Rating, rating_id=rating.pk, dossier_id=dossier.pk))
    return rating
