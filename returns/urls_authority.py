"""An authority's spreadsheets, under /a/<authority-slug>/: its performance officers' imports
of figures and targets, and the exports of both for its officers and managers."""

from django.urls import path

from . import sheet_views

app_name = "authority_sheets"

urlpatterns = [
    path("imports/", sheet_views.authority_imports, name="imports"),
    path("spreadsheets/<str:table>.<str:fmt>", sheet_views.authority_export, name="export"),
]
