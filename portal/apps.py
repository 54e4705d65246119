from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng Dịch vụ công"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .pagecache import connect_signals

        connect_signals()
