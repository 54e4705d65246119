from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("Giấy tờ, thanh toán và bưu chính")

    def ready(self) -> None:
        from celery import signals as celery_signals

        from . import receivers, signals, warmup

        # dossier_transitioned: see settings.DOSSIER_AFTER_TRANSITION.
        signals.payment_confirmed.connect(receivers.on_payment_confirmed,
                                          dispatch_uid="delivery.on_payment_confirmed")
        signals.shipment_delivered.connect(receivers.on_shipment_changed,
                                           dispatch_uid="delivery.on_shipment_delivered")
        signals.shipment_failed.connect(receivers.on_shipment_changed,
                                        dispatch_uid="delivery.on_shipment_failed")
        # Workers render their first slip warm (fonts, stylesheets, templates loaded up front).
        celery_signals.worker_init.connect(warmup.on_worker_init,
                                           dispatch_uid="delivery.warmup.worker_init")
        celery_signals.worker_process_init.connect(warmup.on_worker_process_init,
                                                   dispatch_uid="delivery.warmup.process_init")
        celery_signals.worker_process_shutdown.connect(
            warmup.on_worker_process_shutdown, dispatch_uid="delivery.warmup.process_shutdown")
