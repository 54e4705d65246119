from django.urls import path

from . import views

app_name = "reports_staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("xuat/<slug:table>.<str:fmt>", views.export, name="export"),
]
