from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        from dossiers.signals import dossier_transitioned

        from .index766 import definition
        from .receivers import on_dossier_transitioned

        definition()  # a broken index766.json stops start-up instead of a page later

        dossier_transitioned.connect(on_dossier_transitioned,
                                     dispatch_uid="reports.dossier_transitioned")
