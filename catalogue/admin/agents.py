from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import Agent, AgentIdentifier, AgentName, Position


class AgentNameInline(admin.TabularInline):
    model = AgentName
    extra = 1
    fields = ["name", "name_type", "note"]


class PositionInline(admin.TabularInline):
    model = Position
    fk_name = "agent"
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["title", "organisation", "start_date", "end_date", "note"]


class AgentIdentifierInline(admin.TabularInline):
    model = AgentIdentifier
    extra = 0
    fields = ["source", "value", "url"]


@admin.register(Agent)
class AgentAdmin(SimpleHistoryAdmin):
    list_display = ["authorised_name", "kind", "dates", "needs_review", "merged_into"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["authorised_name", "sort_name", "names__name"]
    readonly_fields = ["normalised_name", "import_run", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["authorised_name"]}
    inlines = [AgentNameInline, PositionInline, AgentIdentifierInline]
    fieldsets = [
        (None, {"fields": ["authorised_name", "sort_name", "slug", "kind", "dates"]}),
        ("Description", {"fields": ["biographical_note"]}),
        ("Review", {"fields": ["needs_review", "merged_into"]}),
        (
            "Record keeping",
            {
                "classes": ["collapse"],
                "fields": ["normalised_name", "import_run", "created_at", "updated_at"],
            },
        ),
    ]


@admin.register(AgentName)
class AgentNameAdmin(admin.ModelAdmin):
    list_display = ["name", "agent", "name_type"]
    list_filter = ["name_type"]
    search_fields = ["name", "agent__authorised_name"]
    autocomplete_fields = ["agent"]
    list_select_related = ["agent"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["title", "agent", "organisation", "start_date", "end_date"]
    search_fields = ["title", "agent__authorised_name"]
    autocomplete_fields = ["agent", "organisation"]
    list_select_related = ["agent", "organisation"]
