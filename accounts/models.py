"""The portal's user: citizens and staff share one account model; what each may do comes
from their citizen profile or their staff assignments to units."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .constants import AccountEventKind, StaffRole


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # Normalised to +84…; the unique constraint is what makes "one account per phone" hold
    # under concurrent registrations.
    phone = models.CharField(_("số điện thoại di động"), max_length=16, unique=True, null=True,
                             blank=True)
    phone_verified_at = models.DateTimeField(_("xác minh điện thoại lúc"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("xác minh thư điện tử lúc"), null=True, blank=True)
    # Bumped by "sign out everywhere": it is mixed into the session auth hash, so every
    # existing session stops validating without touching the password.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Set once by staff_create: the fact "created as a staff account in this unit, by this
    # person". A district admin manages (edits, sets the password of) only accounts created
    # as staff inside its units; a citizen, the superuser or a peer admin has none in its scope.
    created_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False,
                                   verbose_name=_("tạo bởi"))
    created_in_unit = models.ForeignKey("units.Unit", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        editable=False,
                                        verbose_name=_("tạo làm cán bộ tại đơn vị"))

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def _get_session_auth_hash(self, secret=None):
        key_salt = "accounts.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.get_username()


class StaffAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, unit__is_active=True)


class StaffAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name=_("cán bộ"), on_delete=models.CASCADE,
                             related_name="staff_assignments")
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                             related_name="staff_assignments")
    role = models.CharField(_("vai trò"), max_length=32, choices=StaffRole.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))

    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"],
                                    name="unique_staff_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class AccountEvent(models.Model):
    """Append-only audit of security-relevant account changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=32, choices=AccountEventKind.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
