from django.urls import path

from . import curve_views, question_views, views, views_public

app_name = "scrutiny"

urlpatterns = [
    path("", views.packs, name="packs"),
    path("add/", views.pack_add, name="pack_add"),
    path("<int:pack_id>/", views.pack_read, name="pack_read"),
    path("<int:pack_id>/pdf/", views.pack_pdf, name="pack_pdf"),
    path("<int:pack_id>/compose/", views.pack_compose, name="pack_compose"),
    path("<int:pack_id>/sections/add/", views.section_add, name="section_add"),
    path("<int:pack_id>/sections/<int:section_id>/", views.section_edit, name="section_edit"),
    path("<int:pack_id>/sections/<int:section_id>/move/", views.section_move, name="section_move"),
    path(
        "<int:pack_id>/sections/<int:section_id>/remove/",
        views.section_remove,
        name="section_remove",
    ),
    path("<int:pack_id>/submit/", views.pack_submit, name="pack_submit"),
    path("<int:pack_id>/return/", views.pack_return, name="pack_return"),
    path("<int:pack_id>/approve/", views.pack_approve, name="pack_approve"),
    path("<int:pack_id>/publish/", views.pack_publish, name="pack_publish"),
    # Turning the Curve reports (docs/0024)
    path("curves/", curve_views.curve_list, name="curve_list"),
    path("curves/add/", curve_views.curve_add, name="curve_add"),
    path("curves/<int:report_id>/", curve_views.curve_read, name="curve_read"),
    path("curves/<int:report_id>/edit/", curve_views.curve_edit, name="curve_edit"),
    path("curves/<int:report_id>/history/", curve_views.curve_history, name="curve_history"),
    path(
        "curves/<int:report_id>/add-to-pack/",
        curve_views.curve_add_to_pack,
        name="curve_add_to_pack",
    ),
    # Questions and actions from the committee (docs/0022).
    path("questions/", question_views.questions, name="questions"),
    path("questions/add/", question_views.question_add, name="question_add"),
    path("questions/<int:question_id>/", question_views.question_edit, name="question_edit"),
    path(
        "questions/<int:question_id>/answer/",
        question_views.question_answer,
        name="question_answer",
    ),
    path(
        "questions/<int:question_id>/close/", question_views.question_close, name="question_close"
    ),
    # Deleting a draft, and the public version of a published pack (docs/0023).
    path("<int:pack_id>/delete/", views.pack_delete, name="pack_delete"),
    path("<int:pack_id>/public/", views.pack_public, name="pack_public"),
    path("public/<str:token>/", views_public.public_read, name="public_read"),
    path("public/<str:token>/pdf/", views_public.public_pdf, name="public_pdf"),
]
