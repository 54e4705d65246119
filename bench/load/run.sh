#!/usr/bin/env bash
# The load test: gunicorn (production settings) on PostgreSQL and Redis, Celery workers,
# Locust headless for a fixed time, then bench/load/report.py -> bench/results/load.md.
#
#   bench/load/run.sh                                  # defaults below
#   RUN_TIME=120s LOAD_RPS=200 WORKERS=4 THREADS=4 bench/load/run.sh
#   WORKER_CLASS=sync WORKERS=5 bench/load/run.sh      # no keep-alive, one request per process
#   PROXY=nginx bench/load/run.sh                      # nginx in front, as in production
#
# gunicorn: gthread 4 x 2 by default. Measured on this 2-core machine with the same code, sync
# workers (5) served ~100 req/s where gthread 3 x 4 served ~160: without keep-alive every
# request pays a TCP connect and accept in gunicorn and in Locust. With the code of
# 2026-11-25 on a quiet machine, 3 x 4 served 223-228 req/s and 4 x 2 261-278 (6 x 1: 278):
# fewer threads per process wait less for the GIL. The price of gthread is
# fairness at saturation: a worker accepts every new connection at once and keeps a kept-alive
# client's connection in its own thread queue, so signed-in users (one kept-alive connection
# each) queue behind a busy worker while new connections land on the least busy one.
# Celery: one worker for the documents queue (receipt PDFs, which have a latency target,
# never wait behind routing, notifications and statistics), with two processes so that
# receipts get their share of the CPU against the web processes (one process fell behind:
# receipts p50 32 s), and one worker for every other queue, at a lower CPU priority
# (CELERY_NICE) than the web processes and the receipts.
#
# Data first: bench/load/prepare.py (once; idempotent). Everything listens on and talks to
# 127.0.0.1 only. Whatever this script starts it stops on exit (also on Ctrl-C or an error).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.venv/bin

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/5}
PORT=${PORT:-8765}
WORKER_CLASS=${WORKER_CLASS:-gthread}
WORKERS=${WORKERS:-4}
THREADS=${THREADS:-2}
CELERY_NICE=${CELERY_NICE:-5}
DOCUMENTS_CONCURRENCY=${DOCUMENTS_CONCURRENCY:-2}
PROXY=${PROXY:-}  # "nginx": put nginx in front of gunicorn (see below)
RUN_TIME=${RUN_TIME:-60s}
export LOAD_RPS=${LOAD_RPS:-300}
OUT=${OUT:-$ROOT/bench/results}
WORK=$(mktemp -d /tmp/bench-load.XXXXXX)

# Production mode, a fresh random key per run (sessions are re-signed with it below).
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0
# Codes and notices go to the log: a load test sends no e-mail or SMS.
export DJANGO_ALLOW_UNSENT_MESSAGES=1
export BENCH_ENDPOINTS=1  # /bench/trivial, the baseline; off by default in production mode
export DATABASE_CONN_MAX_AGE=60
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export DOSSIER_PRIVATE_ROOT=${DOSSIER_PRIVATE_ROOT:-/tmp/bench-load-files}
export MEDIA_ROOT=${MEDIA_ROOT:-/tmp/bench-load-media}
export SMS_BACKEND=${SMS_BACKEND:-citizens.sms.LocmemSmsBackend}
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.locmem.EmailBackend}

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM

echo "== checks"
"$BIN/python" - <<'EOF'
import os, sys
import psycopg, redis
base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=3, autocommit=True) as conn:
    n = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
    print(f"PostgreSQL ok: {name}, {n:,} dossiers")
    # What autovacuum does on a live server (it is off on some machines): earlier runs'
    # writes must not leave this run reading dead rows and stale visibility.
    if conn.execute("SHOW autovacuum").fetchone()[0] != "on":
        conn.execute("VACUUM (ANALYZE)")
        print("autovacuum is off here: VACUUM (ANALYZE) done")
redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
print("Redis ok")
EOF
if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
    echo "port $PORT is already in use; set PORT=..." >&2
    exit 1
fi

echo "== sessions (signed with this run's key) and static files"
"$BIN/python" bench/load/prepare.py --sessions-only
"$BIN/python" manage.py collectstatic --noinput -v 0

if [ "$WORKER_CLASS" = sync ]; then
    LAYOUT="gunicorn sync x$WORKERS"
else
    LAYOUT="gunicorn $WORKER_CLASS ${WORKERS}x${THREADS}"
