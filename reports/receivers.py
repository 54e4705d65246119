"""Keeps the statistics tables in step with the dossier workflow without touching it: every
committed transition enqueues a refresh of that dossier's fact row and of the rollup cells it
touches."""

from __future__ import annotations

from portal.tasks import enqueue_on_commit


def on_dossier_transitioned(sender, *, dossier_id: int, **kwargs) -> None:
    from .tasks import stats_refresh_dossier

    enqueue_on_commit(stats_refresh_dossier, dossier_id)
