"""Warm a worker process up for PDF slips before its first task.

The first slip a fresh process renders pays for everything a render keeps: importing
WeasyPrint (cffi loading Pango, HarfBuzz and Fontconfig), Django's template engine, the
Fontconfig configuration and the @font-face files, the parsed stylesheets and the fonts' first
shaping. A filing rush starts with that on every new worker process, so the worker does it up
front instead:

- ``preload()`` imports what a render needs. It holds no font or file state, so a prefork
  parent runs it once and every child inherits the modules when forked.
- ``warm_up()`` renders one sample receipt, which builds the per-process font configuration
  and caches; each process that renders (a prefork child, a solo or threads worker) runs it.
  Font state is not shared across a fork, so the prefork parent never runs it.

``delivery.apps`` connects them to Celery's worker signals, and has prefork children delete
their font files' temporary copies when they exit. Nothing here ever raises: a worker that
could not warm up still starts and renders its first slip the slow way.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)


def preload() -> None:
    """Import WeasyPrint and set up the template engine, without any per-process state."""
    try:
        import weasyprint  # noqa: F401
        from django.template.loader import get_template

        get_template("delivery/pdf/receipt.html")
    except Exception:  # pragma: no cover - a worker still starts without it
        logger.exception("PDF slips: preloading failed")
        return
    if not has_harfbuzz_subsetter():
        logger.warning("PDF slips: libharfbuzz-subset is not installed; fonts are subset with "
                       "fontTools and a receipt costs about 3.5 times the CPU")


def has_harfbuzz_subsetter() -> bool:
    """WeasyPrint subsets embedded fonts with HarfBuzz when libharfbuzz-subset (>= 4.1) loads,
    else with fontTools in Python: measured here 156 ms of CPU per receipt instead of 44."""
    try:
        from weasyprint.text import ffi as text_ffi
    except Exception:  # pragma: no cover - WeasyPrint itself is missing
        return False
    subsetter = getattr(text_ffi, "harfbuzz_subset", None)
    return bool(subsetter) and bool(text_ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def warm_up() -> float | None:
    """Render one sample receipt in this process; return how long it took, in seconds."""
    from .constants import DocumentKind
    from .documents import render_pdf
    from .samples import sample_context

    start = time.perf_counter()
    try:
        render_pdf(DocumentKind.RECEIPT, sample_context(DocumentKind.RECEIPT))
    except Exception:  # pragma: no cover - a worker still starts without it
        logger.exception("PDF slips: warm-up render failed")
        return None
    # What is loaded now lives as long as the process: keep it out of the cyclic collector's
    # full collections.
    gc.collect()
    gc.freeze()
    elapsed = time.perf_counter() - start
    logger.info("PDF slips: worker warmed up in %.0f ms", elapsed * 1000)
    return elapsed


def _pool_inits_processes(worker) -> bool:
    """Whether a Celery worker's pool sends ``worker_process_init`` in the process(es) that
    run its tasks: prefork (in each child) and solo (in the worker itself) do; threads, gevent
    and eventlet do not."""
    try:
        from celery import concurrency
        from celery.concurrency.prefork import TaskPool as Prefork
        from celery.concurrency.solo import TaskPool as Solo

        pool_cls = concurrency.get_implementation(worker.pool_cls)
        return isinstance(pool_cls, type) and issubclass(pool_cls, (Prefork, Solo))
    except Exception:  # pragma: no cover - unknown pool: never warm a parent up
        return True


def on_worker_init(sender=None, **kwargs) -> None:
    """``worker_init``: in the worker's main process, before its pool starts."""
    if sender is None or _pool_inits_processes(sender):
        preload()  # worker_process_init follows where tasks run (each prefork child, solo)
    else:
        warm_up()  # threads, gevent…: tasks run in this very process


def on_worker_process_init(**kwargs) -> None:
    """``worker_process_init``: in each new prefork child (or a solo worker), before tasks."""
    warm_up()


def on_worker_process_shutdown(**kwargs) -> None:
    """``worker_process_shutdown``: a prefork child about to leave with ``os._exit``, which
    skips the clean-up at exit."""
    from .documents import release_fonts

    logger.debug("PDF slips: releasing the fonts of process %s", kwargs.get("pid"))
    try:
        release_fonts()
    except Exception:  # pragma: no cover
        logger.exception("PDF slips: could not release the fonts")
