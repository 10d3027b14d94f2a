"""portal.sessions: the sliding idle deadline is written at most once a minute, data changes at once."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import UserSession as Session
from portal.sessions import REFRESH_SECONDS, SessionStore

URL = "/workbench/"


def _session(client) -> Session:
    return Session.objects.get(pk=client.cookies["sessionid"].value)


def _writes(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "accounts_session" in q["sql"])


def test_it_does_not_rewrite_a_deadline_written_less_than_a_minute_ago(clients):
    client = clients["secretary_a"]
    client.get(URL)
    assert _writes(client) == 0


def test_it_pushes_back_a_deadline_more_than_a_minute_short(clients, settings):
    client = clients["secretary_a"]
    client.get(URL)
    short = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - REFRESH_SECONDS - 5)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=short)
    assert _writes(client) == 1
    remaining = _session(client).expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)


def test_it_writes_changed_data_at_once(db):
    store = SessionStore()
    store["a"] = 1
    store.create()
    again = SessionStore(session_key=store.session_key)
    assert again["a"] == 1
    again["a"] = 2
    again.save()
    assert SessionStore(session_key=store.session_key)["a"] == 2
