"""Django admin for the pack templates' rules (docs/0023): admins only, as all of admin."""

from __future__ import annotations

from django.contrib import admin

from .models import TemplateRule


@admin.register(TemplateRule)
class TemplateRuleAdmin(admin.ModelAdmin[TemplateRule]):
    list_display = ["template", "require_commentary_on_exceptions"]
    list_editable = ["require_commentary_on_exceptions"]
