"""``manage.py restore_portal DIR``: restores a ``backup_portal`` directory into an empty
database (migrated first) and the private storage, then checks every model's row count and
every file's checksum against the manifest; exits non-zero on any difference.

A database that already holds rows is refused unless ``--force``, which empties it first
(``flush``) and overwrites files of the same name."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dossiers.storage import private_storage
from portal import backup


class Command(BaseCommand):
    help = ("Khôi phục bản sao lưu của backup_portal vào cơ sở dữ liệu rỗng và kiểm tra số "
            "bản ghi, mã băm tệp theo manifest.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--force", action="store_true",
                            help="xóa dữ liệu đang có trước khi khôi phục")

    def handle(self, *args, directory: str, force: bool, **options):
        source = Path(directory)
        manifest = self._manifest(source)

        call_command("migrate", interactive=False, verbosity=0)
        present = {label: n for label, n in backup.row_counts().items()
                   if n and label not in backup.SEEDED_BY_MIGRATIONS}
        if present and not force:
            raise CommandError(
                "the database is not empty (" + ", ".join(f"{k}: {v}" for k, v in
                                                         sorted(present.items())[:5])
                + "); restore into an empty database, or give --force to replace its data.")
        unknown = sorted(set(manifest["counts"]) - set(backup.row_counts()))
        if unknown:
            raise CommandError(f"the backup has models this code does not know: {unknown}")

        if present:
            call_command("flush", interactive=False, verbosity=0)
        for label in backup.SEEDED_BY_MIGRATIONS:  # the backup's rows replace the seed
            apps.get_model(label)._base_manager.all().delete()
        call_command("loaddata", str(source / backup.DUMP), verbosity=0)
        self._restore_files(source, manifest, force=force)

        problems = self._verify(manifest)
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"restore does not match the manifest ({len(problems)} "
                               "differences)")
        self.stdout.write(f"restored {sum(manifest['counts'].values())} rows and "
                          f"{len(manifest['files'])} files from {source}; counts and checksums "
                          f"match the manifest")

    def _manifest(self, source: Path) -> dict:
        if (source / ".incomplete").exists():
            raise CommandError(f"{source} is an unfinished backup.")
        try:
            manifest = json.loads((source / backup.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"no readable {backup.MANIFEST} in {source}: {exc}") from exc
        if manifest.get("format") != backup.FORMAT:
            raise CommandError(f"unknown backup format {manifest.get('format')!r}")
        dump = source / backup.DUMP
        if not dump.is_file() or backup.sha256_file(dump) != manifest["dump_sha256"]:
            raise CommandError(f"{dump} is missing or does not match the manifest's checksum")
        if connection.vendor != manifest.get("engine"):
            self.stdout.write(f"note: backup made on {manifest.get('engine')}, restoring into "
                              f"{connection.vendor}")
        return manifest

    def _restore_files(self, source: Path, manifest: dict, *, force: bool) -> None:
        root = source / backup.FILES
        for name in sorted(manifest["files"]):
            path = backup.safe_member(root, name)
            if not path.is_file():
                raise CommandError(f"file missing from the backup: {name}")
            if private_storage.exists(name):
                if not force:
                    raise CommandError(f"the private storage already holds {name}; restore "
                                       "into an empty storage, or give --force")
                private_storage.delete(name)
            with path.open("rb") as handle:
                saved = private_storage.save(name, File(handle, name=name))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}")

    def _verify(self, manifest: dict) -> list[str]:
        problems = []
        counts = backup.row_counts()
        for label, expected in sorted(manifest["counts"].items()):
            if counts.get(label) != expected:
                problems.append(f"{label}: {counts.get(label)} rows, manifest says {expected}")
        for name, meta in sorted(manifest["files"].items()):
            try:
                with private_storage.open(name, "rb") as handle:
                    digest, size = backup.sha256_of(handle)
            except FileNotFoundError:
                problems.append(f"{name}: missing after restore")
                continue
            if digest != meta["sha256"] or size != meta["size"]:
                problems.append(f"{name}: checksum differs from the manifest")
        return problems

