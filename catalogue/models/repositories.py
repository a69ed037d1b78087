"""Holding institutions."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .common import unique_slug
from .history import HISTORY_UNINDEXED, CatalogueHistoricalModel
from .querysets import RepositoryQuerySet


class Repository(models.Model):
    """An institution that holds archival units (Department of State, a records centre,
    a presidential library). What people call "the Ball Papers" is a unit *held by* one
    of these, not a repository itself."""

    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(max_length=80, blank=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    address = models.TextField(blank=True)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[CatalogueHistoricalModel], no_db_index=HISTORY_UNINDEXED)
    objects = RepositoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:repository-detail", kwargs={"slug": self.slug})
