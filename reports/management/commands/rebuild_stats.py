from django.core.management.base import BaseCommand

from reports.services import stats_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ bảng số liệu thống kê (DossierFact, StatRollup) từ hồ sơ và đánh giá."

    def add_arguments(self, parser):
        parser.add_argument("--rollups-only", action="store_true",
                            help="Giữ bảng DossierFact, chỉ tính lại bảng tổng hợp.")

    def handle(self, *args, **options):
        total = stats_rebuild(verbose=options["verbosity"] > 1,
                              facts=not options["rollups_only"])
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại số liệu của {total} hồ sơ."))
