from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:code>/", views.public_unit, name="unit"),
]
