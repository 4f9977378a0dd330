from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from townhall.open311.clients import api_client_revoke
from townhall.open311.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Clients are created with `manage.py open311_client_create`, which shows the key once;
    here they can be seen and revoked."""

    list_display = ["name", "key_prefix", "is_active", "created_at", "revoked_at"]
    readonly_fields = ["name", "key_prefix", "is_active", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected clients' keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            api_client_revoke(client=client)
