from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalogue"
    verbose_name = "Archival catalogue"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from catalogue.reference_data import ensure_reference_data
        from catalogue.search.signals import drop_search_triggers, ensure_search_index

        pre_migrate.connect(drop_search_triggers, sender=self)
        post_migrate.connect(ensure_search_index, sender=self)
        post_migrate.connect(ensure_reference_data, sender=self)
