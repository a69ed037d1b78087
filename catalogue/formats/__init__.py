"""Exchange formats (EAD3, EAC-CPF, OAI-PMH, PROV-O, IIIF, Dublin Core, CSV).

Every format reads the catalogue through the named QuerySets and never writes. Each
builder takes a ``base_url`` so the same code serves a web request (absolute links to
the host that was asked) and a management command (links to CATALOGUE_BASE_URL).
"""

from django.conf import settings
from django.urls import reverse


def default_base_url() -> str:
    return settings.CATALOGUE_BASE_URL.rstrip("/")


def request_base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


def url_for(base_url: str, name: str, **kwargs) -> str:
    return absolute(base_url, reverse(f"catalogue:{name}", kwargs=kwargs or None))


def site_name() -> str:
    return settings.CATALOGUE_SITE_NAME


def iso_date(value, precision: str = "day") -> str:
    """ISO 8601 at the precision the catalogue claims: 1962, 1962-10 or 1962-10-27."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


_XML_INVALID = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def xml_text(value) -> str:
    """Text safe for an XML 1.0 document (control characters dropped)."""
    return str(value or "").translate(_XML_INVALID)
