"""Writes for citizens: registration, contact verification, password reset, profile and
address book. Sending a code is a Celery task enqueued after the transaction commits.

Registration and password reset answer the same whether or not an account exists (no account
probing): the same rate limits are counted for every request, and an existing account's owner
is told by SMS or e-mail, never the person at the form."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import AccountEventKind
from accounts.models import AccountEvent, User
from accounts.selectors import normalize_identifier, user_by_identifier
from accounts.services import api_tokens_revoke_all
from portal.ratelimit import over_limit
from portal.tasks import enqueue_on_commit
from portal.validators import cccd_errors, normalize_vn_phone
from units.constants import UnitKind
from units.models import Unit

from .constants import (
    DATA_REQUEST_WORKING_DAYS,
    ERASED_NAME,
    ConsentPurpose,
    DataRequestKind,
    DataRequestStatus,
    VerificationChannel,
    VerificationPurpose,
)
from .exceptions import CitizenError, InvalidCode, RateLimited, RegistrationError
from .models import (
    CitizenProfile,
    ConsentRecord,
    DataSubjectRequest,
    DeliveryAddress,
    PrivacyNotice,
    VerificationCode,
)
from .selectors import ward_hierarchy
from .tasks import send_account_exists_notice, send_verification_code

MAX_CODE_ATTEMPTS = 5


# --- Registration -----------------------------------------------------------------------------

@transaction.atomic
def citizen_register(
    *, full_name: str, national_id: str, date_of_birth: datetime.date, phone: str,
    password: str, email: str = "",
) -> User:
    errors = cccd_errors(national_id, date_of_birth)
    if errors:
        raise RegistrationError(errors[0], field="national_id")
    phone = normalize_vn_phone(phone)
    if CitizenProfile.objects.filter(national_id=national_id).exists():
        raise RegistrationError(_("Số CCCD này đã có tài khoản. Vui lòng đăng nhập hoặc "
                                  "lấy lại mật khẩu."), field="national_id", code="duplicate")
    if User.objects.filter(phone=phone).exists():
        raise RegistrationError(_("Số điện thoại này đã được dùng cho một tài khoản khác."),
                                field="phone", code="duplicate")
    user = User(username=f"cd_{uuid.uuid4().hex[:20]}", full_name=full_name.strip(),
                email=(email or "").strip().lower(), phone=phone)
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            CitizenProfile.objects.create(user=user, national_id=national_id,
                                          date_of_birth=date_of_birth)
    except IntegrityError as exc:
        # A concurrent registration won the race for the same CCCD or phone.
        raise RegistrationError(_("Số CCCD hoặc số điện thoại đã có tài khoản."),
                                code="duplicate") from exc
    return user


def citizen_registration_start(
    *, full_name: str, national_id: str, date_of_birth: datetime.date, phone: str,
    password: str, email: str = "", ip: str | None = None,
    consent_notice: PrivacyNotice | None,
) -> int | None:
    """The registration form's submission: a new account and a code to its phone, or, when
    the CCCD or the phone already has an account, nothing new and a notice to that account's
    owner ("you already have an account: sign in or reset the password"). The consent to
    ``consent_notice`` is recorded with the new account, in its transaction (an existing
    account's owner gave theirs already). The caller shows the
    same next step either way; returns the new account's id to keep in the session, or None.
    Raises RateLimited (counted per phone and per client address, for both outcomes),
    RegistrationError for an invalid CCCD, ValidationError for a weak password."""
    if consent_notice is None:
        # No notice in force (an operator removed it): nobody can consent, so nobody registers.
        raise RegistrationError(_("Chưa thể đăng ký trực tuyến lúc này (chưa có thông báo xử "
                                  "lý dữ liệu cá nhân). Vui lòng thử lại sau hoặc liên hệ Bộ "
                                  "phận Một cửa."), code="no_privacy_notice")
    errors = cccd_errors(national_id, date_of_birth)
    if errors:
        raise RegistrationError(errors[0], field="national_id")
    phone = normalize_vn_phone(phone)
    _check_rate_limits(phone, ip)
    try:
        with transaction.atomic():
            user = citizen_register(full_name=full_name, national_id=national_id,
                                    date_of_birth=date_of_birth, phone=phone,
                                    password=password, email=email)
            consent_record_create(user=user, notice=consent_notice, ip=ip)
            _code_create(user=user, purpose=VerificationPurpose.VERIFY_PHONE,
                         channel=VerificationChannel.SMS, destination=phone)
    except RegistrationError as exc:
        if exc.code != "duplicate":
            raise
        # The work a new account costs (password checks and hashing), so that the answer's
        # timing does not tell either.
        probe = User(full_name=full_name, email=email)
        validate_password(password, probe)
        probe.set_password(password)
        _account_exists_notify(national_id=national_id, phone=phone)
        return None
    return user.pk


def consent_record_create(*, user: User, notice: PrivacyNotice,
                          ip: str | None = None) -> ConsentRecord:
    """The citizen's explicit consent to every purpose of ``notice`` (the registration form's
    unticked box)."""
    return ConsentRecord.objects.create(user=user, notice=notice,
                                        purposes=list(ConsentPurpose.values), ip=ip or None)


def registration_code_resend(*, user_id: int | None, phone: str, ip: str | None = None) -> None:
    """"Send the code again" on the registration's next step: the same limits whether or not
    the registration created an account; a new code only for a real one, not yet verified."""
    _check_rate_limits(phone, ip)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None or user.phone != phone or user.phone_verified_at is not None:
        return
    _code_create(user=user, purpose=VerificationPurpose.VERIFY_PHONE,
                 channel=VerificationChannel.SMS, destination=phone)


def _account_exists_notify(*, national_id: str, phone: str) -> None:
    """Tells each account that owns the CCCD or the phone, at most once per rate window (a
    stranger re-submitting the form must not flood its owner)."""
    owners = User.objects.filter(citizen_profile__national_id=national_id) | User.objects.filter(
        phone=phone)
    for owner in owners.distinct():
        channel = (VerificationChannel.SMS if owner.phone
                   else VerificationChannel.EMAIL if owner.email else None)
        if channel is None or not owner.is_active:
            continue
        if not _count_hit(f"vc:exists:{_fingerprint(str(owner.pk))}", 1,
                          settings.VERIFICATION_RATE_WINDOW_SECONDS):
            continue
        enqueue_on_commit(send_account_exists_notice, owner.pk, channel)


# --- Verification codes ----------------------------------------------------------------------

def _fingerprint(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def _count_hit(key: str, limit: int, window: int) -> bool:
    """True while under the limit (the hit is counted either way): portal.ratelimit's counter."""
    return not over_limit(key, limit, window)


