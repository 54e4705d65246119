from django.urls import path

from . import views

app_name = "ratings_staff"

urlpatterns = [
    path("quay/", views.kiosk, name="kiosk"),
    path("quay/<str:code>/", views.kiosk_rate, name="kiosk_rate"),
]
