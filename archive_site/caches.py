"""The ``shared`` cache: what every worker process must count alike.

Django's default cache is local memory, one per process. That is right for what a
process may recompute on its own, and wrong for a rate counted across the site: with
four gunicorn workers a client would get four times the allowed rate, since each worker
counts only the requests it happens to serve. The API's anonymous rate can therefore be
counted (``API_THROTTLE_CACHE=shared``) in a second cache alias, ``shared``, whose backend
the environment chooses:

* ``database`` — Django's DatabaseCache in the catalogue's own database (table
  ``catalogue_cache``, created after every ``migrate``; see ``create_cache_tables``).
  Nothing more to run; the production default.
* ``file`` — FileBasedCache under ``CATALOGUE_CACHE_DIR``, a directory every worker of
  the host can write (shared across hosts only on shared storage).
* ``locmem`` — per process: development and tests, where there is one process.

Admin login failures are not counted here: they need an exact count, which a cache's
read-then-write ``incr`` is not (``catalogue.models.LoginFailure``).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATABASE_CACHE_TABLE = "catalogue_cache"


def shared_cache(kind: str, directory: Path) -> dict:
    kind = kind.strip().lower()
    if kind == "database":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
        }
    if kind == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory),
        }
    if kind == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared",
        }
    raise ImproperlyConfigured(
        f"CATALOGUE_CACHE_BACKEND={kind!r} is not a cache this catalogue knows; "
        "use 'database', 'file' or 'locmem'."
    )


def create_cache_tables(using="default", **kwargs):
    """post_migrate: create the DatabaseCache table when one is configured, so a
    deployment that runs ``migrate`` needs no separate ``createcachetable`` step (and
    does nothing when no database cache is configured)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
