from django.contrib import admin

from catalogue.models import (
    Caveat,
    ClassificationLevel,
    Collection,
    DocumentType,
    Publication,
    Subject,
)

from .fields import HTTPS_URLS


@admin.register(ClassificationLevel)
class ClassificationLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "is_marking"]
    ordering = ["rank"]
    search_fields = ["name"]


@admin.register(Caveat)
class CaveatAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "key"]
    search_fields = ["label", "key"]
    prepopulated_fields = {"key": ["label"]}


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["short_title", "title", "publisher", "year", "volume"]
    search_fields = ["title", "short_title", "editor"]
