from django.urls import path

from . import views

app_name = "delivery_staff"

urlpatterns = [
    path("", views.counter_find, name="counter_find"),
    path("<str:ref>/", views.counter_dossier, name="counter"),
]
