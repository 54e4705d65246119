"""A citizen's personal data, all of it, for "Dữ liệu của tôi" (Law 91/2025/QH15: the right to
access and obtain one's data): a JSON-ready dict, a PDF of the same, and the staff access log
of one citizen as CSV for the city's data protection staff."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User

from .models import ConsentRecord, DataSubjectRequest, OutboundMessage
from .selectors import delivery_addresses_of


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal keeps about ``user``, read in a bounded number of queries."""
    from dossiers.models import (
        Dossier,
        DossierNotice,
        DossierTransition,
        PersonalDataAccess,
        StoredDocument,
    )
    from ratings.models import Rating

    profile = getattr(user, "citizen_profile", None)
    dossiers = list(Dossier.objects.filter(applicant_id=user.pk)
                    .select_related("procedure").order_by("created_at", "id"))
    ids = [d.pk for d in dossiers]
    history: dict[int, list] = {}
    for t in DossierTransition.objects.filter(dossier_id__in=ids).order_by("created_at", "id"):
        history.setdefault(t.dossier_id, []).append({
            "action": t.action, "action_label": str(t.get_action_display()),
            "from_state": t.from_state, "to_state": t.to_state, "step": t.step_name,
            "note": t.note, "at": _when(t.created_at)})
    notices = [
        {"dossier": n.transition.dossier.code, "channel": n.channel, "to": n.recipient_masked,
         "text": n.body, "sent_at": _when(n.sent_at)}
        for n in DossierNotice.objects.filter(transition__dossier_id__in=ids)
        .select_related("transition__dossier").order_by("id")
    ] + [
        {"dossier": None, "channel": m.channel, "to": m.recipient_masked,
         "text": m.body_redacted, "sent_at": _when(m.created_at)}
        for m in OutboundMessage.objects.filter(user_id=user.pk).order_by("id")
    ]
    return {
        "generated_at": _when(timezone.now()),
        "controller": str(settings.PORTAL_NAME),
        "account": {
            "full_name": user.full_name, "phone": user.phone, "email": user.email,
            "phone_verified_at": _when(user.phone_verified_at),
            "email_verified_at": _when(user.email_verified_at),
            "date_joined": _when(user.date_joined), "last_login": _when(user.last_login),
            "national_id": profile.national_id if profile else None,
            "date_of_birth": profile.date_of_birth.isoformat() if profile else None,
        },
        "addresses": [
            {"label": a.label, "recipient_name": a.recipient_name,
             "recipient_phone": a.recipient_phone, "address": a.one_line,
             "is_default": a.is_default}
            for a in delivery_addresses_of(user)
        ],
        "consents": [
            {"notice_version": c.notice.version, "purposes": c.purposes,
             "given_at": _when(c.given_at), "withdrawn_at": _when(c.withdrawn_at),
             "ip": c.ip}
            for c in ConsentRecord.objects.filter(user_id=user.pk).select_related("notice")
        ],
        "dossiers": [
            {"code": d.code, "procedure": d.procedure.name, "state": d.state,
             "state_label": str(d.get_state_display()), "channel": d.channel,
             "applicant": {"name": d.applicant_name, "national_id": d.applicant_national_id,
                           "phone": d.applicant_phone, "email": d.applicant_email,
                           "address": d.applicant_address},
             "data": d.data, "delivery_method": d.delivery_method,
             "delivery_address": d.delivery_address,
             "created_at": _when(d.created_at), "submitted_at": _when(d.submitted_at),
             "due_date": d.due_date.isoformat() if d.due_date else None,
             "finished_at": _when(d.finished_at), "result": d.result_summary,
             "refusal_reason": d.refusal_reason, "history": history.get(d.pk, [])}
            for d in dossiers
        ],
        "stored_documents": [
            {"title": s.title, "kind": s.kind, "file_name": s.original_name,
             "size": s.size, "created_at": _when(s.created_at)}
            for s in StoredDocument.objects.filter(owner_id=user.pk).order_by("id")
        ],
        "notices_sent": notices,
        "ratings": [
            {"dossier": r.dossier.code, "overall": r.overall, "comment": r.comment,
             "created_at": _when(r.created_at)}
            for r in Rating.objects.filter(dossier_id__in=ids).select_related("dossier")
        ],
        "data_requests": [
            {"kind": r.kind, "text": r.text, "status": r.status,
             "created_at": _when(r.created_at), "due_at": _when(r.due_at),
             "answered_at": _when(r.answered_at), "answer": r.answer}
            for r in DataSubjectRequest.objects.filter(citizen_id=user.pk)
        ],
        "staff_access_log": [
            {"dossier": a.dossier.code, "staff": a.user.full_name or a.user.username,
             "purpose": a.purpose, "at": _when(a.created_at)}
            for a in PersonalDataAccess.objects.filter(dossier_id__in=ids)
            .select_related("dossier", "user").order_by("created_at", "id")
        ],
    }


def personal_data_json(*, user: User) -> bytes:
    return json.dumps(personal_data_export(user=user), cls=DjangoJSONEncoder,
                      ensure_ascii=False, indent=2).encode()


# Kept out of the template: page templates carry no inline style (CSP), and this one is only
# ever rendered by WeasyPrint.
PDF_CSS = (
    '@font-face {{ font-family: "Slip Sans"; src: url("{font_dir}DejaVuSans.ttf"); }}\n'
    '@font-face {{ font-family: "Slip Sans"; font-weight: bold;'
    ' src: url("{font_dir}DejaVuSans-Bold.ttf"); }}\n'
    '@page {{ size: A4; margin: 15mm; @bottom-right {{ content: "Trang " counter(page) "/"'
    ' counter(pages); font: 8pt "Slip Sans"; }} }}\n'
    'html {{ font-family: "Slip Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }}\n'
    "h1 {{ font-size: 14pt; }}\n"
    "h2 {{ font-size: 11.5pt; margin-top: 12pt; border-bottom: 1px solid #999; }}\n"
    "table {{ border-collapse: collapse; width: 100%; }}\n"
    "td, th {{ border: 1px solid #bbb; padding: 2pt 4pt; vertical-align: top; }}\n"
    'pre {{ white-space: pre-wrap; font-family: "Slip Sans"; font-size: 8.5pt; margin: 0; }}\n'
)


def personal_data_pdf(*, user: User) -> bytes:
    """The same data as a plain PDF, with the fonts of the portal's slips (Vietnamese)."""
    from weasyprint import CSS, HTML

    from delivery.documents import FONT_DIR

    with override("vi"):
        html = render_to_string("citizens/pdf/personal_data.html", {
            "data": personal_data_export(user=user), "portal_name": settings.PORTAL_NAME})
    css = CSS(string=PDF_CSS.format(font_dir=FONT_DIR), base_url=str(settings.BASE_DIR))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css])


def staff_access_log_csv(*, citizen: User) -> str:
    """Who on staff opened this citizen's dossiers' personal data, when and why."""
    from dossiers.models import PersonalDataAccess

    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a BOM
    writer = csv.writer(out)
    writer.writerow(["Thời điểm", "Mã hồ sơ", "Cán bộ", "Tên đăng nhập", "Mục đích"])
    for a in (PersonalDataAccess.objects.filter(dossier__applicant_id=citizen.pk)
              .select_related("dossier", "user").order_by("created_at", "id")):
        writer.writerow([_when(a.created_at), a.dossier.code or "", a.user.full_name,
                         a.user.username, a.purpose])
    return out.getvalue()