def _check_rate_limits(destination: str, ip: str | None) -> None:
    checks = [(f"vc:dest:{_fingerprint(destination)}", settings.VERIFICATION_MAX_PER_DESTINATION)]
    if ip:
        checks.append((f"vc:ip:{_fingerprint(ip)}", settings.VERIFICATION_MAX_PER_IP))
    _enforce_rate_limits(checks)


def _enforce_rate_limits(checks: list[tuple[str, int]]) -> None:
    window = settings.VERIFICATION_RATE_WINDOW_SECONDS
    for key, limit in checks:
        if not _count_hit(key, limit, window):
            minutes = window // 60
            raise RateLimited(
                _("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": minutes}, retry_after=window,
            )


def _destination(user: User, channel: str) -> str:
    if channel == VerificationChannel.SMS:
        if not user.phone:
            raise InvalidCode(_("Tài khoản chưa có số điện thoại."))
        return user.phone
    if not user.email:
        raise InvalidCode(_("Tài khoản chưa có địa chỉ thư điện tử."))
    return user.email


def verification_code_issue(
    *, user: User, purpose: str, channel: str, ip: str | None = None
) -> VerificationCode:
    """Creates a code, revoking earlier unused ones for the same purpose, and queues sending."""
    destination = _destination(user, channel)
    _check_rate_limits(destination, ip)
    return _code_create(user=user, purpose=purpose, channel=channel, destination=destination)


@transaction.atomic
def _code_create(*, user: User, purpose: str, channel: str, destination: str) -> VerificationCode:
    now = timezone.now()
    VerificationCode.objects.filter(user=user, purpose=purpose).usable().update(revoked_at=now)
    code = VerificationCode.objects.create(
        user=user, purpose=purpose, channel=channel, destination=destination,
        nonce=secrets.token_hex(16),
        expires_at=now + datetime.timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
    )
    enqueue_on_commit(send_verification_code, code.pk)
    return code


def verification_code_consume(*, user: User, purpose: str, code: str) -> VerificationCode:
    """Checks ``code`` against the user's latest code for ``purpose``: single use, limited
    attempts, expiring. Not atomic on purpose: a wrong guess must stay counted although the
    call raises, so callers must not wrap it in their own transaction."""
    invalid = InvalidCode(_("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng yêu cầu mã mới."))
    with transaction.atomic():
        latest = (VerificationCode.objects.select_for_update()
                  .filter(user=user, purpose=purpose, used_at__isnull=True,
                          revoked_at__isnull=True)
                  .order_by("-created_at", "-id").first())
        if latest is None or latest.is_expired or latest.attempts >= MAX_CODE_ATTEMPTS:
            raise invalid
        if not latest.matches(code):
            VerificationCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
            matched = False
        else:
            matched = True
            now = timezone.now()
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            if purpose == VerificationPurpose.VERIFY_PHONE and latest.destination == user.phone:
                User.objects.filter(pk=user.pk).update(phone_verified_at=now)
                user.phone_verified_at = now
            elif (purpose == VerificationPurpose.VERIFY_EMAIL
                  and latest.destination == user.email):
                User.objects.filter(pk=user.pk).update(email_verified_at=now)
                user.email_verified_at = now
    if not matched:
        raise invalid
    return latest


