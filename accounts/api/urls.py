from django.urls import path

from .views import LogoutAllView, LogoutView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="api-auth-logout-all"),
]
