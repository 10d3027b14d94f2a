"""Cold pages for query-count tests: every cache emptied (fragments, the navbar, whole pages per user)."""

from __future__ import annotations

from django.core.cache import caches


def clear_caches() -> None:
    for alias_cache in caches.all(initialized_only=False):
        alias_cache.clear()
