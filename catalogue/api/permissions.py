"""Who may do what through the API.

Reads are open (anonymous clients see only published records, which the views'
querysets enforce); writes need a login plus the Django model permission for the
action, so archivists' groups in the admin govern the API too.
"""

from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly, IsAdminUser
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class ModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Authenticated users need add/change/delete permissions to write."""


class StaffOnly(IsAdminUser):
    """Import runs name the people who ran them and the options they used."""


class AnonThrottle(AnonRateThrottle):
    """AnonRateThrottle whose rate is read from settings on each request (the stock
    class freezes it at import), so deployments and tests can change it."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
