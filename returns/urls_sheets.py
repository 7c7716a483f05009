"""Spreadsheet templates and the catalogue and areas exports, under /imports/spreadsheets/."""

from django.urls import path

from . import sheet_views

urlpatterns = [
    path("", sheet_views.sheets, name="sheets"),
    path("templates/<str:table>.<str:fmt>", sheet_views.sheet_template, name="sheet_template"),
    path("<str:reference>.<str:fmt>", sheet_views.sheet_reference, name="sheet_reference"),
]
