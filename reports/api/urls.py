from django.urls import path

from . import views

urlpatterns = [
    path("stats/figures/", views.Figures.as_view(), name="stats-figures"),
    path("stats/units/", views.UnitBreakdown.as_view(), name="stats-units"),
    path("stats/procedures/", views.ProcedureBreakdown.as_view(), name="stats-procedures"),
    path("stats/overdue/", views.Overdue.as_view(), name="stats-overdue"),
]
