"""Security classification at the time of the document, and its separate caveats."""

from django.db import models

from .common import unique_slug


class NamedVocabularyManager(models.Manager):
    """Vocabulary rows are referred to by name in fixtures, never by database id."""

    def get_by_natural_key(self, name):
        return self.get(name=name)


class ClassificationLevel(models.Model):
    """Ordered by ``rank``: Unclassified < Official Use Only < Confidential < Secret <
    Top Secret. "No classification marking" is a fact about the paper, not a level, so
    it has ``is_marking=False`` and sorts lowest."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    rank = models.PositiveSmallIntegerField(unique=True)
    is_marking = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    objects = NamedVocabularyManager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class CaveatKind(models.TextChoices):
    CAVEAT = "caveat", "Caveat"
    PRECEDENCE = "precedence", "Precedence"
    DISTRIBUTION = "distribution", "Distribution control"
    HANDLING = "handling", "Handling note"


class Caveat(models.Model):
    """Eyes Only, Niact, Exdis, Nodis…: facts beside the level, never a level themselves."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=CaveatKind.choices, default=CaveatKind.CAVEAT)
    description = models.TextField(blank=True)

    objects = NamedVocabularyManager()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)
