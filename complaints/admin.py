"""Admin lists of the records, for admins. The words as written are not listed here: quotes and
comments are read on the review page (for officers) or as cleared, redacted text."""

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Complaint, VoiceSurvey

# django-stubs types ModelAdmin by its model; Django's own class takes no subscript at run time.
if TYPE_CHECKING:
    ComplaintModelAdmin = admin.ModelAdmin[Complaint]
    VoiceSurveyModelAdmin = admin.ModelAdmin[VoiceSurvey]
else:
    ComplaintModelAdmin = VoiceSurveyModelAdmin = admin.ModelAdmin


@admin.register(Complaint)
class ComplaintAdmin(ComplaintModelAdmin):
    list_display = ["reference", "authority", "stage", "received", "responded", "outcome"]
    list_filter = ["authority", "stage", "outcome"]
    readonly_fields = ["working_days", "within_timescale"]


@admin.register(VoiceSurvey)
class VoiceSurveyAdmin(VoiceSurveyModelAdmin):
    list_display = ["title", "authority", "audience", "conducted_on"]