fi
APP_PORT=$PORT
# SERVER_TIMES=1: gunicorn logs each request's own time (path, µs) to access.log in the run's
# folder, to tell the server's time from what Locust measures on the same cores.
ACCESS_LOG=()
if [ -n "${SERVER_TIMES:-}" ]; then
    ACCESS_LOG=(--access-logfile "$WORK/access.log" --access-logformat '%(r)s %(s)s %(D)s')
fi
if [ "$PROXY" = nginx ]; then
    # nginx in front, as in production: Locust keeps its connections to nginx, and nginx opens
    # one upstream connection per request (no upstream keep-alive), so no client stays queued
    # in one gunicorn process. The portal reads the client's address from X-Forwarded-For.
    command -v nginx > /dev/null || { echo "PROXY=nginx needs nginx (apt-get install nginx)" >&2; exit 1; }
    APP_PORT=$((PORT + 1))
    export DJANGO_NUM_PROXIES=1
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_max_body_size 20m;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$PORT;
        location / {
            proxy_pass http://127.0.0.1:$APP_PORT;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto http;
        }
    }
}
NGINX
    nginx -c "$WORK/nginx.conf" -g "daemon off;" &
    PIDS+=($!)
    LAYOUT="nginx → $LAYOUT"
fi
echo "== $LAYOUT, Celery: documents worker + one for the other queues (nice $CELERY_NICE)"
"$BIN/gunicorn" portal.wsgi --bind "127.0.0.1:$APP_PORT" --workers "$WORKERS" \
    --threads "$THREADS" --worker-class "$WORKER_CLASS" --keep-alive 5 --backlog 2048 \
    --log-level warning --error-logfile "$WORK/gunicorn.log" "${ACCESS_LOG[@]}" &
PIDS+=($!)
QUEUES=$("$BIN/python" -c 'from portal.settings import CELERY_TASK_QUEUES as q
print(",".join(x.name for x in q if x.name != "documents"))')
# Tasks a previous run left in the broker (its workers are stopped with the run) would be this
# run's backlog and delay its receipts; in production the beat sweeps re-enqueue such work.
"$BIN/celery" -A portal purge -f -Q "$QUEUES,documents" > /dev/null
nice -n "$CELERY_NICE" "$BIN/celery" -A portal worker -n "load-general@%h" -Q "$QUEUES" \
    --concurrency 1 --loglevel WARNING --without-gossip --without-mingle \
    --logfile "$WORK/celery.log" &
PIDS+=($!)
"$BIN/celery" -A portal worker -n "load-documents@%h" -Q documents \
    --concurrency "$DOCUMENTS_CONCURRENCY" --loglevel WARNING --without-gossip --without-mingle \
    --logfile "$WORK/celery-documents.log" &
PIDS+=($!)
for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/bench/trivial"
# Warm every worker (URLconf, templates, first connections) outside the measured window.
for _ in $(seq $((WORKERS * 8))); do
    WARM=()
    for path in / /thu-tuc/ "/thu-tuc/?q=khai+sinh" /thu-tuc/1.001193/ "/api/v1/procedures/?q=ho+tich"; do
        curl -s -m 20 -o /dev/null "http://127.0.0.1:$PORT$path" &
        WARM+=($!)
    done
    wait "${WARM[@]}"  # only these: a bare wait would wait for gunicorn too
done

echo "== locust: $RUN_TIME, target $LOAD_RPS requests/s"
START=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
# gevent's default resolver hands every connect's getaddrinfo to a thread pool: measurable CPU
# in Locust when connections are not kept alive. 127.0.0.1 needs no resolving.
GEVENT_RESOLVER=block "$BIN/locust" -f bench/load/locustfile.py --headless \
    --host "http://127.0.0.1:$PORT" \
    --users 66 --spawn-rate 66 --run-time "$RUN_TIME" --stop-timeout 10 \
    --csv "$WORK/load" --reset-stats --only-summary --loglevel WARNING --exit-code-on-error 0 \
    2>&1 | tail -n 60
END=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
sleep 5  # let Celery finish what the last requests enqueued

echo "== report"
"$BIN/python" bench/load/report.py --csv "$WORK/load" --start "$START" --end "$END" \
    --out "$OUT/load.md" \
    --config "$LAYOUT, Celery: a documents worker ×$DOCUMENTS_CONCURRENCY + one for the other queues (nice $CELERY_NICE), target ${LOAD_RPS} rps, ${RUN_TIME}"
if [ -s "$WORK/gunicorn.log" ]; then
    echo "-- gunicorn errors (tail):"; tail -n 20 "$WORK/gunicorn.log"
fi
echo "logs and CSV in $WORK"
