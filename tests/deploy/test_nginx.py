"""The nginx template, rendered as the nginx image does and checked by ``nginx -t``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy/nginx/templates/default.conf.template"


def render(variables: dict[str, str]) -> str:
    """envsubst as in the nginx image: only the variables that are set are replaced."""
    return re.sub(r"\$\{(\w+)\}", lambda m: variables.get(m.group(1), m.group(0)),
                  TEMPLATE.read_text())


def compose_variables() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = dict(compose["services"]["nginx"]["environment"])
    env["NGINX_SERVER_NAME"] = "dichvucong.example.vn"
    # nginx -t resolves upstream names; "web" exists only inside the compose network.
    env["PORTAL_UPSTREAM"] = "127.0.0.1:8000"
    return env


def test_template_uses_only_variables_compose_sets():
    used = set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text()))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert used <= set(compose["services"]["nginx"]["environment"])


def test_private_locations_are_internal_and_match_the_setting(settings):
    text = render(compose_variables())
    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX
    for name, root in (("private", "/data/private/"), ("media", "/data/media/")):
        pattern = rf"location {re.escape(prefix)}{name}/ \{{(.*?)\}}"
        block = re.search(pattern, text, re.S)
        assert block, name
        assert "internal;" in block.group(1) and f"alias {root};" in block.group(1)
    assert re.search(r"location /media/ \{\s*return 404;", text)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Request-ID $request_id;" in text


def test_rendered_config_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path(
        "/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (make nginx)")
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d/default.conf").write_text(render(compose_variables()))
    temp = tmp_path / "temp"
    temp.mkdir()
    main = f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/conf.d/*.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    result = subprocess.run([str(nginx), "-t", "-p", str(tmp_path), "-c",
                             str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
