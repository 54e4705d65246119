"""The Celery application; tasks run in-process unless REDIS_URL points at a broker."""

import os

from celery import Celery

from portal.logging import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fixup closes the database connection after every task unless this is set,
# which costs a new PostgreSQL connection per task; Django's own CONN_MAX_AGE and health
# checks still recycle connections.
app.conf.CELERY_DB_REUSE_MAX = 1000

# One log line per task, carrying the id of the request that enqueued it (portal.logging).
connect_celery_signals()
