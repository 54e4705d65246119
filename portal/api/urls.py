from django.urls import include, path

urlpatterns = [
    path("", include("procedures.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("citizens.api.urls")),
    path("", include("dossiers.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("ratings.api.urls")),
]
