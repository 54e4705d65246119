from rest_framework.routers import SimpleRouter

from .views import ProcedureViewSet, StaffProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("staff/procedures", StaffProcedureViewSet, basename="staff-procedure")

urlpatterns = router.urls
