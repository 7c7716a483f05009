from django.urls import include, path

from . import approval_views, ofsted_views, views

app_name = "returns"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("approvals/", approval_views.approval_list, name="approvals"),
    path("approvals/approve/", approval_views.approval_approve, name="approvals_approve"),
    path("spreadsheets/", include("returns.urls_sheets")),
    path("ofsted/", ofsted_views.judgements, name="ofsted"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("<int:batch_id>/commit/", views.batch_commit, name="batch_commit"),
    path("<int:batch_id>/reject/", views.batch_reject, name="batch_reject"),
    path("<int:batch_id>/rollback/", views.batch_rollback, name="batch_rollback"),
    path("<int:batch_id>/retry/", views.batch_retry, name="batch_retry"),
    path(
        "<int:batch_id>/rule-failures.<str:fmt>",
        views.batch_rule_report,
        name="batch_rule_report",
    ),
]
