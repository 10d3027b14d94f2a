"""Cached statistics that are never stale: the key holds a fingerprint of the data.

``fingerprint()`` is ONE cheap query (maxima read from indexes: primary keys, and ``updated_at`` indexed by
this app's migration 0001) over everything the figures read: any insert (a higher id), any saved project,
member or organization (``updated_at``) and any change made by a service (every service writes an audit
row: a higher audit id) gives a new fingerprint, hence a new cache key; the old entry is never read again
and expires. Deletes: projects that the figures count cannot be deleted (their transitions protect them),
and team rows are replaced, never only deleted, by the audited project services.
The key also holds the scope, the year, today's date (the "as of today" figures) and, for rendered
fragments, the language. The cache is Django's (``CACHES``; LocMemCache per process by default): as the
fingerprint is read from the database on every request, each process sees a change at its next request.
See docs/decisions.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from portal.db import prepared_cursor
from portal.pagecache import CSRF_SLOT, fill_csrf, request_token  # noqa: F401 (the fragments' helpers)
from portal.statistics.selectors import compute

TIMEOUT = 60 * 60  # an entry is found again only while the data is unchanged; one hour bounds the memory

# (table, expression): every one an index lookup (primary keys; updated_at indexed by migration 0001).
_PARTS = (
    ("projects_project", "max(id)"),
    ("projects_project", "max(updated_at)"),
    ("projects_teammember", "max(id)"),
    ("projects_result", "max(id)"),
    ("projects_progressreport", "max(id)"),
    ("projects_finding", "max(id)"),
    ("branches_member", "max(id)"),
    ("branches_member", "max(updated_at)"),
    ("branches_organization", "max(id)"),
    ("branches_organization", "max(updated_at)"),
    ("honors_nomination", "max(id)"),
    ("audit_auditevent", "max(id)"),
)


def expression() -> str:
    """The data's state as one SQL text value (PostgreSQL and SQLite): the maxima joined with commas."""
    parts = (f"COALESCE(CAST((SELECT {expr} FROM {table}) AS TEXT), '-')" for table, expr in _PARTS)  # noqa: S608
    return " || ',' || ".join(parts)


def digest(state: str) -> str:
    """The fingerprint of a state read with ``expression()``."""
    return hashlib.blake2b(str(state).encode(), digest_size=10).hexdigest()


def fingerprint() -> str:
    """A short digest of the data's state, from one query."""
    with prepared_cursor() as cursor:  # planned once per connection (portal/db.py)
        cursor.execute(f"SELECT {expression()}")  # noqa: S608 (constants only)
        row = cursor.fetchone()
    return digest(row[0])


def key(*parts: Any) -> str:
    return "statistics:" + ":".join(str(p) for p in parts)


def figures(scope_path: str | None, year: int, *, stamp: str, today: dt.date | None = None) -> dict[str, Any]:
    """The figures for (scope, year) from the cache, computed on a miss."""
    today = today or timezone.localdate()
    cache_key = key("figures", scope_path or "all", year, today.isoformat(), stamp)
    found = cache.get(cache_key)
    if found is None:
        found = compute(scope_path, year, today=today)
        cache.set(cache_key, found, TIMEOUT)
    return found


def cached(cache_key: str, build) -> Any:
    """A value (e.g. a rendered fragment) from the cache, built on a miss; callers put the stamp in the key."""
    found = cache.get(cache_key)
    if found is None:
        found = build()
        cache.set(cache_key, found, TIMEOUT)
    return found


def render_fragment(template_name: str, context: dict[str, Any], request=None) -> str:
    """A template rendered without the context processors (a fragment of a page, to be cached): the request
    is attached for tags that read it (``{% querystring %}``); ``{% csrf_token %}`` renders ``CSRF_SLOT``, to be
    replaced by ``fill_csrf`` each time the fragment is served."""
    from django.template import Context
    from django.template.loader import get_template

    ctx = Context({"csrf_token": CSRF_SLOT, **context}, autoescape=True)
    ctx.request = request
    return get_template(template_name).template.render(ctx)


def page_fragment(*parts: Any, build) -> Any:
    """A user-independent part of a page, cached under ``parts`` (which must hold the stamp, what the part's
    content depends on, e.g. the user's role and scope, and the language) and built on a miss."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return cached(key("fragment", digest), build)
