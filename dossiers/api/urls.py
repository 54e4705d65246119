from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/", views.DossierListCreate.as_view(), name="dossier-list"),
    path("dossiers/<str:ref>/", views.DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<str:ref>/attachments/", views.AttachmentCreate.as_view(),
         name="dossier-attachments"),
    path("dossiers/<str:ref>/submit/", views.DossierSubmit.as_view(), name="dossier-submit"),
    path("dossiers/<str:ref>/transitions/", views.DossierTransitionCreate.as_view(),
         name="dossier-transitions"),
    path("queue/", views.QueueList.as_view(), name="dossier-queue"),
    path("track/<str:code>/", views.Track.as_view(), name="dossier-track"),
]
