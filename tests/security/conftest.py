"""The API schema loaded by schemathesis against the in-process WSGI application, over
the shared world of published and unpublished records (for the fuzz and stateful runs)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from tests.security.world import build_world


@pytest.fixture
def api_schema(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
    }
    build_world()
    # As Django's test client does: a real WSGI request would otherwise close the test
    # transaction's database connection when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
