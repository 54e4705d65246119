from django.urls import path

from . import staff_views

app_name = "dossiers_staff"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("tiep-nhan/", staff_views.reception, name="reception"),
    path("<str:ref>/", staff_views.staff_detail, name="detail"),
    path("<str:ref>/thao-tac/", staff_views.staff_act, name="act"),
    path("<str:ref>/phieu-kiem-soat/", staff_views.control_sheet, name="control_sheet"),
]
