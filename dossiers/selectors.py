"""Reads of dossiers: who may see which, the clerk queue, the citizen's list, public views."""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.selectors import staff_units

from .constants import CITIZEN_VISIBLE_ACTIONS, FINISHED_STATES, Action, DossierState
from .models import Dossier, DossierTransition, StoredDocument
from .routing import path_ids


def _ref_query(ref: str) -> Q:
    try:
        return Q(uuid=uuid.UUID(str(ref)))
    except ValueError:
        return Q(code=ref)


def dossier_by_ref(ref: str, queryset: QuerySet[Dossier] | None = None) -> Dossier | None:
    qs = queryset if queryset is not None else Dossier.objects.all()
    return qs.select_related(
        "procedure", "procedure_version", "receiving_unit", "current_unit", "applicant",
    ).filter(_ref_query(ref)).first()


def dossiers_of_citizen(user) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(applicant_id=user.pk)
            .select_related("procedure", "receiving_unit").order_by("-created_at"))


def citizen_dossier(user, ref: str) -> Dossier | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return dossier_by_ref(ref, Dossier.objects.filter(applicant_id=user.pk))


def staff_can_view(user, dossier: Dossier) -> bool:
    """Staff holding any role in the dossier's receiving, current or intake unit, or above."""
    if not getattr(user, "is_authenticated", False):
        return False
    ids = set(path_ids(dossier.current_unit)) | set(path_ids(dossier.receiving_unit))
    if dossier.intake_unit_id:
        ids.add(dossier.intake_unit_id)
    return staff_units(user).filter(pk__in=ids).exists()


def staff_dossier(user, ref: str) -> Dossier | None:
    dossier = dossier_by_ref(ref, Dossier.objects.exclude(state=DossierState.DRAFT))
    if dossier is None or not staff_can_view(user, dossier):
        return None
    return dossier


def can_view_dossier(user, dossier: Dossier) -> bool:
    if getattr(user, "is_authenticated", False) and dossier.applicant_id == user.pk:
        return True
    return dossier.state != DossierState.DRAFT and staff_can_view(user, dossier)


# --- the clerk queue ---------------------------------------------------------------------------

QUEUE_TABS = {
    "cho-tiep-nhan": Q(state=DossierState.SUBMITTED),
    "dang-xu-ly": Q(state__in=[DossierState.RECEIVED, DossierState.IN_PROGRESS]),
    "bo-sung": Q(state=DossierState.SUPPLEMENT_REQUESTED),
    "tra-ket-qua": Q(state__in=[DossierState.APPROVED, DossierState.RESULT_READY]),
    "den-han-hom-nay": None,  # computed with today's date
    "qua-han": None,
    "tat-ca": Q(),
}


def _tab_query(tab: str, today) -> Q:
    open_states = [DossierState.RECEIVED, DossierState.IN_PROGRESS, DossierState.SUBMITTED]
    if tab == "den-han-hom-nay":
        return Q(state__in=open_states, due_date=today)
    if tab == "qua-han":
        return Q(state__in=open_states, due_date__lt=today)
    return QUEUE_TABS.get(tab) or Q()


def queue_base(user, *, role: str | None = None) -> QuerySet[Dossier]:
    units = staff_units(user, role).values("pk")
    return Dossier.objects.filter(current_unit__in=units).exclude(
        state__in=[DossierState.DRAFT, DossierState.RETURNED, DossierState.WITHDRAWN])


def dossier_queue(user, *, tab: str = "cho-tiep-nhan", procedure: str = "", channel: str = "",
                  state: str = "") -> QuerySet[Dossier]:
    today = timezone.localdate()
    qs = queue_base(user).filter(_tab_query(tab, today))
    if state:
        qs = qs.filter(state=state)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if channel:
        qs = qs.filter(channel=channel)
    return (qs.select_related("procedure", "current_unit")
            .only("uuid", "code", "state", "channel", "due_date", "submitted_at",
                  "applicant_name", "current_step", "version", "procedure__code",
                  "procedure__name", "current_unit__name", "current_unit__code")
            .order_by("due_date", "submitted_at", "id"))


# The tab counts scan every open dossier of the viewer's units; they are cached per set of
# units and invalidated by any transition in one of them (queue_touch), so they stay exact.
QUEUE_COUNTS_TTL = 300


def _queue_version_keys(unit_ids) -> list[str]:
    return [f"queue-ver:{pk}" for pk in unit_ids]


def queue_touch(unit_ids) -> None:
    """Called after a transition commits, with the units the dossier left and entered."""
    for key in _queue_version_keys({pk for pk in unit_ids if pk}):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)


def queue_counts(user) -> dict[str, int]:
    """Counts for every tab in one query (or from the cache while no unit changed)."""
    today = timezone.localdate()
    unit_ids = sorted(staff_units(user).values_list("pk", flat=True))
    keys = _queue_version_keys(unit_ids)
    versions = cache.get_many(keys)
    fingerprint = hashlib.sha256(repr(
        (unit_ids, [versions.get(key, 0) for key in keys], today)).encode()).hexdigest()
    cache_key = f"queue-counts:{fingerprint}"
    counts = cache.get(cache_key)
    if counts is None:
        aggregates = {tab.replace("-", "_"): Count("pk", filter=_tab_query(tab, today))
                      for tab in QUEUE_TABS}
        row = Dossier.objects.filter(current_unit__in=unit_ids).exclude(
            state__in=[DossierState.DRAFT, DossierState.RETURNED, DossierState.WITHDRAWN]
        ).aggregate(**aggregates)
        counts = {tab: row[tab.replace("-", "_")] for tab in QUEUE_TABS}
        cache.set(cache_key, counts, QUEUE_COUNTS_TTL)
    return counts


# --- history -------------------------------------------------------------------------------


def dossier_history(dossier: Dossier, *, citizen_view: bool) -> QuerySet[DossierTransition]:
    qs = dossier.transitions.select_related("unit", "to_unit").order_by("created_at", "id")
    if citizen_view:
        qs = qs.filter(action__in=[*CITIZEN_VISIBLE_ACTIONS, Action.CREATE])
    return qs


def stored_documents_of(user, document_key: str | None = None) -> QuerySet[StoredDocument]:
    qs = StoredDocument.objects.filter(owner_id=user.pk)
    if document_key:
        qs = qs.filter(document_key=document_key)
    return qs


# --- public ----------------------------------------------------------------------------------


def public_track(code: str) -> Dossier | None:
    return (Dossier.objects.exclude(state=DossierState.DRAFT).filter(code=code)
            .only("code", "state", "due_date", "procedure__name", "receiving_unit__name")
            .select_related("procedure", "receiving_unit").first())


def results_board(unit, *, limit: int = 100) -> QuerySet[Dossier]:
    """Finished dossiers of a unit, newest first, for the public results board."""
    return (Dossier.objects.filter(receiving_unit=unit, state__in=FINISHED_STATES)
            .exclude(state=DossierState.WITHDRAWN).exclude(finished_at=None)
            .select_related("procedure")
            .only("code", "state", "due_date", "finished_at", "applicant_name",
                  "procedure__name")
            .order_by("-finished_at")[:limit])
