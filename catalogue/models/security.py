"""Counters the site's protections keep in the catalogue's own database."""

import time

from django.db import connections, models, router


class LoginFailureQuerySet(models.QuerySet):
    def _table_and_cursor(self):
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        return connection.ops.quote_name(self.model._meta.db_table), connection.cursor()

    def add_attempt(self, digest: str, *, window: int) -> int:
        """Count one attempt for ``digest`` and return the count, the window restarting
        at this attempt; a count whose window had passed starts again at 1. One
        statement (an upsert with ``RETURNING``): two attempts in flight at once can
        never both read the same count, as a cache's read-then-write ``incr`` could."""
        now = time.time()
        table, cursor = self._table_and_cursor()
        with cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires_at <= %s", [now])
            cursor.execute(
                f"INSERT INTO {table} (digest, attempts, expires_at) VALUES (%s, 1, %s) "
                f"ON CONFLICT (digest) DO UPDATE SET attempts = CASE WHEN "
                f"{table}.expires_at <= %s THEN 1 ELSE {table}.attempts + 1 END, "
                "expires_at = excluded.expires_at RETURNING attempts",
                [digest, now + window, now],
            )
            return cursor.fetchone()[0]

    def withdraw_attempt(self, digest: str) -> None:
        """An attempt counted before its outcome was known that turned out not to be a
        failed sign-in (a CSRF refusal, an error page)."""
        table, cursor = self._table_and_cursor()
        with cursor:
            cursor.execute(
                f"UPDATE {table} SET attempts = attempts - 1 WHERE digest = %s AND attempts > 0",
                [digest],
            )

    def clear(self, digest: str) -> None:
        self.using(router.db_for_write(self.model)).filter(digest=digest).delete()

    def attempts(self, digest: str) -> int:
        row = self.filter(digest=digest, expires_at__gt=time.time()).values_list(
            "attempts", flat=True
        )
        return next(iter(row), 0)


class LoginFailure(models.Model):
    """Failed admin sign-ins for one (username, client address), by digest.

    Kept in the catalogue's database rather than a cache: every gunicorn worker and
    every host share it without further configuration, and the count is raised by one
    atomic statement (see ``add_attempt``), so a burst of parallel guesses cannot
    overshoot the limit. Rows live only as long as their window."""

    digest = models.CharField(max_length=64, primary_key=True)
    attempts = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True, help_text="Unix time the window ends.")

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        verbose_name = "admin login failure count"

    def __str__(self):
        return f"{self.digest[:12]}… {self.attempts}"
