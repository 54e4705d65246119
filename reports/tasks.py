"""Celery tasks behind the statistics rollups."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=10, retry_backoff=True)
def stats_refresh_dossier(self, dossier_id: int) -> None:
    """Re-derives one dossier's fact row and recomputes the rollup cells it belongs to (both
    before and after the change). Idempotent: running it twice gives the same tables."""
    from .services import stats_refresh_dossier as refresh

    try:
        refresh(dossier_id=dossier_id)
    except Exception as exc:  # a lock timeout or a lost connection: retry later
        raise self.retry(exc=exc) from exc


@shared_task
def stats_rebuild() -> int:
    """Nightly safety net (and the management command): rebuilds every fact and rollup."""
    from .services import stats_rebuild as rebuild

    return rebuild()
