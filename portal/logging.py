"""One log line per request and per Celery task, tied together by a request id.

The request id comes from ``X-Request-ID`` (nginx sets it to its own ``$request_id``) or is
made here; it is echoed in the response, travels into every Celery task the request enqueues
(a message header, set on ``before_task_publish``) and is put back into the context when the
task runs, so a citizen's submission and the receipt a worker renders for it share one id.

The lines carry no personal data: the path without its query string (search terms and
verification codes travel there), the user's numeric id, never a CCCD, phone or name.
``scrub_event`` removes number runs that look like a CCCD or a phone number from what is sent
to Sentry.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from django.utils.functional import empty

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

request_logger = logging.getLogger("portal.request")
task_logger = logging.getLogger("portal.task")

# Accepted from a client or proxy as is; anything else is replaced (it ends up in every line).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REQUEST_ID_HEADER = "request_id"


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return True


def _user_id(request) -> int | None:
    # Only a user the view already loaded: reading request.user here would cost a session
    # and a user query on pages that never needed them.
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else new_request_id()
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            request_logger.info(
                "%s %s %s %.1fms", request.method, request.path, status, duration_ms,
                extra={"method": request.method, "path": request.path, "status": status,
                       "duration_ms": duration_ms, "user_id": _user_id(request),
                       "request_id": request_id},
            )
            request_id_var.reset(token)


# --- Celery ------------------------------------------------------------------------------
_task_started: dict[str, tuple[float, Any]] = {}


def on_before_task_publish(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


def on_task_prerun(task_id=None, task=None, **kwargs) -> None:
    carried = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    token = request_id_var.set(carried) if carried else None
    # An eager task runs inside the request that enqueued it and keeps that request's id.
    _task_started[task_id] = (time.perf_counter(), token)


def on_task_postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    started, token = _task_started.pop(task_id, (None, None))
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    name = getattr(task, "name", "?")
    request_id = request_id_var.get()
    task_logger.info(
        "task %s %s %s %sms", name, task_id, state, duration_ms,
        extra={"task": name, "task_id": task_id, "state": state, "duration_ms": duration_ms,
               "request_id": request_id or "-"},
    )
    if token is not None:
        request_id_var.reset(token)


def on_setup_logging(loglevel=None, **kwargs) -> None:
    """A receiver here makes Celery keep Django's LOGGING (JSON lines in production) instead
    of installing its own handlers; only the worker's ``--loglevel`` is applied."""
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

    setup_logging.connect(on_setup_logging, weak=False)
    before_task_publish.connect(on_before_task_publish, weak=False)
    task_prerun.connect(on_task_prerun, weak=False)
    task_postrun.connect(on_task_postrun, weak=False)


# --- Sentry ------------------------------------------------------------------------------
# A CCCD is 12 digits, an old CMND 9, a phone 10 (0xxxxxxxxx) or +84 and 9: any run of 9 or
# more digits, with separators a person might type, is replaced.
_NUMBER_RUN = re.compile(r"(?<![\d])\+?\d(?:[ .-]?\d){8,}(?![\d])")
REDACTED = "[redacted]"


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _NUMBER_RUN.sub(REDACTED, value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's ``before_send``: no CCCD or phone number leaves in an error report."""
    return scrub(event)


def init_sentry(dsn: str, *, environment: str, release: str | None = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=scrub_event,
        # Request bodies carry CCCDs and uploaded files; none is sent.
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
