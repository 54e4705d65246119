import json

from django.core.management.base import BaseCommand, CommandError

from procedures.models import Procedure
from procedures.services import procedure_export


class Command(BaseCommand):
    help = "Prints a procedure as a procedure-v1 JSON document."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args, code: str, output: str | None = None, **options):
        procedure = Procedure.objects.select_related("sector").filter(code=code).first()
        if procedure is None:
            raise CommandError(f"Không có thủ tục mã {code}.")
        body = json.dumps(procedure_export(procedure=procedure), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(body + "\n")
        else:
            self.stdout.write(body)
