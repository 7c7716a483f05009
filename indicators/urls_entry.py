"""Addresses of the entry pages, under /a/<authority-slug>/."""

from django.urls import URLPattern, path

from .views import entry, figure_removal

urlpatterns: list[URLPattern] = [
    path("entry/", entry.choose, name="entry_choose"),
    path("entry/<str:period>/", entry.entry, name="entry"),
    path("entry/<str:period>/submit/", entry.entry_submit, name="entry_submit"),
    path(
        "entry/<str:period>/remove/<str:code>/",
        figure_removal.remove_draft,
        name="entry_remove_draft",
    ),
]
