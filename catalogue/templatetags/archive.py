"""Template helpers for the public pages: shareable facet URLs and site settings."""

from django import template
from django.conf import settings
from django.http import QueryDict

register = template.Library()

MULTI_VALUED = {"type", "classification", "caveat", "subject"}


@register.simple_tag
def site_name():
    return settings.CATALOGUE_SITE_NAME


def _encode(params: QueryDict) -> str:
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def facet_url(params, facet, value):
    """The URL that toggles ``value`` of ``facet`` (adding or removing it), from page 1."""
    query = params.copy()
    query.pop("page", None)
    if facet.name in MULTI_VALUED:
        param = facet.params[0]
        chosen = query.getlist(param)
        if value.value in chosen:
            chosen.remove(value.value)
        else:
            chosen.append(value.value)
        query.setlist(param, chosen)
    elif value.selected:
        for param in facet.params:
            query.pop(param, None)
    else:
        for param in facet.params:
            query.pop(param, None)
        for key, item in value.params.items():
            query[key] = item
    return _encode(query)


@register.simple_tag
def remove_url(params, removal):
    """Drop a filter: ``{param: None}`` removes every value, ``{param: v}`` only ``v``."""
    query = params.copy()
    query.pop("page", None)
    for key, item in removal.items():
        if item is None:
            query.pop(key, None)
        else:
            query.setlist(key, [v for v in query.getlist(key) if v != item])
    return _encode(query)


@register.simple_tag
def page_url(params, number):
    query = params.copy()
    query["page"] = number
    return _encode(query)


@register.filter
def plural(count, forms="document,documents"):
    one, many = forms.split(",")
    return one if count == 1 else many
