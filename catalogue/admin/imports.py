from django.contrib import admin

from catalogue.models import ImportedFile, ImportRun


class ImportedFileInline(admin.TabularInline):
    model = ImportedFile
    extra = 0
    can_delete = False
    fields = ["path", "outcome", "checksum", "encoding", "line", "error", "document"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "started_at",
        "username",
        "channel",
        "status",
        "files_read",
        "created_count",
        "updated_count",
        "unchanged_count",
        "failed_count",
    ]
    list_filter = ["status", "channel"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    inlines = [ImportedFileInline]

    def has_add_permission(self, request):
        return False
