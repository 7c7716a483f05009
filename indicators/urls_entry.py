"""Addresses of the entry pages, under /a/<authority-slug>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
