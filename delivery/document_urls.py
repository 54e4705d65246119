from django.urls import path

from . import views

app_name = "delivery_documents"

urlpatterns = [
    path("<int:pk>/", views.document_download, name="download"),
    path("ho-so/<str:ref>/phieu-kiem-soat/", views.control_sheet_pdf, name="control_sheet"),
    path("ho-so/<str:ref>/giay-uy-quyen/", views.pickup_authorisation, name="authorisation"),
]
