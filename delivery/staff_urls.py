from django.urls import path

from . import logbook, views

app_name = "delivery_staff"

urlpatterns = [
    path("", views.counter_find, name="counter_find"),
    path("hoan-tien/", views.overpayment_list, name="overpayments"),
    path("hoan-tien/<int:pk>/", views.overpayment_refund, name="overpayment_refund"),
    path("so-theo-doi/", logbook.logbook, name="logbook"),
    path("<str:ref>/", views.counter_dossier, name="counter"),
]
