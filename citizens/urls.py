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
    path("quyen-rieng-tu/", views.privacy_notice, name="privacy_notice"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("quen-mat-khau/dat-lai/", views.password_reset_confirm,
         name="password_reset_complete"),
]
