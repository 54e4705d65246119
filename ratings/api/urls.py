from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/<str:ref>/rating/", views.DossierRating.as_view(), name="dossier-rating"),
]
