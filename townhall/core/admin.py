from django.contrib import admin

from townhall.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "calendar", "kind", "note"]
    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"
    search_fields = ["note"]
