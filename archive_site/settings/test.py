"""Test settings: fast hashing, throwaway media, no throttling surprises."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="catalogue-test-media-"))
CATALOGUE_DOWNLOADS_DIR = Path(tempfile.mkdtemp(prefix="catalogue-test-downloads-"))
# The test client's address: the downloads it makes are kept (catalogue.downloads).
CATALOGUE_BASE_URL = "http://testserver"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests write and search in quick succession and assert what a search reads: reload at once.
SEARCH_FACET_ARRAYS_RELOAD_GAP = 0
# The arrays on both databases: the equivalence tests run on each leg.
SEARCH_FACET_ARRAYS = True
