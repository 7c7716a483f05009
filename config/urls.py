from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("imports/", include("returns.urls")),
    path("a/<slug:slug>/", include("returns.urls_authority")),
    path("a/<slug:slug>/quality/", include("audits.urls")),
    path("a/<slug:slug>/voice/", include("complaints.urls")),
    path("a/<slug:slug>/packs/", include("scrutiny.urls")),
    path("", include("indicators.urls")),
]

# A 500 that is the database being unreachable is shown as the 503 page (config/errors.py).
handler500 = "config.errors.server_error"
