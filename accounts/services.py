"""Writes to accounts: staff lifecycle, two-factor devices, API tokens, signing out
everywhere."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from units.models import Unit

from .constants import AccountEventKind, StaffRole
from .exceptions import AccountError, InvalidOTP, OutOfScope
from .models import AccountEvent, StaffAssignment, User
from .selectors import may_assign, roles_grantable_by, staff_manageable_units

BACKUP_CODE_COUNT = 10
ENROLMENT_DEVICE_NAME = "enrolment"


def _event(*, user: User, actor: User | None, kind: str, **detail: Any) -> AccountEvent:
    return AccountEvent.objects.create(user=user, actor=actor, kind=kind, detail=detail)


DISTRICT_ADMIN_GROUP = "Quản trị cấp quận/huyện"


def district_admin_group():
    """The admin permissions a district admin needs: its staff and the procedure catalogue."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=DISTRICT_ADMIN_GROUP)
    if created:
        group.permissions.set(Permission.objects.filter(
            content_type__app_label__in=["procedures"]
        ) | Permission.objects.filter(
            content_type__app_label="accounts",
            content_type__model__in=["user", "staffassignment"],
        ).exclude(codename="delete_user"))
    return group


def _require_manageable(acting_user: User, unit: Unit) -> None:
    if not staff_manageable_units(acting_user).filter(pk=unit.pk).exists():
        raise OutOfScope("Đơn vị nằm ngoài phạm vi quản lý.")


@transaction.atomic
def staff_create(
    *, acting_user: User, username: str, full_name: str, password: str, unit: Unit, role: str,
    email: str = "", phone: str | None = None,
) -> User:
    """Creates a staff account attached to ``unit``; only within the actor's district."""
    _require_manageable(acting_user, unit)
    if role not in roles_grantable_by(acting_user):
        raise OutOfScope("Chỉ quản trị hệ thống mới tạo được quản trị cấp quận/huyện.")
    if User.objects.filter(username=username).exists():
        raise AccountError("Tên đăng nhập đã được sử dụng.", code="duplicate_username")
    if phone and User.objects.filter(phone=phone).exists():
        raise AccountError("Số điện thoại đã được dùng cho tài khoản khác.",
                           code="duplicate_phone")
    user = User(username=username, full_name=full_name, email=email, phone=phone or None,
                is_staff=role == StaffRole.DISTRICT_ADMIN, created_by=acting_user,
                created_in_unit=unit)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    StaffAssignment.objects.create(user=user, unit=unit, role=role, created_by=acting_user)
    if role == StaffRole.DISTRICT_ADMIN:
        user.groups.add(district_admin_group())
    _event(user=user, actor=acting_user, kind=AccountEventKind.STAFF_CREATED,
           unit=unit.code, role=role)
    return user


@transaction.atomic
def staff_assign(*, acting_user: User, user: User, unit: Unit, role: str) -> StaffAssignment:
    _require_manageable(acting_user, unit)
    if role not in roles_grantable_by(acting_user):
        raise OutOfScope("Chỉ quản trị hệ thống mới giao được vai trò quản trị cấp quận/huyện.")
    if not may_assign(acting_user, target=user, unit=unit, role=role):
        raise OutOfScope("Tài khoản nằm ngoài phạm vi quản lý.")
    assignment, _created = StaffAssignment.objects.update_or_create(
        user=user, unit=unit, role=role,
        defaults={"is_active": True, "created_by": acting_user},
    )
    if not user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=True)
    return assignment


