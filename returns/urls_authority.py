"""An authority's spreadsheets, under /a/<authority-slug>/: its performance officers' imports
of figures and targets, the exports of both for its officers and managers, and the download of
an indicator page's numbers."""

from django.urls import path

from . import sheet_views

app_name = "authority_sheets"

urlpatterns = [
    path("imports/", sheet_views.authority_imports, name="imports"),
    path("spreadsheets/<str:table>.<str:fmt>", sheet_views.authority_export, name="export"),
    # The numbers of an indicator's page (indicators.views.pages.indicator_detail).
    path(
        "indicators/<str:code>/download.<str:fmt>",
        sheet_views.indicator_download,
        name="indicator_download",
    ),
]