# --- Password reset --------------------------------------------------------------------------

def password_reset_start(*, identifier: str, channel: str, ip: str | None = None) -> int | None:
    """Sends a reset code to the account's *verified* contact. Returns the user id to keep in
    the session, or None; the caller shows the same page either way (no account probing).

    Raises RateLimited per submitted identifier and per client address, counted before the
    account is looked up, so the limit falls alike on existing and unknown accounts. The
    contact's own limit (no SMS flooding) is then applied without a word: hitting it sends
    nothing, and the page stays the same."""
    kind, value = normalize_identifier(identifier)
    checks = [(f"vc:reset:{_fingerprint(f'{kind}:{value}')}",
               settings.VERIFICATION_MAX_PER_DESTINATION)]
    if ip:
        checks.append((f"vc:ip:{_fingerprint(ip)}", settings.VERIFICATION_MAX_PER_IP))
    _enforce_rate_limits(checks)
    user = user_by_identifier(identifier)
    if user is None or not user.is_active:
        return None
    verified = (user.phone_verified_at if channel == VerificationChannel.SMS
                else user.email_verified_at)
    if verified is None:
        return None
    try:
        verification_code_issue(user=user, purpose=VerificationPurpose.PASSWORD_RESET,
                                channel=channel)
    except RateLimited:
        return None
    return user.pk


def password_reset_complete(*, user: User, code: str, new_password: str) -> User:
    validate_password(new_password, user)
    verification_code_consume(user=user, purpose=VerificationPurpose.PASSWORD_RESET, code=code)
    with transaction.atomic():
        _password_set(user=user, new_password=new_password)
    return user


def _password_set(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["password", "session_epoch"])
    api_tokens_revoke_all(user=user)
    AccountEvent.objects.create(user=user, actor=user, kind=AccountEventKind.PASSWORD_RESET)
    user.refresh_from_db()


# --- Profile and addresses -------------------------------------------------------------------

