"""Django admin for users and their memberships of authorities."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fields = ["authority", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["authority"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "authority", "role", "created_at"]
    list_filter = ["role", "authority"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "authority__name"]
    list_select_related = ["user", "authority"]
    autocomplete_fields = ["user", "authority"]
