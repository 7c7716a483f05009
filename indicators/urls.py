from django.urls import include, path

from .views import benchmarking, grid, pages, rebuilds

urlpatterns = [
    path("", pages.start, name="start"),
    path("a/<slug:slug>/", pages.authority_home, name="authority_home"),
    path("a/<slug:slug>/indicators/<str:code>/", pages.indicator_detail, name="indicator_detail"),
    path(
        "a/<slug:slug>/indicators/<str:code>/benchmarking/",
        benchmarking.indicator_benchmarking,
        name="indicator_benchmarking",
    ),
    # The benchmarking grid (issue 18): a user's saved views, and an unsaved grid to try.
    path("benchmarking/grid/", grid.grid_views, name="grid_views"),
    path("benchmarking/grid/try/", grid.grid_try, name="grid_try"),
    path(
        "benchmarking/grid/try/download.<str:fmt>", grid.grid_try_download, name="grid_try_download"
    ),
    path("benchmarking/grid/new/", grid.grid_create, name="grid_create"),
    path("benchmarking/grid/<int:view_id>/", grid.grid_view, name="grid_view"),
    path("benchmarking/grid/<int:view_id>/edit/", grid.grid_edit, name="grid_edit"),
    path("benchmarking/grid/<int:view_id>/delete/", grid.grid_delete, name="grid_delete"),
    path(
        "benchmarking/grid/<int:view_id>/download.<str:fmt>",
        grid.grid_download,
        name="grid_download",
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
