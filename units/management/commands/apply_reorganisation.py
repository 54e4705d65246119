"""``manage.py apply_reorganisation mapping.json [--dry-run]``: applies a merger of units."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from units.reorganisation import ReorganisationError, reorganisation_apply


class Command(BaseCommand):
    help = ("Sáp nhập đơn vị hành chính theo bảng JSON (đơn vị cũ → đơn vị kế thừa, ngày hiệu "
            "lực); chạy lại không thay đổi gì thêm.")

    def add_arguments(self, parser):
        parser.add_argument("mapping", help="Tệp JSON (xem units/samples/).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ tính và in kết quả, không ghi gì.")
        parser.add_argument("--user", help="Tên đăng nhập của người áp dụng (ghi vào lịch sử).")

    def handle(self, *args, **options):
        try:
            mapping = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có tài khoản {options['user']}.")
        try:
            result = reorganisation_apply(mapping=mapping, acting_user=user,
                                          dry_run=options["dry_run"])
        except ReorganisationError as exc:
            raise CommandError(exc.message) from exc
        heading = "Chạy thử (không ghi gì)" if result.dry_run else "Đã áp dụng"
        if not result.merged:
            heading = "Không có gì mới để áp dụng"
        self.stdout.write(self.style.SUCCESS(f"{heading}: {len(result.merged)} đơn vị sáp nhập."))
        for line in result.lines():
            self.stdout.write(line)
