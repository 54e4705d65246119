from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng Dịch vụ công"

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
