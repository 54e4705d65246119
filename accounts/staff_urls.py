from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("nhan-su/", staff_views.staff_list, name="staff_list"),
    path("nhan-su/them/", staff_views.staff_add, name="staff_add"),
    path("nhan-su/<int:user_id>/vo-hieu-hoa/", staff_views.staff_deactivate_view,
         name="staff_deactivate"),
]
