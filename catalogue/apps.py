from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalogue"
    verbose_name = "Archival catalogue"

    def ready(self):
        from django.db.models.signals import post_migrate

        from catalogue.search.signals import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self)
