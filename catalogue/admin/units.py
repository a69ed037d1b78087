"""Repositories and their arrangement of archival units; merging duplicate units."""

from django.contrib import admin

from catalogue.models import ArchivalUnit, MergeRecord, Repository
from catalogue.services import merging

from .documents import HistoryChannelAdmin, VersionedAdminForm, VersionedAdminMixin
from .fields import HTTPS_URLS
from .review import merge_action


class ChildUnitInline(admin.TabularInline):
    model = ArchivalUnit
    fk_name = "parent"
    extra = 0
    fields = ["title", "level", "identifier", "identifier_scheme", "sort_order"]
    show_change_link = True


class TopUnitInline(admin.TabularInline):
    model = ArchivalUnit
    fk_name = "repository"
    extra = 0
    fields = ["title", "level", "identifier", "identifier_scheme"]
    show_change_link = True
    verbose_name_plural = "archival units"

    def get_queryset(self, request):
        return super().get_queryset(request).roots()


@admin.register(Repository)
class RepositoryAdmin(HistoryChannelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", "url"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopUnitInline]


@admin.register(ArchivalUnit)
class ArchivalUnitAdmin(VersionedAdminMixin, HistoryChannelAdmin):
    form = VersionedAdminForm
    list_display = ["title", "level", "identifier", "repository", "parent", "depth"]
    list_filter = ["level", "repository", "identifier_scheme"]
    search_fields = ["title", "identifier", "scope_note"]
    autocomplete_fields = ["parent", "creator", "repository"]
    readonly_fields = [
        "merged_into",
        "tree_path",
        "depth",
        "import_run",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["repository", "parent"]
    actions = [merge_action(MergeRecord.Kind.UNIT, "Merge selected units…")]
    inlines = [ChildUnitInline]
    fieldsets = [
        (None, {"fields": ["repository", "parent", "level", "title", "slug"]}),
        ("Identification", {"fields": [("identifier", "identifier_scheme"), "creator"]}),
        ("Dates and extent", {"fields": [("date_text", "date_start", "date_end"), "extent"]}),
        ("Scope", {"fields": ["scope_note", "sort_order"]}),
        (
            "Record keeping",
            {
                "classes": ["collapse"],
                "fields": [
                    "version",
                    "merged_into",
                    "tree_path",
                    "depth",
                    "import_run",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    def has_merge_permission(self, request):
        return request.user.has_perm(merging.PERMISSIONS[MergeRecord.Kind.UNIT])
