"""Helpers the public pages share."""

import pytest
from django.urls import NoReverseMatch, reverse

from catalogue.views.presentation import url_maker
from tests.factories import AgentFactory, UnitFactory


@pytest.mark.parametrize("slug", ["telcons-cuba", "a_b-9", "ünïcode", "x y", "semi;colon"])
def test_url_maker_gives_what_reverse_gives(slug):
    make = url_maker("catalogue:unit-detail")
    assert make(42, slug) == reverse("catalogue:unit-detail", kwargs={"pk": 42, "slug": slug})


def test_url_maker_refuses_what_reverse_refuses():
    make = url_maker("catalogue:document-detail")
    for slug in ["", "a/b"]:
        with pytest.raises(NoReverseMatch):
            make(1, slug)


@pytest.mark.django_db
def test_url_maker_matches_the_models_own_urls():
    unit, agent = UnitFactory(), AgentFactory()
    assert url_maker("catalogue:unit-detail")(unit.pk, unit.slug) == unit.get_absolute_url()
    assert url_maker("catalogue:agent-detail")(agent.pk, agent.slug) == agent.get_absolute_url()
