"""Loads the demo city: units, the procedure catalogue and demo users. Safe to run repeatedly.

The city is today's Đà Nẵng (since 1 July 2025: the city and its 94 phường, xã and đặc khu),
loaded from the national list in the ``vietnam-provinces`` package; a few demo contacts fill
addresses that are still blank, so an admin's edits are never overwritten.

In dev (DEBUG) every demo account gets the documented password and a TOTP secret derived from
its username, so a tester can sign in from the README. Those are public knowledge: in
production mode (DJANGO_DEBUG=0) the command refuses to run unless ``--allow-production`` is
given, and then each account it creates gets a random password and a random TOTP secret,
printed once on this command's standard output and stored nowhere else."""

import datetime
import hashlib
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from procedures.services import procedure_import
from units.services import units_fill_contacts, units_load_from_package

DEMO_PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105
DEFAULT_DEMO_PASSWORD = "DemoPortal@2026"  # noqa: S105
DEMO_PROVINCE = 48  # Thành phố Đà Nẵng in the national list
DEMO_AGENCY_CODE = "000.00.00.H17"  # its one-stop code here (data: an admin may change it)
DEMO_WARD = "20242"  # Phường Hải Châu: the demo desk's staff
DEMO_ADMIN_WARD = "20260"  # Phường Cẩm Lệ: the commune-level configuring admin


class Command(BaseCommand):
    help = "Loads demo units, procedures and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Run with DJANGO_DEBUG=0: accounts get random passwords and TOTP secrets, "
                 "printed once.",
        )

    def handle(self, *args, **options):
        self.production = not settings.DEBUG
        if self.production and not options["allow_production"]:
            raise CommandError(
                "load_demo tạo tài khoản quản trị với mật khẩu công khai: không chạy ở chế độ "
                "production (DJANGO_DEBUG=0). Thêm --allow-production để tạo với mật khẩu và "
                "khóa TOTP ngẫu nhiên."
            )
        base = Path(settings.BASE_DIR)
        with transaction.atomic():
            loaded = units_load_from_package(province_code=DEMO_PROVINCE,
                                             agency_code=DEMO_AGENCY_CODE)
            units_fill_contacts(contacts=json.loads(
                (base / "units/demo/da_nang_contacts.json").read_text(encoding="utf-8")))
            self.stdout.write(f"Đơn vị hành chính: {loaded.province.name} và "
                              f"{loaded.communes} đơn vị cấp xã")
            files = sorted((base / "procedures/demo").glob("*.json"))
            for path in files:
                # New demo procedures belong to the city: its configuring admin sets them up
                # for every commune.
                procedure_import(document=json.loads(path.read_text(encoding="utf-8")),
                                 owner_unit=loaded.province)
            self.stdout.write(f"Thủ tục hành chính: {len(files)}")
            credentials = self.demo_users()
            self.demo_dossiers()
        self.stdout.write(self.style.SUCCESS("Tài khoản demo:"))
        if self.production:
            self.stdout.write("  Mật khẩu và khóa TOTP chỉ hiện một lần, ở đây: hãy lưu lại.")
        for role, username, password in credentials:
            self.stdout.write(f"  {role:<30} {username:<18} {password}")

    def demo_users(self):
        """One demo account per role, idempotent. Staff get a confirmed TOTP device with a
        fixed secret (printed) so a tester can add it to an authenticator app; in production
        mode random ones, shown for the accounts and devices this run created."""
        from base64 import b32encode

        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.constants import StaffRole
        from accounts.models import StaffAssignment
        from citizens.models import CitizenProfile
        from units.models import Unit

        production = self.production
        password = os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
        unchanged = "(không đổi)"
        User = get_user_model()

        def unit_coded(official_code):
            return Unit.objects.filter(official_code=official_code).first()

        def account(username, **fields):
            """The account and the password to print for it."""
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            if not created:
                return user, unchanged if production else password
            # Production: never the documented password (a public one).
            secret = secrets.token_urlsafe(12) if production else password
            user.set_password(secret)
            user.save(update_fields=["password"])
            return user, secret

        def totp(user):
            if production:
                # A device of its own, random key (TOTPDevice's default); an existing one
                # is left alone and its secret, unknown here, is not printed again.
                device, created = TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"confirmed": True})
                if not created:
                    return unchanged
                key = device.key
            else:
                # A fixed, per-user demo secret (never use in production).
                key = hashlib.sha1(f"demo-totp:{user.username}".encode()).hexdigest()  # noqa: S324
                TOTPDevice.objects.update_or_create(
                    user=user, name="demo", defaults={"key": key, "confirmed": True}
                )
            return b32encode(bytes.fromhex(key)).decode().rstrip("=")

        ward = unit_coded(DEMO_WARD)
        city = unit_coded(f"{DEMO_PROVINCE:02d}")
        admin_ward = unit_coded(DEMO_ADMIN_WARD)
        now = timezone.now()
        citizen, citizen_password = account(
            "cd_demo_congdan", full_name="Nguyễn Văn An", phone="+84905000001",
            email="congdan@example.vn", phone_verified_at=now, email_verified_at=now)
        CitizenProfile.objects.get_or_create(
            user=citizen,
            defaults={"national_id": "048095001234", "date_of_birth": datetime.date(1995, 5, 15)},
        )
        rows = [("Công dân (CCCD hoặc SĐT)", "048095001234 / 0905000001", citizen_password)]
        # The configuring admin role works at any level: one at the city (a department
        # configuring procedures for every commune), one at a commune.
        staff = [
            ("Cán bộ một cửa – Hải Châu", "motcua.haichau", "Trần Thị Bình",
             StaffRole.CLERK, ward),
            ("Chuyên viên xử lý", "chuyenvien.haichau", "Lê Văn Cường",
             StaffRole.PROCESSOR, ward),
            ("Lãnh đạo phê duyệt", "lanhdao.haichau", "Phạm Thị Dung",
             StaffRole.LEADER, ward),
            ("Quản trị cấu hình – thành phố", "quantri.thanhpho", "Hoàng Văn Em",
             StaffRole.DISTRICT_ADMIN, city),
            ("Quản trị cấu hình – P. Cẩm Lệ", "quantri.camle", "Võ Thị Giang",
             StaffRole.DISTRICT_ADMIN, admin_ward),
        ]
        for label, username, full_name, role, unit in staff:
            user, user_password = account(username, full_name=full_name,
                                          is_staff=role == StaffRole.DISTRICT_ADMIN)
            if unit is not None:
                StaffAssignment.objects.update_or_create(
                    user=user, unit=unit, role=role, defaults={"is_active": True}
                )
            if role == StaffRole.DISTRICT_ADMIN:
                from accounts.services import district_admin_group

                user.groups.add(district_admin_group())
            rows.append((label, username, f"{user_password}  TOTP: {totp(user)}"))
        admin, admin_password = account("admin", is_staff=True, is_superuser=True,
                                        full_name="Quản trị hệ thống")
        rows.append(("Quản trị hệ thống (superuser)", "admin",
                     f"{admin_password}  TOTP: {totp(admin)}"))
        return rows

    def demo_dossiers(self):
        from accounts.models import User
        from dossiers.demo import demo_dossiers
        from units.models import Unit

        citizen = User.objects.filter(username="cd_demo_congdan").first()
        clerk = User.objects.filter(username="motcua.haichau").first()
        ward = Unit.objects.filter(official_code=DEMO_WARD).first()
        if citizen and ward:
            codes = demo_dossiers(citizen=citizen, clerk=clerk, ward=ward)
            self.stdout.write(f"Hồ sơ demo: {', '.join(codes) or 'đã có'}")
