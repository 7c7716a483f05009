from django.urls import include, path

from .views import benchmarking, pages, rebuilds

urlpatterns = [
    path("", pages.start, name="start"),
    path("a/<slug:slug>/", pages.authority_home, name="authority_home"),
    path("a/<slug:slug>/indicators/<str:code>/", pages.indicator_detail, name="indicator_detail"),
    path(
        "a/<slug:slug>/indicators/<str:code>/benchmarking/",
        benchmarking.indicator_benchmarking,
        name="indicator_benchmarking",
    ),
    path("dashboards/", rebuilds.dashboard_rebuilds, name="dashboard_rebuilds"),
    path("dashboards/rebuild/", rebuilds.dashboard_rebuild, name="dashboard_rebuild"),
    path(
        "dashboards/progress/",
        rebuilds.dashboard_rebuild_progress,
        name="dashboard_rebuild_progress",
    ),
    path("a/<slug:slug>/", include("indicators.urls_entry")),
    path("a/<slug:slug>/", include("indicators.urls_review")),
]
