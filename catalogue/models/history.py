"""The catalogue's own provenance: through which channel each recorded change came.

django-simple-history (rather than django-reversion) keeps one typed table per model,
so a record's past can be queried like the record itself (``Document.history.as_of``),
diffed field by field (``diff_against``) and reverted from the stock admin, without
deserialising JSON blobs; adding a column such as the channel below is ordinary
Django. Reversion's strength, grouping several models into one revision, matters less
here: multi-model writes go through ``catalogue.services`` which record a change reason.
"""

import contextvars
from contextlib import contextmanager

from django.db import models


class ChangeChannel(models.TextChoices):
    ADMIN = "admin", "Admin"
    API = "api", "API"
    IMPORT = "import", "Import run"
    COMMAND = "command", "Command or shell"
    WEB = "web", "Web request"


_channel: contextvars.ContextVar = contextvars.ContextVar("catalogue_change_channel", default=None)


@contextmanager
def recording_channel(channel: str, *, import_run=None):
    """Attribute every change saved inside the block to ``channel`` (and import run).

    Importers wrap their run in ``recording_channel(ChangeChannel.IMPORT, import_run=run)``;
    an explicit channel wins over the one guessed from the current request.
    """
    token = _channel.set((channel, getattr(import_run, "pk", import_run)))
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> tuple[str, int | None]:
    explicit = _channel.get()
    if explicit is not None:
        return explicit
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return ChangeChannel.COMMAND, None
    match = getattr(request, "resolver_match", None)
    if (match and "admin" in match.namespaces) or request.path.startswith("/admin/"):
        return ChangeChannel.ADMIN, None
    if "/api/" in request.path:
        return ChangeChannel.API, None
    return ChangeChannel.WEB, None


class _AllBut(frozenset):
    """A ``no_db_index`` that holds every field name except its own members."""

    def __contains__(self, name):
        return not super().__contains__(name)


# Historical tables are read by record (``id``: a record's history, the admin's history
# view, ``as_of``) and by date; nothing looks history up by any other copied field. The
# indexes django-simple-history copies for each of them (every FK and indexed field of
# the model: 12 on documents) were written on every save and import and never read.
HISTORY_UNINDEXED = _AllBut({"id"})


class CatalogueHistoricalModel(models.Model):
    """Base of every historical table: adds the channel and the import run of a change."""

    history_channel = models.CharField(max_length=10, choices=ChangeChannel.choices, blank=True)
    history_import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.history_channel:
            self.history_channel, run_id = current_channel()
            if run_id and not self.history_import_run_id:
                self.history_import_run_id = run_id
        super().save(*args, **kwargs)
