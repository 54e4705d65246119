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
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_only_the_admin_form_preview_may_be_framed_by_the_portal(admin_client_2fa):
    from tests.factories import make_procedure

    procedure = make_procedure()
    change = admin_client_2fa.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert change["X-Frame-Options"] == "DENY"
    preview = admin_client_2fa.get(f"/admin/procedures/procedure/{procedure.pk}/preview/")
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]


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
