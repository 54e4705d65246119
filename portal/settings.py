"""Settings for the portal, read from the environment.

One module for every mode (open-forms style): a fresh checkout runs with no variables at all
(SQLite, Celery in-process, console e-mail, a generated dev secret key); production mode
(``DJANGO_DEBUG=0``) refuses to start without a real secret key and allowed hosts.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def _dev_secret_key() -> str:
    """A per-checkout random key, kept in a git-ignored file so sessions survive a restart."""
    key_file = BASE_DIR / ".dev-secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    return key


if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG=0."
        )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "portal",
    "units",
    "accounts",
    "procedures",
    "citizens",
    "dossiers",
    "delivery",
    "ratings",
    "reports",
]

MIDDLEWARE = [
    # First: container probes answer on any Host, before host validation and the https redirect.
    "portal.health.HealthCheckMiddleware",
    "portal.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Refuses NUL, lone surrogates and deep JSON (a 400 page that knows who is signed in), then
    # wraps each unsafe request in a transaction rolled back on a 5xx answer.
    "portal.middleware.RejectInvalidInputMiddleware",
    "portal.middleware.RollbackOnServerErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A service's refusal (DomainError) that a view did not handle: a message, never a 500.
    "portal.web.DomainErrorMiddleware",
    "accounts.middleware.AccountGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an in-process task write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.IdentifierBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first date input and short dates for Vietnamese (portal/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
# Day before month in every date read or shown (Django's "vi" locale has no input formats).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Every private file (citizens' uploads, generated PDFs, pickup authorisations): see
    # dossiers/storage.py and "Private files" below. Nothing private lives under MEDIA_ROOT.
    "private": {"BACKEND": "dossiers.storage.PrivateStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Cache and Celery: Redis when REDIS_URL is set, in-process otherwise -------------------
# REDIS_URL alone serves both (development, CI). Production gives each its own Redis:
# the broker must never evict a message (noeviction, appendonly), the cache must evict
# (allkeys-lru with maxmemory), and one instance cannot be configured both ways.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default="") or REDIS_URL
BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
if CACHE_URL:
    # django-redis, told to ignore connection errors: while Redis is down, rate limits and
    # cached counts fall back to "not cached" instead of turning every page into an error.
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1,
                    "SOCKET_TIMEOUT": 1},
    }}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole public catalogue pages for anonymous visitors (portal.pagecache), invalidated at once
# by any catalogue change. On by default only with a shared cache: a per-process LocMemCache
# would not see another process's invalidation. 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if CACHE_URL else 0)

CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = BROKER_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Tasks record their outcome in the database; nothing reads Celery results, so none are stored.
CELERY_TASK_IGNORE_RESULT = True
# With late acknowledgement a prefetched message is redelivered if its worker dies, so a small
# prefetch is safe and saves a broker round trip per task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly while the broker is down (the caller logs it and a sweep
# re-enqueues from the database) instead of holding a web request for seconds.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task held by a worker that died is handed to another worker after this long (Redis has no
# acknowledgement timeout of its own); every task is idempotent, so a slow one running twice
# changes nothing.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BEAT_SCHEDULE: dict = {}
# /readyz waits this long for a worker's answer to a ping.
HEALTHCHECK_CELERY_PING_TIMEOUT = env.float("HEALTHCHECK_CELERY_PING_TIMEOUT", default=1.0)
# Slow or bulky work has its own queue so that it never delays result routing: PDFs,
# notifications to citizens and statistics refreshes. A worker started without ``-Q`` serves
# every queue below; a larger deployment runs one worker per queue. Ready results are routed in
# batches (``route_results``, celery-batches): the worker serving ``routing`` needs a prefetch
# of at least a page (``-Q routing --prefetch-multiplier 256``, as in docker-compose.yml);
# with the default prefetch it still routes everything, in smaller pages.
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "routing", "documents", "notifications",
                                                 "stats")]
CELERY_TASK_ROUTES = {
    "delivery.tasks.route_results": {"queue": "routing"},
    "delivery.tasks.render_dossier_document": {"queue": "documents"},
    "delivery.tasks.render_dossier_documents": {"queue": "documents"},
    "dossiers.tasks.notify_citizen": {"queue": "notifications"},
    "dossiers.tasks.notify_citizens": {"queue": "notifications"},
    "reports.tasks.stats_refresh_dossier": {"queue": "stats"},
}
CELERY_BEAT_SCHEDULE.update({
    "delivery-scan-overdue": {"task": "delivery.tasks.scan_overdue",
                              "schedule": crontab(minute=0, hour="7-17", day_of_week="1-5")},
    "delivery-reconcile-shipments": {"task": "delivery.tasks.reconcile_shipments",
                                     "schedule": crontab(minute="*/30")},
    "delivery-remind-pickups": {"task": "delivery.tasks.remind_pickups",
                                "schedule": crontab(minute=0, hour=8)},
    "delivery-sweep-unrouted": {"task": "delivery.tasks.sweep_unrouted",
                                "schedule": crontab(minute="*/5")},
    "delivery-sweep-documents": {"task": "delivery.tasks.sweep_documents",
                                 "schedule": crontab(minute="*/10")},
    "dossiers-sweep-notices": {"task": "dossiers.tasks.sweep_notices",
                               "schedule": crontab(minute="*/5")},
})
# Statistics: the rollups follow every transition; a nightly rebuild repairs anything a broker
# outage dropped (and payments confirmed without a transition).
CELERY_BEAT_SCHEDULE["reports-rebuild-stats"] = {"task": "reports.tasks.stats_rebuild",
                                                 "schedule": crontab(minute=30, hour=1)}
# Retention of personal data (Law 91/2025/QH15, issue 17): citizens.tasks.retention_sweep
# deletes drafts untouched this many days, verification codes this many days past expiry, and
# private files no row references once they are this many hours old.
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=90)
VERIFICATION_CODE_RETENTION_DAYS = env.int("VERIFICATION_CODE_RETENTION_DAYS", default=30)
ORPHAN_FILE_GRACE_HOURS = env.int("ORPHAN_FILE_GRACE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["citizens-retention-sweep"] = {"task": "citizens.tasks.retention_sweep",
                                                    "schedule": crontab(minute=15, hour=2)}

# --- E-mail and SMS ------------------------------------------------------------------------
# One URL for e-mail (django-environ): smtp+tls://user:password@host:587, consolemail://.
_EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
_EMAIL = environ.Env.email_url_config(_EMAIL_URL) if _EMAIL_URL else {"EMAIL_BACKEND": ""}
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, …
globals().update({k: v for k, v in _EMAIL.items() if v is not None})
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
SMS_BACKEND = env.str("SMS_BACKEND", default="citizens.sms.ConsoleSmsBackend" if DEBUG else "")
# Production refuses back-ends that write citizens' codes and notices to the log instead of
# sending them, unless a load test or staging copy says so explicitly.
_UNSENT_EMAIL = ("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend",
                 "filebased.EmailBackend")
_UNSENT_SMS = ("citizens.sms.ConsoleSmsBackend", "citizens.sms.LocmemSmsBackend")
if not DEBUG and not env.bool("DJANGO_ALLOW_UNSENT_MESSAGES", default=False):
    if not EMAIL_BACKEND or EMAIL_BACKEND.endswith(_UNSENT_EMAIL):
        raise ImproperlyConfigured(
            "EMAIL_URL must name a real mail server (smtp://…) when DJANGO_DEBUG=0; "
            "console, locmem, file and dummy e-mail back-ends send nothing."
        )
    if not SMS_BACKEND or SMS_BACKEND in _UNSENT_SMS:
        raise ImproperlyConfigured(
            "SMS_BACKEND must name the SMS provider's back-end when DJANGO_DEBUG=0; "
            "the console and locmem back-ends send nothing."
        )
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng Dịch vụ công <no-reply@dichvucong.local>"
)

# --- API -------------------------------------------------------------------------------------
# Client addresses (rate limits, lock-outs, the payment gateway) come from REMOTE_ADDR unless
# the deployment declares how many proxies append to X-Forwarded-For: a client could otherwise
# forge the header. One rule everywhere: portal.clientip.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.api.auth.PortalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    # Depth-bounded JSON; NUL and lone surrogates refused in whatever the API parses.
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",
        "portal.parsers.FormParser",
        "portal.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonRateThrottle",
        "portal.throttling.UserRateThrottle",
        "portal.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "auth_token": "20/min"},
}
# API tokens (django-rest-knox, accounts.api.auth): hashed, one per device, expiring.
API_TOKEN_TTL_STAFF_HOURS = env.int("API_TOKEN_TTL_STAFF_HOURS", default=8)
API_TOKEN_TTL_CITIZEN_DAYS = env.int("API_TOKEN_TTL_CITIZEN_DAYS", default=30)
from portal.api.tags import TAGS as API_TAGS  # noqa: E402 (plain data)

SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng Dịch vụ công API",
    "DESCRIPTION": "Public catalogue of administrative procedures, dossiers and results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from static files (no CDN, no inline script: CSP-compatible).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"UnitKindEnum": "units.constants.UnitKind",
                            "SatisfactionEnum": "ratings.constants.Satisfaction"},
    # One tag per app, a summary and the error answers on every operation: portal/api/schema.py.
    "TAGS": API_TAGS,
}

# --- Security ------------------------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_address"
# Attempts are keyed by a hash of the normalised identifier (no CCCD/phone in the axes table
# or log); the lockout page says when to retry.
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)
# Sliding idle expiry, renewed on every request by accounts.middleware.AccountGuardMiddleware.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
CITIZEN_SESSION_IDLE_SECONDS = env.int("CITIZEN_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cổng DVC Đà Nẵng")
# One-time codes for contact verification and password reset.
VERIFICATION_CODE_TTL_SECONDS = env.int("VERIFICATION_CODE_TTL_SECONDS", default=5 * 60)
VERIFICATION_RATE_WINDOW_SECONDS = env.int("VERIFICATION_RATE_WINDOW_SECONDS", default=15 * 60)
VERIFICATION_MAX_PER_DESTINATION = env.int("VERIFICATION_MAX_PER_DESTINATION", default=3)
VERIFICATION_MAX_PER_IP = env.int("VERIFICATION_MAX_PER_IP", default=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No page is framed, except the admin's live form preview inside its own change page
# (procedures/admin.py lifts both headers for that one view).
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: scripts and styles come from static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole domain to HTTPS in browsers for months and cannot be undone
    # quickly: the city's operators decide it (check --deploy warns, W021, until they do).
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Portal --------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Cổng Dịch vụ công thành phố Đà Nẵng")
# The public address (scheme://host[:port]) for links without a request (SMS, QR codes on
# slips). Empty in development: pages then use the address in use (portal/baseurl.py);
# production must set it, and portal/checks.py refuses a malformed one at start-up.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
# Office hours on working days (dossiers/calendar.py WorkingTime): "HH:MM-HH:MM" intervals.
# An online filing must be received or returned for supplement within
# ACKNOWLEDGE_WITHIN_WORKING_HOURS of them (NĐ 45/2020).
OFFICE_HOURS = env.list("OFFICE_HOURS", default=["07:30-11:30", "13:30-17:00"])
ACKNOWLEDGE_WITHIN_WORKING_HOURS = env.int("ACKNOWLEDGE_WITHIN_WORKING_HOURS", default=8)
# /bench/trivial, the benchmarks' baseline: on in dev, off in production unless a benchmark run
# turns it on (bench/load/run.sh, bench/profile_pages.py).
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=DEBUG)

# --- Delivery: online payment and public postal service ------------------------------------
# Back-ends by dotted path, like EMAIL_BACKEND: a class implementing
# delivery.payments.base.PaymentGateway / delivery.postal.base.PostalProvider; empty: none.
# The sandboxes are the built-in VNPay-like gateway and VNPost-like provider. Secrets sign every
# redirect and callback: dev derives them from the secret key; production has no default, so a
# configured sandbox without its secret stops start-up. Production leaves both off unless set.
SANDBOX_PAYMENT_GATEWAY = "delivery.payments.sandbox.SandboxGateway"
SANDBOX_POSTAL_PROVIDER = "delivery.postal.sandbox.SandboxPostalProvider"


def _backend(setting: str, legacy: str, sandbox: str) -> str:
    # Deprecated: PAYMENT_GATEWAY=sandbox / POSTAL_PROVIDER=sandbox, the names deployed configs
    # (docker-compose.yml) still use, select the sandbox; the dotted path wins when both are set.
    if legacy in env.ENVIRON:
        name = env.str(legacy, default="")
        if name not in ("", "sandbox"):
            raise ImproperlyConfigured(f"{legacy}={name!r}: set {setting} to a dotted path.")
        default = sandbox if name else ""
    else:
        default = sandbox if DEBUG else ""
    return env.str(setting, default=default)


PAYMENT_GATEWAY_BACKEND = _backend("PAYMENT_GATEWAY_BACKEND", "PAYMENT_GATEWAY",
                                   SANDBOX_PAYMENT_GATEWAY)
POSTAL_PROVIDER_BACKEND = _backend("POSTAL_PROVIDER_BACKEND", "POSTAL_PROVIDER",
                                   SANDBOX_POSTAL_PROVIDER)
PAYMENT_SANDBOX_TMN_CODE = env.str("PAYMENT_SANDBOX_TMN_CODE", default="DVCSBX01")
POSTAL_MAX_ATTEMPTS = env.int("POSTAL_MAX_ATTEMPTS", default=3)
POSTAL_RESULT_WEIGHT_GRAMS = env.int("POSTAL_RESULT_WEIGHT_GRAMS", default=200)
SHIPMENT_STALE_HOURS = env.int("SHIPMENT_STALE_HOURS", default=24)
# An uncollected result is recalled to the citizen every N days, at most M times; after that
# the appointment stays on the counter's uncollected list.
PICKUP_REMINDER_DAYS = env.int("PICKUP_REMINDER_DAYS", default=5)
PICKUP_REMINDER_MAX = env.int("PICKUP_REMINDER_MAX", default=3)


def _derived_dev_secret(purpose: str) -> str:
    import hashlib
    import hmac

    return hmac.new(SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()


PAYMENT_SANDBOX_SECRET = env.str("PAYMENT_SANDBOX_SECRET", default="")
POSTAL_SANDBOX_SECRET = env.str("POSTAL_SANDBOX_SECRET", default="")
if DEBUG:
    PAYMENT_SANDBOX_SECRET = PAYMENT_SANDBOX_SECRET or _derived_dev_secret("payment-sandbox")
    POSTAL_SANDBOX_SECRET = POSTAL_SANDBOX_SECRET or _derived_dev_secret("postal-sandbox")
else:
    if PAYMENT_GATEWAY_BACKEND == SANDBOX_PAYMENT_GATEWAY and len(PAYMENT_SANDBOX_SECRET) < 32:
        raise ImproperlyConfigured(
            "PAYMENT_SANDBOX_SECRET must be set (at least 32 characters) when the payment "
            "gateway is the sandbox and DJANGO_DEBUG=0."
        )
    if POSTAL_PROVIDER_BACKEND == SANDBOX_POSTAL_PROVIDER and len(POSTAL_SANDBOX_SECRET) < 32:
        raise ImproperlyConfigured(
            "POSTAL_SANDBOX_SECRET must be set (at least 32 characters) when the postal "
            "provider is the sandbox and DJANGO_DEBUG=0."
        )

# One JSON line per record in production (LOG_FORMAT=json), readable text in development.
# Every record carries the request id (portal.logging); requests and tasks log one line each.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

# --- Dossiers ------------------------------------------------------------------------------
# What runs after a transition commits, in this order: the receivers of
# dossiers.signals.dossier_transitioned, connected by DossiersConfig.ready() and nowhere else.
# (The citizen's notice and the queue counts are the transition service's own work.)
DOSSIER_AFTER_TRANSITION = [
    "delivery.receivers.on_dossier_transitioned",  # route a ready result, render the slip
    "reports.receivers.on_dossier_transitioned",  # refresh the statistics of the dossier
]
DOSSIER_MAX_FILE_BYTES = env.int("DOSSIER_MAX_FILE_BYTES", default=10 * 1024 * 1024)
DOSSIER_MAX_TOTAL_BYTES = env.int("DOSSIER_MAX_TOTAL_BYTES", default=50 * 1024 * 1024)
# Everything one citizen has uploaded (e-document store), in MB; identical files count once.
CITIZEN_STORAGE_QUOTA_MB = env.int("CITIZEN_STORAGE_QUOTA_MB", default=200)
# --- Private files ---------------------------------------------------------------------------
# Uploads, generated PDFs and pickup authorisations: STORAGES["private"], served only by the
# access-checked views (portal/files.py). PRIVATE_STORAGE_BACKEND=local (default): a directory
# outside MEDIA_ROOT, DOSSIER_PRIVATE_ROOT (empty: <MEDIA_ROOT>/../private-media).
# PRIVATE_STORAGE_BACKEND=s3: an S3-compatible bucket through django-storages (private ACL,
# never overwritten, signed URLs only).
DOSSIER_PRIVATE_ROOT = env.str("DOSSIER_PRIVATE_ROOT", default="")
PRIVATE_STORAGE_BACKEND = env.str("PRIVATE_STORAGE_BACKEND", default="local").lower()
if PRIVATE_STORAGE_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured("PRIVATE_STORAGE_BACKEND must be 'local' or 's3'.")


def private_s3_storage(*, bucket: str, endpoint_url: str = "", access_key: str = "",
                       secret_key: str = "", region: str = "", prefix: str = "") -> dict:
    """The STORAGES entry of an S3-compatible private bucket (also used by the tests)."""
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's own (private) policy, never public-read
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "location": prefix,
        "signature_version": "s3v4",
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    if region:
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


if PRIVATE_STORAGE_BACKEND == "s3":
    STORAGES["private"] = private_s3_storage(
        bucket=env.str("PRIVATE_STORAGE_S3_BUCKET"),
        endpoint_url=env.str("PRIVATE_STORAGE_S3_ENDPOINT_URL", default=""),
        access_key=env.str("PRIVATE_STORAGE_S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY", default=""),
        region=env.str("PRIVATE_STORAGE_S3_REGION", default=""),
        prefix=env.str("PRIVATE_STORAGE_S3_PREFIX", default=""),
    )
# With a storage that has no local paths (S3), downloads are streamed through Django; with this
# on, the access-checked view answers with a redirect to a presigned URL valid for a minute.
PRIVATE_FILES_PRESIGNED_REDIRECT = env.bool("PRIVATE_FILES_PRESIGNED_REDIRECT", default=False)

# Behind nginx (deploy/nginx/): the access-checked download views answer with an
# X-Accel-Redirect to an internal location and nginx sends the file, so a gunicorn thread is not
# held for the length of a download. Off: Django streams the file itself (FileResponse).
# Fernet key (base64, 32 bytes) for sensitive private files (ID-card images, authorisation
# scans: portal.filecrypto); empty derives one from SECRET_KEY. Changing it makes the files
# stored under the old key unreadable.
PRIVATE_FILES_ENCRYPTION_KEY = env.str("PRIVATE_FILES_ENCRYPTION_KEY", default="")
PRIVATE_FILES_X_ACCEL = env.bool("PRIVATE_FILES_X_ACCEL", default=False)
PRIVATE_FILES_X_ACCEL_PREFIX = env.str("PRIVATE_FILES_X_ACCEL_PREFIX", default="/_protected/")

# --- Error reports -------------------------------------------------------------------------
# Any Sentry-compatible service. No personal data: send_default_pii off, no request bodies,
# CCCD- and phone-like numbers scrubbed (portal.logging.scrub_event).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.logging import init_sentry

    init_sentry(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"),
                release=env.str("SENTRY_RELEASE", default="") or None)
