from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.voice, name="voice"),
    path("quotes.csv", views.quotes_csv, name="quotes_csv"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/add/", views.complaint_add, name="complaint_add"),
    path(
        "complaints/<int:complaint_id>/respond/", views.complaint_respond, name="complaint_respond"
    ),
    path("compliments/add/", views.compliment_add, name="compliment_add"),
    path("surveys/add/", views.survey_add, name="survey_add"),
    path("comments/add/", views.comment_add, name="comment_add"),
    path("redaction/", views.redaction_queue, name="redaction_queue"),
    path(
        "redaction/<str:item_kind>/<int:item_id>/", views.redaction_review, name="redaction_review"
    ),
]
