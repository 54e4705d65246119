from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import import_string


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self) -> None:
        from .signals import dossier_transitioned

        # One visible list of what follows a transition (settings.DOSSIER_AFTER_TRANSITION);
        # the apps that react do not connect themselves.
        for path in settings.DOSSIER_AFTER_TRANSITION:
            dossier_transitioned.connect(import_string(path), dispatch_uid=path)
