"""Vocabulary shared by several models: dates with precision, publication state."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown (undated)"


class DateCertainty(models.TextChoices):
    CERTAIN = "certain", "Certain"
    PROBABLE = "probable", "Probable"
    INFERRED = "inferred", "Inferred from evidence"
    CONJECTURAL = "conjectural", "Conjectural"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


def validate_date_precision(value: datetime.date | None, precision: str, field: str = "date"):
    """A date's stored value must say no more than its precision claims.

    Archivists record "October 1962" as 1962-10-01 with month precision; a day other
    than the first would pretend to a precision the source does not have.
    """
    if value is None:
        if precision != DatePrecision.UNKNOWN:
            raise ValidationError(
                {f"{field}_precision": "An empty date must have precision 'unknown'."}
            )
        return
    if precision == DatePrecision.UNKNOWN:
        raise ValidationError({f"{field}_precision": "A date with a value cannot be 'unknown'."})
    if precision == DatePrecision.MONTH and value.day != 1:
        raise ValidationError({field: "A month-precision date is stored as the 1st of the month."})
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        raise ValidationError({field: "A year-precision date is stored as 1 January."})


def date_precision_constraint(prefix: str, name: str) -> models.CheckConstraint:
    """Database twin of ``validate_date_precision``: empty date iff precision unknown."""
    date_field, precision_field = prefix, f"{prefix}_precision"
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{date_field}__isnull": True, precision_field: DatePrecision.UNKNOWN})
            | (
                models.Q(**{f"{date_field}__isnull": False})
                & ~models.Q(**{precision_field: DatePrecision.UNKNOWN})
            )
        ),
        name=name,
    )


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return "Undated"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.strftime('%B')} {value.day}, {value.year}"


def unique_slug(instance, source: str, *, field: str = "slug", fallback: str = "") -> str:
    """A non-empty slug for ``source`` that no other row of the model uses.

    Names like "!!!" slugify to nothing, and "Foo!" and "Foo?" to the same thing; a unique
    slug column must still get a distinct value rather than fail at the database.
    """
    from django.utils.text import slugify

    max_length = instance._meta.get_field(field).max_length
    base = slugify(source)[:max_length].strip("-") or fallback or instance._meta.model_name
    manager = type(instance)._default_manager
    taken = manager.exclude(pk=instance.pk) if instance.pk else manager.all()
    candidate, n = base, 1
    while taken.filter(**{field: candidate}).exists():
        n += 1
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
    return candidate
