"""Prepared statements for the few queries that every signed-in page runs.

Django turns psycopg's prepared statements off (``prepare_threshold = None``) to keep transaction-pooling
proxies such as PgBouncer working, and binds parameters on the client, so PostgreSQL plans each query anew.
For the session-and-user query (``portal.sessions``) and the data fingerprint (``portal.statistics.cache``)
planning cost more than running: the fingerprint's twelve index look-ups took ~2 ms against ~0.7 ms
prepared (docs/performance.md). ``prepared_cursor()`` runs them as server-side prepared statements (planned once
per connection); settings.py sets ``prepare_threshold`` only to allow them, and every other query is unchanged
(Django's cursors bind parameters on the client and never prepare). ``DB_PREPARED_STATEMENTS=0`` turns this off (e.g. behind PgBouncer in
transaction mode). The cursor is Django's wrapper, so the queries are logged and counted as any other.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import IntegerField, Lookup

try:  # psycopg 3 (PostgreSQL); SQLite needs none of this
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # pragma: no cover - psycopg missing
    ServerBindingCursor = None


if ServerBindingCursor is not None:

    class PreparedCursor(ServerBindingCursor):
        """A server-side-binding cursor whose every statement is prepared (psycopg keeps them per connection)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    """Logs the statement's text: psycopg keeps no query text for a prepared execution."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


class ModelColumns:
    """The concrete fields of a model as ``alias.column`` SQL, and instances made from a row of them with the
    converters Django's compiler would apply (dates from SQLite, decimals …), for the hand-written queries
    above: ``sql`` goes into the SELECT list, ``instance(values)`` takes that slice of the row."""

    def __init__(self, model, alias: str, using: str = "default") -> None:
        connection = connections[using]
        self.model = model
        self.using = using
        self.fields = model._meta.concrete_fields
        self.names = [f.attname for f in self.fields]
        qn = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{qn(f.column)}" for f in self.fields)
        self.converters = []
        for field in self.fields:
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            self.converters.append((col, found))

    def __len__(self) -> int:
        return len(self.fields)

    def instance(self, values):
        if values[0] is None:  # an outer join that found nothing
            return None
        connection = connections[self.using]
        converted = []
        for value, (col, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return self.model.from_db(self.using, self.names, converted)


def prepared_cursor(using: str = "default"):
    """A cursor of ``using`` whose statements are prepared when the connection allows it, else a plain one."""
    connection = connections[using]
    if connection.vendor != "postgresql" or ServerBindingCursor is None:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    connection.validate_thread_sharing()
    cursor = PreparedCursor(raw)
    return _DebugWrapper(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class AnyOf(Lookup):
    """``field__any_of=[…]``: ``field = ANY(%s)`` with the whole list as one array parameter on PostgreSQL (an
    ``IN`` of thousands of placeholders costs more to build and send than to run: the ledgers' chunks of 2,000
    ids), a plain ``IN`` elsewhere."""

    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


IntegerField.register_lookup(AnyOf)