@transaction.atomic
def citizen_profile_update(
    *, user: User, full_name: str | None = None, email: str | None = None,
    phone: str | None = None,
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    fields = []
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name = full_name.strip()
        fields.append("full_name")
    if email is not None and email.strip().lower() != user.email:
        user.email = email.strip().lower()
        user.email_verified_at = None
        fields += ["email", "email_verified_at"]
    if phone is not None:
        phone = normalize_vn_phone(phone)
        if phone != user.phone:
            if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
                raise RegistrationError(
                    _("Số điện thoại này đã được dùng cho một tài khoản khác."), field="phone",
                    code="duplicate")
            user.phone, user.phone_verified_at = phone, None
            fields += ["phone", "phone_verified_at"]
    if fields:
        user.save(update_fields=fields)
    return user


def _place(ward: Unit) -> dict[str, Unit | None]:
    if ward.kind != UnitKind.WARD or not ward.is_active:
        raise RegistrationError(_("Vui lòng chọn phường/xã."), field="ward")
    province, district = ward_hierarchy(ward)
    return {"province": province, "district": district, "ward": ward}


@transaction.atomic
def delivery_address_create(
    *, owner: User, ward: Unit, street: str, recipient_name: str, recipient_phone: str,
    label: str = "", is_default: bool = False,
) -> DeliveryAddress:
    first = not DeliveryAddress.objects.filter(owner=owner).exists()
    if is_default or first:
        DeliveryAddress.objects.filter(owner=owner, is_default=True).update(is_default=False)
    return DeliveryAddress.objects.create(
        owner=owner, street=street.strip(), recipient_name=recipient_name.strip(),
        recipient_phone=normalize_vn_phone(recipient_phone), label=label.strip(),
        is_default=is_default or first, **_place(ward),
    )


@transaction.atomic
def delivery_address_update(*, address: DeliveryAddress, **changes) -> DeliveryAddress:
    address = DeliveryAddress.objects.select_for_update().get(pk=address.pk)
    if "ward" in changes:
        for key, value in _place(changes.pop("ward")).items():
            setattr(address, key, value)
    if "recipient_phone" in changes:
        changes["recipient_phone"] = normalize_vn_phone(changes["recipient_phone"])
    for key in ("street", "recipient_name", "recipient_phone", "label", "is_default"):
        if key in changes:
            value = changes[key]
            setattr(address, key, value.strip() if isinstance(value, str) else value)
    if address.is_default:
        DeliveryAddress.objects.filter(owner_id=address.owner_id, is_default=True).exclude(
            pk=address.pk).update(is_default=False)
    address.save()
    return address


@transaction.atomic
def delivery_address_delete(*, address: DeliveryAddress) -> None:
    owner_id, was_default = address.owner_id, address.is_default
    address.delete()
    if was_default:
        nxt = DeliveryAddress.objects.filter(owner_id=owner_id).order_by("-created_at").first()
        if nxt:
            DeliveryAddress.objects.filter(pk=nxt.pk).update(is_default=True)


@transaction.atomic
def delivery_address_get_or_create(
    *, owner: User, ward: Unit, street: str, recipient_name: str, recipient_phone: str,
) -> DeliveryAddress:
    """The owner's address-book entry for this address, created the first time it is typed
    (a citizen filing again with the same address does not get a second entry)."""
    phone = normalize_vn_phone(recipient_phone)
    same = DeliveryAddress.objects.filter(
        owner=owner, ward=ward, street__iexact=street.strip(),
        recipient_name__iexact=recipient_name.strip(), recipient_phone=phone,
    ).first()
    if same is not None:
        return same
    return delivery_address_create(owner=owner, ward=ward, street=street,
                                   recipient_name=recipient_name, recipient_phone=phone)


# --- Personal data requests (Law 91/2025/QH15) --------------------------------------------------

def _due_after_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    from dossiers.calendar import add_working_days

    local = timezone.localtime(start)
    day = add_working_days(local.date(), days)
    return local.replace(year=day.year, month=day.month, day=day.day)


@transaction.atomic
def data_request_create(*, citizen: User, kind: str, text: str) -> DataSubjectRequest:
    """A citizen asks to correct, delete or stop the processing of their data; due
    DATA_REQUEST_WORKING_DAYS working days later."""
    if kind not in DataRequestKind.values:
        raise CitizenError(_("Loại yêu cầu không hợp lệ."), field="kind", code="invalid")
    text = (text or "").strip()
    if not text and kind != DataRequestKind.DELETION:
        raise CitizenError(_("Vui lòng ghi rõ nội dung yêu cầu."), field="text", code="invalid")
    now = timezone.now()
    return DataSubjectRequest.objects.create(
        citizen=citizen, kind=kind, text=text,
        due_at=_due_after_working_days(now, DATA_REQUEST_WORKING_DAYS))


@transaction.atomic
def data_request_answer(*, request: DataSubjectRequest, acting_user: User,
                        answer: str) -> DataSubjectRequest:
    """Staff answer a request; answering a deletion request erases the account
    (``citizen_erase``) in the same transaction."""
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DataRequestStatus.OPEN:
        raise CitizenError(_("Yêu cầu này đã được trả lời."), code="answered")
    answer = (answer or "").strip()
    if not answer:
        raise CitizenError(_("Vui lòng nhập nội dung trả lời."), field="answer",
                           code="invalid")
    if request.kind == DataRequestKind.DELETION:
        citizen_erase(user=request.citizen, acting_user=acting_user)
    request.status = DataRequestStatus.ANSWERED
    request.answer = answer
    request.answered_at = timezone.now()
    request.answered_by = acting_user
    request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return request


@transaction.atomic
def citizen_erase(*, user: User, acting_user: User) -> User:
    """Deletes a citizen's personal data the state need not keep: the account is anonymised
    and closed, addresses, verification codes, tokens and the e-document store entries no
    dossier uses are removed. Dossiers (their data is a state record) and every audit row
    (transitions, access log, account events) stay."""
    from dossiers import filestore
    from dossiers.models import DossierAttachment, StoredDocument

    user = User.objects.select_for_update().get(pk=user.pk)
    user.full_name = ERASED_NAME
    user.first_name = user.last_name = ""
    user.email = ""
    user.phone = None
    user.phone_verified_at = user.email_verified_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "first_name", "last_name", "email", "phone",
                             "phone_verified_at", "email_verified_at", "is_active",
                             "password"])
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)  # sign out
    CitizenProfile.objects.filter(user_id=user.pk).delete()
    DeliveryAddress.objects.filter(owner_id=user.pk).delete()
    VerificationCode.objects.filter(user_id=user.pk).delete()
    ConsentRecord.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now())
    api_tokens_revoke_all(user=user)
    used = DossierAttachment.objects.filter(stored_document_id=models.OuterRef("pk"))
    unused = StoredDocument.objects.filter(owner_id=user.pk, source_dossier__isnull=True).exclude(
        models.Exists(used))
    names = set(unused.values_list("file", flat=True))
    removed = unused.delete()[0]
    if names:
        transaction.on_commit(lambda: filestore.delete_unreferenced_files(sorted(names)))
    AccountEvent.objects.create(user=user, actor=acting_user,
                                kind=AccountEventKind.PERSONAL_DATA_ERASED,
                                detail={"stored_documents_removed": removed})
    return user
