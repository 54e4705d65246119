from django.urls import path

from . import views

app_name = "reports_staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("xuat/<slug:table>.<str:fmt>", views.export, name="export"),
    path("chi-so-766/", views.index766_page, name="index766"),
    path("chi-so-766/xuat/<slug:table>.<str:fmt>", views.index766_export,
         name="index766_export"),
]
