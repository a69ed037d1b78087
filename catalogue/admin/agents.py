"""Agent authority records: names, positions, identifiers; merging duplicates."""

from django.contrib import admin

from catalogue.models import Agent, AgentIdentifier, AgentName, MergeRecord, Position
from catalogue.services import merging

from .documents import HistoryChannelAdmin, VersionedAdminForm, VersionedAdminMixin
from .fields import HTTPS_URLS
from .review import merge_action


class MergedFilter(admin.SimpleListFilter):
    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", "Active records"), ("yes", "Merged into another record")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.active()
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset


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
    formfield_overrides = HTTPS_URLS
    fields = ["source", "value", "url"]


@admin.register(Agent)
class AgentAdmin(VersionedAdminMixin, HistoryChannelAdmin):
    form = VersionedAdminForm
    list_display = ["authorised_name", "kind", "dates", "needs_review", "merged_into"]
    list_filter = ["kind", "needs_review", MergedFilter]
    list_select_related = ["merged_into"]
    actions = [merge_action(MergeRecord.Kind.AGENT, "Merge selected agents…")]
    search_fields = ["authorised_name", "sort_name", "names__name"]
    readonly_fields = ["normalised_name", "merged_into", "import_run", "created_at", "updated_at"]
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
                "fields": [
                    "version",
                    "normalised_name",
                    "import_run",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    def has_merge_permission(self, request):
        return request.user.has_perm(merging.PERMISSIONS[MergeRecord.Kind.AGENT])


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
