from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("imports/", include("returns.urls")),
    path("a/<slug:slug>/", include("returns.urls_authority")),
    path("a/<slug:slug>/quality/", include("audits.urls")),
    path("a/<slug:slug>/voice/", include("complaints.urls")),
    path("a/<slug:slug>/packs/", include("scrutiny.urls")),
    path("", include("indicators.urls")),
]
