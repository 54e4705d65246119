"""Administrative units: a tree of any depth (province → district → ward, or province → ward).

Each unit stores a materialised path of its ancestors' ids so that "this unit and everything
below it" — the scope of a district admin or of a statistics query — is one indexed
``path LIKE '/1/4/%'`` filter, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import DivisionType, UnitKind


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def within(self, unit: Unit, include_self: bool = True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def within_any(self, units):
        query = models.Q(pk__in=[])
        for unit in units:
            query |= models.Q(path__startswith=unit.path)
        return self.filter(query)


class Unit(models.Model):
    # The one-stop agency code (QCVN 102:2016 ``LLL.LL.LL.Xnn``): dossier codes start with it.
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    # The national list's code (province "48", commune "20242"), blank for units the list does
    # not know (departments, a deployment's own desks). What a package reload matches on.
    official_code = models.CharField(
        _("mã hành chính"), max_length=16, blank=True, db_index=True,
        help_text=_("Mã trong danh mục đơn vị hành chính Việt Nam (ví dụ 48, 20242)."),
    )
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("cấp"), max_length=16, choices=UnitKind.choices)
    division_type = models.CharField(_("loại đơn vị"), max_length=16, blank=True,
                                     choices=DivisionType.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    opening_hours = models.CharField(
        _("giờ làm việc"), max_length=200, blank=True,
        default="Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00",
    )
    # How the unit's slips head their documents (TT 03/2025 forms): the people's committee the
    # desk belongs to, and the desk itself. Derived from the name unless an admin sets them.
    committee_name = models.CharField(
        _("tên Ủy ban nhân dân"), max_length=200, blank=True,
        help_text=_("Để trống: “Ủy ban nhân dân” + tên đơn vị, ví dụ Ủy ban nhân dân Phường "
                    "Hải Châu."),
    )
    desk_name = models.CharField(
        _("tên bộ phận một cửa"), max_length=200, blank=True,
        help_text=_("In dưới tên Ủy ban trên các phiếu; để trống: Bộ phận Một cửa."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["official_code"],
                                    condition=~models.Q(official_code=""),
                                    name="unique_unit_official_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = self.path
            if self.pk is None:
                super().save(*args, **kwargs)
            new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            self.path, self.depth = new_path, new_path.count("/") - 2
            kwargs.pop("force_insert", None)
            super().save(*args, **kwargs)
            if old_path and old_path != new_path:
                # The unit moved: re-root every descendant's path in one statement.
                Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)),
                    depth=models.F("depth") + (self.depth - (old_path.count("/") - 2)),
                )

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError(
                {"parent": _("Không thể đặt đơn vị dưới chính nó hoặc đơn vị con.")}
            )

    def ancestors(self, include_self: bool = False):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def descendants(self, include_self: bool = True):
        return Unit.objects.within(self, include_self=include_self)

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    @property
    def committee(self) -> str:
        """The people's committee the unit's desk belongs to: "Ủy ban nhân dân Phường Hải
        Châu" (or what an admin typed). A unit already named after its committee keeps it."""
        if self.committee_name:
            return self.committee_name
        name = self.name.strip()
        for prefix in ("ủy ban nhân dân ", "ubnd "):
            if name.lower().startswith(prefix):
                return "Ủy ban nhân dân " + name[len(prefix):]
        return f"Ủy ban nhân dân {name}"

    @property
    def committee_short(self) -> str:
        """The committee as slips head it: "UBND Phường Hải Châu"."""
        return "UBND " + self.committee[len("Ủy ban nhân dân "):] \
            if self.committee.lower().startswith("ủy ban nhân dân ") else self.committee

    @property
    def desk(self) -> str:
        return self.desk_name or "Bộ phận Một cửa"

    @property
    def full_name(self) -> str:
        return ", ".join(unit.name for unit in reversed(list(self.ancestors(include_self=True))))


class Reorganisation(models.Model):
    """One applied reorganisation (a merger resolution): the mapping as given, who applied it
    and when. Its ``UnitSuccession`` rows say which unit took over which."""

    reference = models.CharField(_("căn cứ"), max_length=300, blank=True,
                                 help_text=_("Ví dụ: số nghị quyết sắp xếp đơn vị hành chính."))
    effective_date = models.DateField(_("ngày có hiệu lực"))
    mapping = models.JSONField(_("bảng sắp xếp"), default=dict)
    summary = models.JSONField(_("kết quả chuyển giao"), default=dict)
    applied_at = models.DateTimeField(_("áp dụng lúc"), default=timezone.now)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người áp dụng"))

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return self.reference or f"{self.effective_date:%d/%m/%Y}"


class UnitSuccession(models.Model):
    """``predecessor`` stopped on ``effective_date``; ``successor`` took over its dossiers,
    staff, procedures, pickups and statistics. A unit is succeeded once (it is inactive after)."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.PROTECT,
                                       related_name="successions")
    predecessor = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="succession",
                                       verbose_name=_("đơn vị cũ"))
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessors",
                                  verbose_name=_("đơn vị kế thừa"))
    effective_date = models.DateField(_("ngày có hiệu lực"))

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
