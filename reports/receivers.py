"""Keeps the statistics tables in step with the dossier workflow and the ratings without
touching either: every committed transition or rating enqueues a refresh of that dossier's fact
row and of the rollup cells it touches."""

from __future__ import annotations

from portal.tasks import enqueue_on_commit

# Routing events change no figure (a return by post or at the desk is counted when the result
# is handed over), so they do not cost a refresh.
UNCOUNTED_ACTIONS = frozenset({"schedule_pickup", "ship", "remind_pickup"})


def on_dossier_transitioned(sender, *, dossier_id: int, action: str = "", **kwargs) -> None:
    from .tasks import stats_refresh_dossier

    if action in UNCOUNTED_ACTIONS:
        return
    enqueue_on_commit(stats_refresh_dossier, dossier_id)


def on_rating_submitted(sender, *, dossier_id: int, **kwargs) -> None:
    from .tasks import stats_refresh_dossier

    enqueue_on_commit(stats_refresh_dossier, dossier_id)
