from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.quality, name="quality"),
    path("programmes/add/", views.programme_edit, name="programme_add"),
    path("programmes/<int:programme_id>/", views.programme_edit, name="programme_edit"),
    path("audits/add/", views.audit_edit, name="audit_add"),
    path("audits/<int:audit_id>/", views.audit_edit, name="audit_edit"),
    path("audits/log-template.csv", views.log_template, name="log_template"),
    path("findings/add/", views.finding_add, name="finding_add"),
    path("themes/add/", views.theme_add, name="theme_add"),
    path("observations/add/", views.observation_add, name="observation_add"),
    path("practice-weeks/add/", views.practice_week_add, name="practice_week_add"),
    path("inspections/add/", views.inspection_edit, name="inspection_add"),
    path("inspections/<int:inspection_id>/", views.inspection_edit, name="inspection_edit"),
    path("plans/add/", views.plan_add, name="plan_add"),
    path("plans/<int:plan_id>/priorities/add/", views.priority_add, name="priority_add"),
    path("priorities/<int:priority_id>/actions/add/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/updates/add/", views.action_update_add, name="action_update"),
]
