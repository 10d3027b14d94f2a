"""Database sessions read with their user in one query, whose sliding deadline is written at most once a minute.

Every signed-in request used to run four queries before its view: the session row, the user row, the user's
scope (the user menu shows it, every permission check reads its path) and the unread-notification count of the
navbar. ``UserSession`` keeps the user's id in a column of its own, so ``load()`` reads the session, the user,
the scope and the unread count in **one** query; ``portal.accounts.backends.SessionUserBackend`` then takes that
user instead of reading it again, after the same checks as Django's (active account, session hash).
See docs/performance.md ("The signed-in frame").

``SESSION_SAVE_EVERY_REQUEST`` (the 30-minute idle timeout of SECURITY.md §5) made every signed-in request
write its session row: a transaction and a WAL flush per page view. This store remembers the deadline it read
and skips the write when the session's data is unchanged and the stored deadline is less than
``REFRESH_SECONDS`` short of the new one, so the idle timeout stays sliding, accurate to a minute; any change
of the data is written at once.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import connections, router
from django.utils import timezone

from portal.db import ModelColumns, prepared_cursor

REFRESH_SECONDS = 60


def session_user_id(data: dict[str, Any]) -> int | None:
    """The signed-in user's id in session data (Django keeps it as a string), or None."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


@cache
def _frame_query(db: str) -> tuple[str, ModelColumns, ModelColumns]:
    from branches.models import Organization
    from portal.accounts.models import User, UserSession
    from portal.workbench.models import Notification

    connection = connections[db]
    qn = connection.ops.quote_name
    users = ModelColumns(User, "u", db)
    orgs = ModelColumns(Organization, "o", db)
    unread = (
        f"SELECT COUNT(*) FROM {qn(Notification._meta.db_table)} n "  # noqa: S608 (model metadata only)
        f"WHERE n.{qn('recipient_id')} = u.{qn('id')} AND n.{qn('read_at')} IS NULL"
    )
    sql = (
        f"SELECT s.{qn('session_data')}, s.{qn('expire_date')}, {users.sql}, {orgs.sql}, ({unread}) "  # noqa: S608
        f"FROM {qn(UserSession._meta.db_table)} s "
        f"LEFT JOIN {qn(User._meta.db_table)} u ON u.{qn('id')} = s.{qn('user_id')} "
        f"LEFT JOIN {qn(Organization._meta.db_table)} o ON o.{qn('id')} = u.{qn('scope_id')} "
        f"WHERE s.{qn('session_key')} = %s AND s.{qn('expire_date')} > %s"
    )
    return sql, users, orgs


class SessionStore(DbSessionStore):
    _stored_expiry: dt.datetime | None = None
    # The signed-in user read with the session (scope and unread count attached), or None.
    frame_user = None

    @classmethod
    def get_model_class(cls):
        from portal.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.user_id = session_user_id(data)
        return obj

    def _get_session_from_db(self):
        self.frame_user = None
        self._stored_expiry = None
        db = router.db_for_read(self.model)
        connection = connections[db]
        sql, users, orgs = _frame_query(db)
        with prepared_cursor(db) as cursor:  # planned once per connection (portal/db.py)
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session = self.model(session_key=self.session_key, session_data=row[0])
        session.expire_date = self._expire_date(row[1], connection)
        self._stored_expiry = session.expire_date
        user = users.instance(row[2 : 2 + len(users)])
        if user is not None:
            scope = orgs.instance(row[2 + len(users) : 2 + len(users) + len(orgs)])
            user._meta.get_field("scope").set_cached_value(user, scope)
            user.frame_unread_notifications = row[-1]
            self.frame_user = user
        return session

    def _expire_date(self, value, connection) -> dt.datetime:
        field = self.model._meta.get_field("expire_date")
        col = field.get_col("s")
        for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = converter(value, col, connection)
        return value

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
