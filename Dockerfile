# syntax=docker/dockerfile:1
# The portal's image: web (gunicorn), Celery workers and beat all run it (docker-compose.yml).
# Docker does not run on the development machines; tests/deploy/ checks this file by reading it
# (and hadolint, from the dev dependencies).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: the locked dependencies, every file checked against its hash -----------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# A compiler only for a dependency that ships no wheel for this platform; it stays here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements/base.lock /tmp/base.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/base.lock

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
# hadolint ignore=DL3064
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings \
    MEDIA_ROOT=/data/media \
    DOSSIER_PRIVATE_ROOT=/data/private
# WeasyPrint: pango; libharfbuzz-subset0 subsets fonts at 44 ms of CPU a receipt instead of
# fontTools' 156 ms (README, "PDFs"); DejaVu for Vietnamese; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
       gettext \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv

# The code last: a change to it reuses every layer above (no reinstall of the dependencies).
WORKDIR /app
COPY . .
# Build-time only values: a throw-away key and host, production storage (hashed static names).
# The volume mount points are made owned by the app user, so that new named volumes are too.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    && export DJANGO_SECRET_KEY DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=build.invalid \
              DJANGO_ALLOW_UNSENT_MESSAGES=1 \
    && python manage.py compilemessages -v 0 \
    && python manage.py collectstatic --noinput -v 0 \
    && python -m compileall -q /app \
    && mkdir -p /data/media /data/private /srv/static \
    && chown 10001:10001 /data/media /data/private /srv/static

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# gthread 4 x 2: the layout of the load test (bench/load/run.sh), nginx in front.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", "--workers", "4", "--threads", "2", \
     "--keep-alive", "5", "--backlog", "2048", "--timeout", "60", "--graceful-timeout", "30", \
     "--max-requests", "5000", "--max-requests-jitter", "500"]
