from django.contrib import admin
from django.urls import include, path

from townhall.core.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("django-admin/", admin.site.urls),
    path("account/", include("townhall.accounts.urls")),
    path("staff/records/", include("townhall.desk.records_urls")),
    path("staff/waste/", include("townhall.desk.waste_urls")),
    path("staff/services/", include("townhall.desk.builder_urls")),
    path("staff/", include("townhall.desk.urls")),
    path("open311/v2/", include("townhall.open311.urls")),
    path("api/", include("townhall.api.urls")),
    path("", include("townhall.portal.urls")),
]
