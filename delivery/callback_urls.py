"""Server-to-server endpoints, outside the language prefix: gateways call fixed URLs."""

from django.urls import path

from . import views

app_name = "delivery_callbacks"

urlpatterns = [
    path("payments/sandbox/ipn", views.payment_ipn, name="payment-ipn"),
    path("postal/sandbox/status", views.postal_callback, name="postal-status"),
]
