from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("thu-nghiem/", views.sandbox_pay, name="sandbox-pay"),
    path("ket-qua/", views.payment_return, name="payment-return"),
    path("ho-so/<str:ref>/", views.pay_dossier, name="pay-dossier"),
]
