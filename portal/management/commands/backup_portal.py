"""``manage.py backup_portal --out DIR``: the database and the private files, with a manifest
of row counts and checksums (format: portal/backup.py; restore: ``restore_portal``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from dossiers.storage import iter_private_files, private_storage
from portal import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp riêng tư vào một thư mục (kèm manifest để kiểm tra)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="thư mục đích (mới hoặc rỗng)")

    def handle(self, *args, out: str, **options):
        target = Path(out)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty; give a new directory.")
        target.mkdir(parents=True, exist_ok=True)
        partial = target / ".incomplete"
        partial.touch()

        # One snapshot: counts and rows from the same transaction (repeatable read on
        # PostgreSQL once the first query ran; SQLite holds its read lock).
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = backup.row_counts()
            labels = sorted(counts)
            call_command("dumpdata", *labels, natural_foreign=True, use_base_manager=True,
                         output=str(target / backup.DUMP), verbosity=0)
            applied = sorted(f"{app}.{name}" for app, name in
                             MigrationRecorder.Migration.objects.values_list("app", "name"))

        files = {}
        files_root = target / backup.FILES
        for name in iter_private_files(private_storage):
            destination = backup.safe_member(files_root, name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with private_storage.open(name, "rb") as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)
            files[name] = {"sha256": backup.sha256_file(destination),
                           "size": destination.stat().st_size}

        manifest = {
            "format": backup.FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "migrations": applied,
            "dump_sha256": backup.sha256_file(target / backup.DUMP),
            "counts": counts,
            "files": files,
        }
        (target / backup.MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        partial.unlink()
        self.stdout.write(f"backup written to {target}: {sum(counts.values())} rows in "
                          f"{len(counts)} models, {len(files)} files")
