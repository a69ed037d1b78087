from django.contrib import admin

from catalogue.models import AuthorityReview, FixityCheck


@admin.register(AuthorityReview)
class AuthorityReviewAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "agent",
        "candidate",
        "score",
        "document",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["name", "agent__authorised_name", "candidate__authorised_name"]
    autocomplete_fields = ["agent", "candidate", "document"]
    readonly_fields = ["import_run", "created_at", "resolved_at", "resolved_by"]


@admin.register(FixityCheck)
class FixityCheckAdmin(admin.ModelAdmin):
    list_display = ["digital_object", "checked_at", "outcome"]
    list_filter = ["outcome"]
    readonly_fields = ["digital_object", "checked_at", "outcome", "expected", "actual"]

    def has_add_permission(self, request):
        return False
