from django.contrib import admin
from django.urls import include, path

from portfolio.api import router as api_router
from webapp import views

urlpatterns = [
    path("", views.index, name="index"),
    path("admin/", admin.site.urls),
    path("portfolios/", include("portfolio.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include(api_router.urls)),
    # Legacy health check, kept for the old load balancer
    path("healthz", views.healthz),
]
