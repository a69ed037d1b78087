"""Form fields the admin's forms share."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from catalogue.models import Publication, Repository
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Repository, Publication])
def test_a_web_address_typed_without_a_scheme_is_taken_as_https(model):
    request = RequestFactory().get("/")
    request.user = SuperuserFactory()
    form_class = admin.site._registry[model].get_form(request)
    field = form_class.base_fields["url"]
    assert field.clean("www.archives.gov") == "https://www.archives.gov"
