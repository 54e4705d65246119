from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, views

urlpatterns = [
    # Answered by portal.health.HealthCheckMiddleware before routing, on any Host; listed here
    # so that it has a name. /readyz is answered there too.
    path("healthz", health.healthz, name="healthz"),
    path("bench/trivial", views.trivial, name="trivial"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("portal.api.urls")),
    path("callbacks/", include("delivery.callback_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("thu-tuc/", include("procedures.urls")),
    path("thanh-toan/", include("delivery.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("cong-dan/", include("citizens.urls")),
    path("ho-so/", include("dossiers.urls")),
    path("giay-to/", include("delivery.document_urls")),
    path("can-bo/tra-ket-qua/", include("delivery.staff_urls")),
    path("can-bo/ho-so/", include("dossiers.staff_urls")),
    path("can-bo/thong-ke/", include("reports.staff_urls")),
    path("can-bo/danh-gia/", include("ratings.staff_urls")),
    path("thong-ke/", include("reports.urls")),
    path("danh-gia/", include("ratings.urls")),
    path("can-bo/yeu-cau-du-lieu/", include("citizens.staff_urls")),
    path("can-bo/", include("accounts.staff_urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "portal.errors.bad_request"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
