from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalogue"
    verbose_name = "Archival catalogue"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from archive_site.caches import create_cache_tables
        from catalogue.reference_data import ensure_reference_data
        from catalogue.search.facets import drop_facet_triggers, ensure_facet_table
        from catalogue.search.signals import drop_search_triggers, ensure_search_index

        pre_migrate.connect(drop_search_triggers, sender=self)
        post_migrate.connect(ensure_search_index, sender=self)
        pre_migrate.connect(drop_facet_triggers, sender=self)
        post_migrate.connect(ensure_facet_table, sender=self)
        post_migrate.connect(ensure_reference_data, sender=self)
        post_migrate.connect(create_cache_tables, sender=self)
