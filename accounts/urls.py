from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("dang-xuat-tat-ca/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("xac-thuc-hai-buoc/", views.otp_verify_view, name="otp_verify"),
    path("xac-thuc-hai-buoc/dang-ky/", views.otp_enroll, name="otp_enroll"),
    path("bao-mat/", views.security, name="security"),
]
