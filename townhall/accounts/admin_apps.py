from django.contrib.admin.apps import AdminConfig


class TownhallAdminConfig(AdminConfig):
    """django.contrib.admin with Townhall's site (townhall.accounts.admin_site) as the default,
    so every ModelAdmin registered with @admin.register lands behind the same door."""

    default_site = "townhall.accounts.admin_site.TownhallAdminSite"
