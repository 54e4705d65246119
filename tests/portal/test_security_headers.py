import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/thu-tuc/", "/tai-khoan/dang-nhap/", "/api/v1/procedures/",
                                 "/api/docs/"])
def test_strict_content_security_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_template_carries_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if "delivery/pdf" in str(path):  # PDFs are rendered by WeasyPrint, never served as HTML
            continue
        text = path.read_text(encoding="utf-8")
        if 'style="' in text or "<style" in text or "<script>" in text or " onclick=" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
