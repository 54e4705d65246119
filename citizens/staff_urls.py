from django.urls import path

from . import staff_views

app_name = "citizens_staff"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("<int:pk>/tra-loi/", staff_views.answer, name="answer"),
    path("cong-dan/<int:user_id>/nhat-ky-truy-cap.csv", staff_views.access_log,
         name="access_log"),
]
