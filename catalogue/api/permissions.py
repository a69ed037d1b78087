"""Who may do what through the API.

Reads are open (anonymous clients see only published records, which the views'
querysets enforce); writes need a login plus the Django model permission for the
action, so archivists' groups in the admin govern the API too.
"""

from django.conf import settings
from django.core.cache import caches
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly, IsAdminUser
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class ModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Authenticated users need add/change/delete permissions to write."""


class StaffOnly(IsAdminUser):
    """Import runs name the people who ran them and the options they used."""


class AnonThrottle(AnonRateThrottle):
    """AnonRateThrottle whose rate is read from settings on each request (the stock
    class freezes it at import), so deployments and tests can change it, counted in
    the cache ``API_THROTTLE_CACHE`` names: per process by default, or the cache every
    worker shares (``shared``, ``archive_site/caches.py``), with which four gunicorn
    workers allow the rate once rather than four times."""

    @property
    def cache(self):
        return caches[settings.API_THROTTLE_CACHE]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
