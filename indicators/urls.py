from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="start"),
    path("a/<slug:slug>/", views.authority_home, name="authority_home"),
    path("a/<slug:slug>/indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
]
