from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        from ratings.signals import rating_submitted

        from .index766 import definition
        from .receivers import on_rating_submitted

        definition()  # a broken index766.json stops start-up instead of a page later

        # dossier_transitioned: see settings.DOSSIER_AFTER_TRANSITION.
        rating_submitted.connect(on_rating_submitted, dispatch_uid="reports.rating_submitted")
