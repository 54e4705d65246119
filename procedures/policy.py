"""Who may change which procedure: one answer for the admin's change page, its delete and bulk
actions, its JSON import, the staff API and the services behind them.

A district admin configures the procedures its units own (``owner_unit`` in the subtree it
manages); the city-wide catalogue (no owner) and other districts' procedures are the
superuser's. Sectors are shared by every procedure, so only the superuser creates or renames
one. The import was a second path to the same write and had forgotten all of this.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.selectors import staff_assignments, staff_manageable_units
from units.models import Unit

from .exceptions import ProcedureOutOfScope
from .models import Procedure, Sector


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active)


def units_configurable_by(user) -> QuerySet[Unit]:
    """Units whose procedures ``user`` configures (all of them for the superuser)."""
    if not _is_active_user(user):
        return Unit.objects.none()
    return staff_manageable_units(user)


def may_change_procedure(user, procedure: Procedure) -> bool:
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return procedure.owner_unit_id is not None and units_configurable_by(user).filter(
        pk=procedure.owner_unit_id).exists()


def may_edit_sectors(user) -> bool:
    return _is_active_user(user) and user.is_superuser


def default_owner_unit(user) -> Unit | None:
    """Where a procedure that ``user`` creates belongs: none (city-wide) for the superuser,
    else the unit of its district-admin assignment (the highest, when it holds several)."""
    if not _is_active_user(user) or user.is_superuser:
        return None
    assignment = (staff_assignments(user, role="district_admin").order_by("unit__path")
                  .first())
    return assignment.unit if assignment else None


def import_owner_unit(user, *, code: str, requested: Unit | None = None) -> Unit | None:
    """Checks that ``user`` may import the document with procedure ``code`` and returns the
    owner unit a new procedure gets (an existing one keeps its own). Raises
    ``ProcedureOutOfScope`` (a Vietnamese message) otherwise."""
    existing = Procedure.objects.filter(code=code).only("pk", "owner_unit").first()
    if existing is not None:
        if not may_change_procedure(user, existing):
            raise ProcedureOutOfScope(
                _("Thủ tục %s không thuộc đơn vị bạn quản lý; bạn chỉ được xem, không được "
                  "thay đổi.") % code)
        return existing.owner_unit
    if requested is not None:
        if not (user.is_superuser or units_configurable_by(user).filter(
                pk=requested.pk).exists()):
            raise ProcedureOutOfScope(_("Đơn vị cấu hình nằm ngoài phạm vi quản lý của bạn."))
        return requested
    owner = default_owner_unit(user)
    if owner is None and not (_is_active_user(user) and user.is_superuser):
        raise ProcedureOutOfScope(
            _("Chỉ quản trị hệ thống mới tạo được thủ tục áp dụng toàn thành phố."))
    return owner


def check_sector_import(user, sector_doc: dict[str, Any]) -> None:
    """A non-superuser's import may name an existing sector, as it is; creating or renaming
    one (shared by every district's procedures) is refused."""
    if may_edit_sectors(user):
        return
    sector = Sector.objects.filter(code=sector_doc["code"]).first()
    if sector is None:
        raise ProcedureOutOfScope(
            _("Lĩnh vực “%s” chưa có; chỉ quản trị hệ thống mới tạo được lĩnh vực mới.")
            % sector_doc["code"], path="/sector/code")
    if (sector.name, sector.name_en) != (sector_doc["name"], sector_doc.get("name_en",
                                                                            sector.name_en)):
        raise ProcedureOutOfScope(
            _("Chỉ quản trị hệ thống mới đổi được tên lĩnh vực “%s”.") % sector_doc["code"],
            path="/sector/name")
