"""Notifications to the citizen about their dossier, sent after the transition commits."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.masking import mask_email, mask_phone
from citizens.sms import SmsDeliveryError, send_sms

from .constants import CITIZEN_VISIBLE_ACTIONS, Action
from .models import DossierNotice, DossierTransition

_TEXT = {
    Action.SUBMIT: "hồ sơ %(code)s đã được nộp, chờ tiếp nhận.",
    Action.WITHDRAW: "hồ sơ %(code)s đã được rút theo yêu cầu.",
    Action.RECEIVE: "hồ sơ %(code)s đã được tiếp nhận, hẹn trả kết quả ngày %(due)s.",
    Action.REQUEST_SUPPLEMENT: "hồ sơ %(code)s cần bổ sung: %(note)s",
    Action.REFUSE_RECEPTION: "hồ sơ %(code)s bị từ chối tiếp nhận: %(note)s",
    Action.SUPPLEMENT: "đã nhận nội dung bổ sung cho hồ sơ %(code)s.",
    Action.APPROVE: "hồ sơ %(code)s đã được phê duyệt.",
    Action.REFUSE: "hồ sơ %(code)s bị từ chối giải quyết: %(note)s",
    Action.MARK_RESULT_READY: "hồ sơ %(code)s đã có kết quả.",
    Action.RETURN_RESULT: "kết quả hồ sơ %(code)s đã được trả.",
    Action.APOLOGIZE: "hồ sơ %(code)s bị chậm; xin lỗi ông/bà, hẹn lại ngày %(due)s.",
    Action.PAY: "đã nhận lệ phí hồ sơ %(code)s. %(note)s",
    Action.SCHEDULE_PICKUP: "hồ sơ %(code)s có kết quả. %(note)s",
    Action.SHIP: "hồ sơ %(code)s: %(note)s",
    Action.REMIND_PICKUP: "nhắc nhận kết quả hồ sơ %(code)s. %(note)s",
    Action.STOP: "hồ sơ %(code)s đã dừng giải quyết: %(note)s",
}


def notice_text(entry: DossierTransition) -> str:
    dossier = entry.dossier
    template = _TEXT.get(entry.action, "hồ sơ %(code)s được cập nhật.")
    body = _(template) % {
        "code": dossier.ref, "note": entry.note[:200],
        "due": entry.due_date.strftime("%d/%m/%Y") if entry.due_date else "",
    }
    return _("Cổng Dịch vụ công: ") + body


NOTICE_RETRY = {
    "autoretry_for": (SmsDeliveryError, smtplib.SMTPException, ConnectionError),
    "retry_backoff": True, "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 8,
}


@shared_task(bind=True, **NOTICE_RETRY)
def notify_citizen(self, transition_id: int) -> str:
    """Sends the notice of one transition once (see ``send_notice``)."""
    return send_notice(transition_id)


@shared_task(bind=True, **NOTICE_RETRY)
def notify_citizens(self, transition_ids: list[int]) -> int:
    """The notices of a page of transitions (batch result routing) in one message. Each is
    sent once; a failure is retried for the whole page after the others were tried, and the
    retry skips those already sent."""
    failure = None
    sent = 0
    for transition_id in transition_ids:
        try:
            sent += send_notice(transition_id) == "sent"
        except NOTICE_RETRY["autoretry_for"] as exc:
            failure = exc
    if failure is not None:
        raise failure
    return sent


def send_notice(transition_id: int) -> str:
    """Sends the notice of one transition once: the notice row is unique per transition and
    locked while sending, so a retry or a duplicate delivery does nothing."""
    entry = (DossierTransition.objects.select_related("dossier").filter(pk=transition_id)
             .first())
    if entry is None or entry.action not in CITIZEN_VISIBLE_ACTIONS:
        return "skipped"
    dossier = entry.dossier
    phone, email = dossier.applicant_phone, dossier.applicant_email
    if not phone and not email:
        return "no_contact"
    body = notice_text(entry)
    channel = "sms" if phone else "email"
    try:
        with transaction.atomic():
            DossierNotice.objects.get_or_create(transition=entry, defaults={
                "channel": channel, "body": body,
                "recipient_masked": mask_phone(phone) if phone else mask_email(email)})
    except IntegrityError:
        pass
    with transaction.atomic():
        notice = DossierNotice.objects.select_for_update().get(transition=entry)
        if notice.sent_at:
            return "already_sent"
        if channel == "sms":
            send_sms(to=phone, body=body)
        else:
            send_mail(_("Thông báo hồ sơ %(code)s") % {"code": dossier.ref}, body, None, [email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return "sent"


@shared_task
def sweep_notices(limit: int = 2000, older_than_seconds: int = 60, within_days: int = 7) -> int:
    """Re-enqueues the notices the database says are owed: a citizen-visible transition with no
    sent notice (its task was lost with the broker or a killed worker). Sending is idempotent,
    so a notice that is merely slow is not sent twice."""
    from django.db.models import Q

    from portal.tasks import enqueue

    now = timezone.now()
    owed = (DossierTransition.objects
            .filter(action__in=CITIZEN_VISIBLE_ACTIONS,
                    created_at__lte=now - datetime.timedelta(seconds=older_than_seconds),
                    created_at__gte=now - datetime.timedelta(days=within_days))
            .exclude(notice__sent_at__isnull=False)
            .exclude(Q(dossier__applicant_phone="") & Q(dossier__applicant_email=""))
            .order_by("pk").values_list("pk", flat=True)[:limit])
    count = 0
    for transition_id in owed:
        count += enqueue(notify_citizen, transition_id)
    return count