@transaction.atomic
def staff_deactivate(*, acting_user: User, user: User) -> User:
    """Ends the user's assignments in the actor's units; with none left the account is
    disabled. Sessions stop at their next request (AccountGuardMiddleware); tokens now."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == acting_user.pk:
        raise AccountError("Không thể tự vô hiệu hóa tài khoản của mình.", code="self")
    units = staff_manageable_units(acting_user)
    in_scope = StaffAssignment.objects.filter(user=user, unit__in=units)
    if not in_scope.exists() or (user.is_superuser and not acting_user.is_superuser):
        raise OutOfScope("Không tìm thấy cán bộ trong phạm vi quản lý.")
    codes = list(in_scope.filter(is_active=True).values_list("unit__code", flat=True))
    StaffAssignment.objects.filter(pk__in=in_scope.values("pk")).update(is_active=False)
    if not StaffAssignment.objects.filter(user=user, is_active=True).exists():
        user.is_active = False
        user.is_staff = False
        user.session_epoch = F("session_epoch") + 1
        user.save(update_fields=["is_active", "is_staff", "session_epoch"])
        api_tokens_revoke_all(user=user)
    _event(user=user, actor=acting_user, kind=AccountEventKind.STAFF_DEACTIVATED, units=codes)
    user.refresh_from_db()
    return user


@transaction.atomic
def user_password_set_by_admin(*, acting_user: User, user: User) -> None:
    """After the admin's password form saved a new password: the API tokens issued under the
    old one stop working too (sessions already do, the password is in their hash), and the
    audit says who set it. Scope was checked before the form (``may_manage_user``)."""
    AuthToken.objects.filter(user=user).delete()
    _event(user=user, actor=acting_user, kind=AccountEventKind.PASSWORD_RESET, by="admin")


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    api_tokens_revoke_all(user=user)
    _event(user=user, actor=user, kind=AccountEventKind.SIGNED_OUT_EVERYWHERE)


# --- API tokens -----------------------------------------------------------------------------
# django-rest-knox: one token per device (each sign-in of the app gets its own), only a hash
# stored, an expiry on every token. Checked on each request by accounts.api.auth.

def api_token_ttl(user: User) -> datetime.timedelta:
    """Staff tokens last a working day's hours, citizens' days (a phone app)."""
    from .selectors import is_staff_member

    if is_staff_member(user) or user.is_superuser:
        return datetime.timedelta(hours=settings.API_TOKEN_TTL_STAFF_HOURS)
    return datetime.timedelta(days=settings.API_TOKEN_TTL_CITIZEN_DAYS)


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new token for one device: the row (hash, expiry) and the token itself, which is
    shown once and stored nowhere."""
    return AuthToken.objects.create(user=user, expiry=api_token_ttl(user))


def api_token_revoke(*, token: AuthToken) -> None:
    """Signs one device out."""
    AuthToken.objects.filter(pk=token.pk).delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Signs every device of the user out of the API."""
    deleted, _per_model = AuthToken.objects.filter(user=user).delete()
    return deleted


# --- Two-factor -----------------------------------------------------------------------------

@transaction.atomic
def otp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device to show as a QR code; reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False,
                                       name=ENROLMENT_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False,
                                           name=ENROLMENT_DEVICE_NAME)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def otp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the device with a first code; returns single-use backup codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token((token or "").strip()):
        raise InvalidOTP("Mã xác thực không đúng hoặc đã hết hạn.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = "authenticator"
    device.save(update_fields=["confirmed", "name"])
    codes = _new_backup_codes(user)
    _event(user=user, actor=user, kind=AccountEventKind.OTP_ENROLLED)
    return codes


@transaction.atomic
def otp_backup_codes_regenerate(*, user: User) -> list[str]:
    return _new_backup_codes(user)


@transaction.atomic
def otp_disable(*, user: User) -> None:
    """Citizens may turn two-factor off; for staff it is mandatory."""
    from .selectors import is_staff_member

    if is_staff_member(user):
        raise AccountError("Xác thực hai bước là bắt buộc đối với cán bộ.", code="otp_mandatory")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _event(user=user, actor=user, kind=AccountEventKind.OTP_DISABLED)


def otp_verify(*, user: User, token: str):
    """The confirmed device (authenticator or backup code) that accepts ``token``, else raise."""
    from django_otp import verify_token

    from .selectors import confirmed_devices

    token = (token or "").strip().replace(" ", "")
    if not token:
        raise InvalidOTP("Vui lòng nhập mã xác thực.")
    for device in confirmed_devices(user):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    raise InvalidOTP("Mã xác thực không đúng hoặc đã hết hạn.")
