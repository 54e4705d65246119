"""Settings come from the environment; production mode refuses unsafe defaults."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.CELERY_BROKER_URL, s.EMAIL_BACKEND, bool(s.SECRET_KEY), s.SESSION_COOKIE_SECURE]))"
)


def run_settings(**env):
    return run_probe(PROBE, **env)


ENV_PREFIXES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_", "EMAIL_",
                "SMS_", "SENTRY_", "LOG_")
# Production with real delivery back-ends (the SMS one is the provider's, not imported here).
PROD = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "dichvucong.danang.gov.vn",
        "PORTAL_BASE_URL": "https://dichvucong.danang.gov.vn",
        "EMAIL_URL": "smtp+tls://portal:pw@mail.danang.gov.vn:587",
        "SMS_BACKEND": "sms_provider.backends.GatewaySmsBackend"}


def run_probe(probe, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_fresh_checkout_defaults_are_embedded():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    debug, engine, eager, broker, email, has_key, secure = eval(result.stdout.strip().replace(  # noqa: S307
        "true", "True").replace("false", "False"))
    assert debug is True
    assert engine == "django.db.backends.sqlite3"
    assert eager is True and broker == "memory://"
    assert email.endswith("console.EmailBackend")
    assert has_key and secure is False


def test_database_and_redis_urls_switch_to_postgres_and_real_celery():
    result = run_settings(DATABASE_URL="postgres://u:p@db.example:5432/portal",
                          REDIS_URL="redis://cache.example:6379/0")
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.postgresql"' in result.stdout
    assert "false" in result.stdout.split(",")[2]
    assert "redis://cache.example:6379/0" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="dichvucong.danang.gov.vn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_an_insecure_key():
    result = run_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="x.gov.vn",
                          DJANGO_SECRET_KEY="django-insecure-" + "a" * 60)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = run_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 64)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_mode_with_real_values_starts_with_secure_cookies():
    result = run_settings(**PROD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("true]")


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines()[:25] if line.startswith("make ")]
    assert commands[:2] == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_production_static_files_collect_with_the_manifest_storage(tmp_path):
    """collectstatic with hashed names fails on any missing reference (a vendored source map,
    say); production starts with it, so it must pass."""
    script = (
        "import django; from django.conf import settings; django.setup(); "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **PROD})
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


# --- Messages to citizens: production refuses back-ends that send nothing ------------------
def test_production_refuses_console_email():
    env = {**PROD}
    del env["EMAIL_URL"]
    result = run_settings(**env)
    assert result.returncode != 0 and "EMAIL_URL must name a real mail server" in result.stderr
    result = run_settings(**{**PROD, "EMAIL_URL": "consolemail://"})
    assert result.returncode != 0 and "EMAIL_URL must" in result.stderr
    result = run_settings(**{**PROD, "EMAIL_URL": "memorymail://"})
    assert result.returncode != 0 and "EMAIL_URL must" in result.stderr


def test_production_refuses_console_sms():
    for backend in (None, "citizens.sms.ConsoleSmsBackend", "citizens.sms.LocmemSmsBackend"):
        env = {k: v for k, v in PROD.items() if k != "SMS_BACKEND"}
        if backend:
            env["SMS_BACKEND"] = backend
        result = run_settings(**env)
        assert result.returncode != 0 and "SMS_BACKEND must name" in result.stderr, backend


def test_a_load_test_may_say_it_sends_nothing():
    env = {k: v for k, v in PROD.items() if k not in ("EMAIL_URL", "SMS_BACKEND")}
    result = run_settings(**env, DJANGO_ALLOW_UNSENT_MESSAGES="1")
    assert result.returncode == 0, result.stderr


def test_email_comes_from_one_url():
    probe = ("import django, json; django.setup(); from django.conf import settings as s; "
             "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
             "s.EMAIL_USE_TLS]))")
    result = run_probe(probe, **PROD)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["django.core.mail.backends.smtp.EmailBackend",
                                         "mail.danang.gov.vn", 587, "portal", True]


# --- Broker and cache -----------------------------------------------------------------------
SPLIT_PROBE = ("import django, json; django.setup(); from django.conf import settings as s; "
               "print(json.dumps([s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], "
               "s.CELERY_TASK_ALWAYS_EAGER, s.PAGE_CACHE_SECONDS]))")


def test_redis_url_alone_serves_broker_and_cache():
    result = run_probe(SPLIT_PROBE, REDIS_URL="redis://r.example:6379/0")
    assert json.loads(result.stdout) == ["redis://r.example:6379/0", "redis://r.example:6379/0",
                                         False, 300]


def test_broker_and_cache_may_be_separate_redis_instances():
    result = run_probe(SPLIT_PROBE, CELERY_BROKER_URL="redis://broker:6379/0",
                       CACHE_URL="redis://cache:6379/0")
    assert json.loads(result.stdout) == ["redis://broker:6379/0", "redis://cache:6379/0",
                                         False, 300]


# --- Logs and error reports -----------------------------------------------------------------
LOG_PROBE = ("import django, logging; django.setup(); "
             "logging.getLogger('portal.request').warning('GET / 200')")


def test_production_logs_one_json_object_per_line():
    result = run_probe(LOG_PROBE, **PROD)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "GET / 200" and line["level"] == "WARNING"
    assert line["logger"] == "portal.request" and line["request_id"] == "-"


def test_development_logs_readable_text():
    result = run_probe(LOG_PROBE)
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.endswith("WARNING portal.request [-] GET / 200")


def test_sentry_is_on_with_a_dsn_and_sends_no_personal_data():
    probe = ("import django, json; django.setup(); import sentry_sdk; "
             "c = sentry_sdk.get_client(); o = c.options; b = o.get('before_send'); "
             "print(json.dumps([c.is_active(), o.get('send_default_pii'), "
             "b and b.__module__ + '.' + b.__name__, o.get('max_request_body_size')]))")
    result = run_probe(probe, **PROD, SENTRY_DSN="https://public@errors.example.vn/3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, False, "portal.logging.scrub_event", "never"]
    result = run_probe(probe, **PROD)
    assert json.loads(result.stdout)[0] is False


def test_check_deploy_warns_only_of_the_documented_hsts_preload():
    """``manage.py check --deploy`` in production settings: the one warning left is HSTS
    preloading, which the city's operators turn on (DJANGO_HSTS_PRELOAD) when they commit."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **PROD,
                  "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                  "PAYMENT_SANDBOX_SECRET": "p" * 40, "POSTAL_SANDBOX_SECRET": "q" * 40})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                            env=clean, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "(security.W021)" in output, output
    assert output.count("(security.") == 1, output
    assert "identified 1 issue" in output, output
    preloaded = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                               env={**clean, "DJANGO_HSTS_PRELOAD": "1"},
                               capture_output=True, text=True, timeout=120)
    assert preloaded.returncode == 0 and "no issues" in preloaded.stdout, preloaded.stderr
