"""Admin lists of the records, for admins. The words as written are not listed here: quotes and
comments are read on the review page (for officers) or as cleared, redacted text."""

from django.contrib import admin

from .models import Complaint, VoiceSurvey


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["reference", "authority", "stage", "received", "responded", "outcome"]
    list_filter = ["authority", "stage", "outcome"]
    readonly_fields = ["working_days", "within_timescale"]


@admin.register(VoiceSurvey)
class VoiceSurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "authority", "audience", "conducted_on"]
