"""Reads of agents (people and organisations) and their names."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .common import PUBLISHED


class AgentQuerySet(models.QuerySet):
    def active(self):
        """Not merged away into another record."""
        return self.filter(merged_into__isnull=True)

    def public(self):
        """Agents that appear in at least one published document."""
        from ..provenance import DocumentAgent

        return self.filter(
            Exists(DocumentAgent.objects.filter(agent=OuterRef("pk"), document__status=PUBLISHED))
        )

    def named(self, name: str):
        """Agents recorded under this name in any form (authorised or variant)."""
        from catalogue.normalise import normalise_name

        key = normalise_name(name)
        return self.filter(Q(normalised_name=key) | Q(names__normalised=key)).distinct()


class AgentNameQuerySet(models.QuerySet):
    def matching(self, normalised: str):
        return self.filter(normalised=normalised).select_related("agent")
