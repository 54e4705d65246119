from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.my_dossiers, name="mine"),
    path("nop/<str:code>/", views.file_dossier, name="file"),
    path("nop/<str:code>/luu-tu-dong/", views.autosave, name="autosave_new"),
    path("tra-cuu/", views.track, name="track"),
    path("kho-du-lieu/", views.document_store, name="store"),
    path("kho-du-lieu/<int:pk>/", views.stored_document, name="stored_document"),
    path("ket-qua/<str:unit_code>/", views.board, name="board"),
    path("<str:ref>/", views.detail, name="detail"),
    path("<str:ref>/sua/", views.edit_draft, name="edit"),
    path("<str:ref>/luu-tu-dong/", views.autosave, name="autosave"),
    path("<str:ref>/tai-len/", views.upload, name="upload"),
    path("<str:ref>/xoa/", views.delete_draft, name="delete_draft"),
    path("<str:ref>/bo-sung/", views.supplement, name="supplement"),
    path("<str:ref>/rut/", views.withdraw, name="withdraw"),
    path("<str:ref>/tep/<int:pk>/", views.attachment, name="attachment"),
]
