"""Settings come from the environment; production mode refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.CELERY_BROKER_URL, s.EMAIL_BACKEND, bool(s.SECRET_KEY), s.SESSION_COOKIE_SECURE]))"
)


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
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
    result = run_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 64,
                          DJANGO_ALLOWED_HOSTS="dichvucong.danang.gov.vn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("true]")


def test_docker_compose_describes_the_production_stack(settings):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "postgres", "redis", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    # Every Celery queue is served by some worker; the routing one with a page-sized prefetch.
    served = {}
    for service in services.values():
        command = service.get("command") or []
        if "worker" in command and "-Q" in command:
            for queue in command[command.index("-Q") + 1].split(","):
                served[queue] = command
    assert {q.name for q in settings.CELERY_TASK_QUEUES} <= set(served)
    from delivery.tasks import ROUTE_BATCH_SIZE

    prefetch = [a for a in served["routing"] if a.startswith("--prefetch-multiplier=")]
    assert int(prefetch[0].split("=")[1]) >= ROUTE_BATCH_SIZE
    for name in ("web", "worker", "router", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert env["DJANGO_DEBUG"] == "0"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


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
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0",
                  "DJANGO_SECRET_KEY": "k" * 64, "DJANGO_ALLOWED_HOSTS": "dvc.danang.gov.vn"})
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
