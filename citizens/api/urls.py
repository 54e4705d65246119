from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import DeliveryAddressViewSet, MeView

router = SimpleRouter()
router.register("me/addresses", DeliveryAddressViewSet, basename="me-address")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
