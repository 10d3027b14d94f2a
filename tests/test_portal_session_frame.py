"""The signed-in frame (portal.sessions, portal.accounts.backends, portal.middleware): the session, its user, the
user's scope and unread count come from one query, the ``user`` column of the session row is kept right, and
Django's checks still apply (ended sessions, changed passwords, inactive accounts, expired sessions)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.backends import SessionUserBackend, session_user
from portal.accounts.models import User, UserSession
from portal.workbench.models import Notification

from .conftest import client_for
from .factories import DEFAULT_PASSWORD

WORKBENCH = reverse("workbench:home")
LOGIN = reverse("accounts:login")
BADGE = re.compile(r'data-testid="unread-badge">(\d+)<')


def _key(client: Client) -> str:
    return client.cookies["sessionid"].value


def _row(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=_key(client))


def _captured(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_it_reads_session_user_scope_and_unread_count_in_one_query(clients, users):
    for key, user in users.items():
        client = clients[key]
        client.get(WORKBENCH)  # the first request stores the session's start: a write, not the subject here

        page = _captured(client, WORKBENCH)
        health = _captured(client, "/healthz")

        frame = [sql for sql in page if "accounts_session" in sql or "accounts_user" in sql]
        assert len(frame) == 1, (key, frame)
        assert "accounts_user" in frame[0] and "branches_organization" in frame[0]
        assert "workbench_notification" in frame[0]
        assert not [sql for sql in page if 'FROM "accounts_user"' in sql], key
        unread_counts = [
            sql for sql in page if "COUNT(" in sql and "workbench_notification" in sql and "read_at" in sql
        ]
        assert unread_counts == frame, key  # the badge's count is the frame's
        if user.scope_id is not None:
            # What ``user.scope`` would run if the frame had not attached it.
            scope_fetch = f'FROM "branches_organization" WHERE "branches_organization"."id" = {user.scope_id} LIMIT 21'
            assert not [sql for sql in page if sql.startswith('SELECT "branches_organization"') and scope_fetch in sql]
        # A page that needs nothing else: the frame and the view's own query, nothing more.
        assert len(health) == 2, (key, health)
        assert "accounts_session" in health[0] and "accounts_user" in health[0] and health[1] == "SELECT 1"


def test_it_keeps_the_user_column_after_a_real_sign_in_and_after_force_login(users):
    user = users["secretary_a"]
    client = Client()
    response = client.post(LOGIN, {"username": "secretary_a", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 302
    assert _row(client).user_id == user.pk
    assert client.get(WORKBENCH).wsgi_request.user.pk == user.pk

    forced = client_for(users["reviewer"])
    assert _row(forced).user_id == users["reviewer"].pk

    # The own password change cycles the key (update_session_auth_hash): the new row still names the user.
    before = _key(client)
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "Neu#Kennwort2026x", "new_password2": "Neu#Kennwort2026x"},
    )
    assert changed.status_code == 302
    assert _key(client) != before
    assert _row(client).user_id == user.pk
    assert client.get(WORKBENCH).status_code == 200

    # Signing out leaves no row of this user behind.
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=user).exists()


def test_it_ends_only_the_deactivated_users_sessions(users):
    target, other = users["secretary_a"], users["secretary_b"]
    target_clients = [client_for(target), client_for(target)]
    other_client = client_for(other)
    assert UserSession.objects.filter(user=target).count() == 2

    account_services.user_deactivate(user=target, by=users["sysadmin"])

    assert not UserSession.objects.filter(user=target).exists()
    assert _row(other_client).user_id == other.pk
    assert other_client.get(WORKBENCH).status_code == 200
    assert all(_is_login_redirect(c.get(WORKBENCH)) for c in target_clients)


def test_end_sessions_deletes_the_users_rows_and_counts_them(users):
    target, other = users["reviewer"], users["committee_admin"]
    client_for(target), client_for(target), client_for(target)
    kept = client_for(other)

    assert account_services.end_sessions(user=target) == 3

    assert not UserSession.objects.filter(user=target).exists()
    assert UserSession.objects.filter(user=other).count() == 1
    assert kept.get(WORKBENCH).status_code == 200


def test_a_password_changed_elsewhere_signs_the_session_out(users):
    user = users["secretary_a"]
    client = client_for(user)
    assert client.get(WORKBENCH).status_code == 200
    key = _key(client)

    stored = User.objects.get(pk=user.pk)
    stored.set_password("Anderes#Kennwort2026")
    stored.save()
    response = client.get(WORKBENCH)

    assert _is_login_redirect(response)
    assert response.wsgi_request.user.is_anonymous
    assert not UserSession.objects.filter(session_key=key).exists()  # flushed by django.contrib.auth.get_user


def test_a_deactivated_account_with_its_session_left_is_anonymous(users):
    user = users["committee_admin"]
    client = client_for(user)
    assert client.get(WORKBENCH).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)  # sessions not ended
    response = client.get(WORKBENCH)

    assert UserSession.objects.filter(user=user).exists()
    assert _is_login_redirect(response)
    assert response.wsgi_request.user.is_anonymous


def test_the_backend_takes_the_frame_user_only_for_its_own_id(users):
    backend = SessionUserBackend()
    user, other = users["secretary_a"], users["secretary_b"]
    frame = User(pk=user.pk, username=user.username, full_name="读自会话", role=user.role, is_active=True)

    with session_user(frame), CaptureQueriesContext(connection) as ctx:
        assert backend.get_user(user.pk) is frame
        assert backend.get_user(str(user.pk)) is frame  # the session keeps the id as a string
    assert ctx.captured_queries == []

    with session_user(frame):
        different = backend.get_user(other.pk)
    assert different is not frame and different.pk == other.pk and different.full_name == other.full_name

    outside = backend.get_user(user.pk)
    assert outside is not frame and outside.full_name == user.full_name

    with session_user(None):
        assert backend.get_user(user.pk).full_name == user.full_name

    frame.is_active = False
    with session_user(frame):
        assert backend.get_user(user.pk) is None


def test_the_frame_carries_the_unread_count(users):
    user = users["secretary_a"]
    notes = Notification.objects.bulk_create([Notification(recipient=user, text=f"通知{n}") for n in range(4)])
    Notification.objects.filter(pk=notes[0].pk).update(read_at=timezone.now())
    Notification.objects.create(recipient=users["secretary_b"], text="别人的通知")
    client = client_for(user)

    response = client.get(WORKBENCH)

    assert response.wsgi_request.user.frame_unread_notifications == 3
    assert BADGE.findall(response.content.decode()) == ["3"]

    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    response = client.get(WORKBENCH)
    assert response.wsgi_request.user.frame_unread_notifications == 0
    assert 'data-testid="unread-badge"' not in response.content.decode()


def test_an_expired_session_is_anonymous(users):
    client = client_for(users["reviewer"])
    assert client.get(WORKBENCH).status_code == 200

    UserSession.objects.filter(session_key=_key(client)).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(WORKBENCH)

    assert _is_login_redirect(response)
    assert response.wsgi_request.user.is_anonymous
    assert SESSION_KEY not in response.wsgi_request.session
