from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dang-ky/xac-minh/", views.register_confirm, name="register_confirm"),
    path("xac-minh/", views.verify, name="verify"),
    path("ho-so/", views.profile, name="profile"),
    path("dia-chi/", views.address_list, name="addresses"),
    path("dia-chi/them/", views.address_add, name="address_add"),
    path("dia-chi/<int:pk>/sua/", views.address_edit, name="address_edit"),
    path("dia-chi/<int:pk>/xoa/", views.address_delete, name="address_delete"),
    path("du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("du-lieu-cua-toi/tai-ve.json", views.my_data_json, name="my_data_json"),
    path("du-lieu-cua-toi/tai-ve.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("quyen-rieng-tu/", views.privacy_notice, name="privacy_notice"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("quen-mat-khau/dat-lai/", views.password_reset_confirm,
         name="password_reset_complete"),
]
