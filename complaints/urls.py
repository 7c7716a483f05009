from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.voice, name="voice"),
    path("quotes.csv", views.quotes_csv, name="quotes_csv"),
    path("removed/", views.removals, name="removals"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/add/", views.complaint_add, name="complaint_add"),
    path(
        "complaints/<int:complaint_id>/respond/", views.complaint_respond, name="complaint_respond"
    ),
    path("complaints/<int:complaint_id>/change/", views.complaint_change, name="complaint_change"),
    path("complaints/<int:complaint_id>/remove/", views.complaint_remove, name="complaint_remove"),
    path("compliments/add/", views.compliment_add, name="compliment_add"),
    path(
        "compliments/<int:compliment_id>/change/",
        views.compliment_change,
        name="compliment_change",
    ),
    path(
        "compliments/<int:compliment_id>/remove/",
        views.compliment_remove,
        name="compliment_remove",
    ),
    path("surveys/add/", views.survey_add, name="survey_add"),
    path("surveys/<int:survey_id>/change/", views.survey_change, name="survey_change"),
    path("surveys/<int:survey_id>/remove/", views.survey_remove, name="survey_remove"),
    path("comments/add/", views.comment_add, name="comment_add"),
    path("comments/<int:comment_id>/remove/", views.comment_remove, name="comment_remove"),
    path("redaction/", views.redaction_queue, name="redaction_queue"),
    path(
        "redaction/<str:item_kind>/<int:item_id>/", views.redaction_review, name="redaction_review"
    ),
]
