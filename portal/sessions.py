"""Database sessions whose sliding idle deadline is written at most once a minute.

``SESSION_SAVE_EVERY_REQUEST`` (the 30-minute idle timeout of SECURITY.md §5) made every signed-in request
write its session row: a transaction and a WAL flush per page view, the largest single cost of a cached
page (see docs/performance.md). This store remembers the deadline it read and skips the write when the
session's data is unchanged and the stored deadline is less than ``REFRESH_SECONDS`` short of the new one,
so the idle timeout stays sliding, accurate to a minute; any change of the data is written at once.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore

REFRESH_SECONDS = 60


class SessionStore(DbSessionStore):
    _stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def _fresh(self, must_create: bool) -> bool:
        """Unchanged data and a stored deadline less than a minute short of the one a write would set."""
        if must_create or self.modified or self.session_key is None or self._stored_expiry is None:
            return False
        return self.get_expiry_date() - self._stored_expiry < dt.timedelta(seconds=REFRESH_SECONDS)

    def save(self, must_create: bool = False) -> None:
        if self._fresh(must_create):
            return
        super().save(must_create=must_create)
        self._stored_expiry = None if must_create else self.get_expiry_date()
