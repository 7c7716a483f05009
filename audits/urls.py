from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.quality, name="quality"),
    path("removed/", views.removals, name="removals"),
    path("programmes/add/", views.programme_edit, name="programme_add"),
    path("programmes/<int:programme_id>/", views.programme_edit, name="programme_edit"),
    path("audits/add/", views.audit_edit, name="audit_add"),
    path("audits/<int:audit_id>/", views.audit_edit, name="audit_edit"),
    path("audits/log-template.csv", views.log_template, name="log_template"),
    path("audits/<int:audit_id>/remove/", views.audit_delete, name="audit_delete"),
    path("findings/add/", views.finding_edit, name="finding_add"),
    path("findings/<int:finding_id>/", views.finding_edit, name="finding_edit"),
    path("findings/<int:finding_id>/remove/", views.finding_delete, name="finding_delete"),
    path("themes/add/", views.theme_add, name="theme_add"),
    path("observations/add/", views.observation_edit, name="observation_add"),
    path("observations/<int:observation_id>/", views.observation_edit, name="observation_edit"),
    path(
        "observations/<int:observation_id>/remove/",
        views.observation_delete,
        name="observation_delete",
    ),
    path("practice-weeks/add/", views.practice_week_edit, name="practice_week_add"),
    path("practice-weeks/<int:week_id>/", views.practice_week_edit, name="practice_week_edit"),
    path(
        "practice-weeks/<int:week_id>/remove/",
        views.practice_week_delete,
        name="practice_week_delete",
    ),
    path("inspections/add/", views.inspection_edit, name="inspection_add"),
    path("inspections/<int:inspection_id>/", views.inspection_edit, name="inspection_edit"),
    path(
        "inspections/<int:inspection_id>/remove/",
        views.inspection_delete,
        name="inspection_delete",
    ),
    path("plans/add/", views.plan_edit, name="plan_add"),
    path("plans/<int:plan_id>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/priorities/add/", views.priority_edit, name="priority_add"),
    path("priorities/<int:priority_id>/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:priority_id>/actions/add/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/remove/", views.action_delete, name="action_delete"),
    path("actions/<int:action_id>/updates/add/", views.action_update_add, name="action_update"),
]
