import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.exceptions import ProcedureConfigurationError
from procedures.services import procedure_import


class Command(BaseCommand):
    help = "Creates or replaces a procedure from a procedure-v1 JSON document (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp {file}.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{file}: không phải JSON hợp lệ: {exc}") from exc
        try:
            procedure = procedure_import(document=document)
        except ProcedureConfigurationError as exc:
            lines = "\n".join(f"  {e.path}: {e.message}" for e in exc.errors)
            raise CommandError(
                f"{file}: cấu hình không hợp lệ, không có thay đổi nào:\n{lines}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{procedure.code} – {procedure.name}: {procedure.get_status_display()}, "
            f"phiên bản {procedure.current_version}"
        ))
