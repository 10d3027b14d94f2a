"""Sessions (SECURITY.md §5): a sliding 30-minute idle timeout, an absolute lifetime counted from the sign-in,
and a deactivated user's sessions end at once."""

from __future__ import annotations

import time
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import UserSession as Session
from portal.accounts.services import user_deactivate
from portal.audit.models import AuditEvent, Event
from portal.middleware import SESSION_STARTED_KEY

from .factories import DEFAULT_PASSWORD

LOGIN = reverse("accounts:login")
WORKBENCH = reverse("workbench:home")


def signed_in(username: str, ip: str = "10.0.0.1") -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return client


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_it_configures_a_thirty_minute_sliding_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_pushes_the_idle_deadline_back_on_every_request(users):
    client = signed_in("secretary_a")
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    assert client.get(WORKBENCH).status_code == 200

    remaining = session_of(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_it_ends_a_session_idle_for_thirty_minutes(users):
    client = signed_in("secretary_a")
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(WORKBENCH)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_stamps_the_session_start_at_sign_in(users):
    before = time.time()
    client = signed_in("reviewer")

    started = session_of(client).get_decoded()[SESSION_STARTED_KEY]

    assert before <= started <= time.time()


def test_it_ends_a_session_older_than_the_absolute_lifetime_even_when_active(users, settings):
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    client = signed_in("reviewer")
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 3600 - 60
    session.save()
    old_key = session.session_key

    response = client.get(WORKBENCH)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not Session.objects.filter(session_key=old_key).exists()
    assert AuditEvent.objects.filter(event=Event.LOGOUT, user=users["reviewer"]).exists()
    page = client.get(LOGIN)
    assert "_auth_user_id" not in client.session
    assert any("session has ended" in str(m) for m in page.context["messages"])


def test_it_keeps_a_session_younger_than_the_absolute_lifetime(users):
    client = signed_in("reviewer")
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 11 * 3600
    session.save()

    assert client.get(WORKBENCH).status_code == 200


def test_it_ends_every_session_of_a_deactivated_user(users):
    phone = signed_in("secretary_a", ip="10.0.0.1")
    desktop = signed_in("secretary_a", ip="10.0.0.2")
    other = signed_in("secretary_b", ip="10.0.0.3")
    keys = {session_of(phone).pk, session_of(desktop).pk}

    user_deactivate(user=users["secretary_a"], by=users["sysadmin"])

    assert not Session.objects.filter(pk__in=keys).exists()
    for client in (phone, desktop):
        response = client.get(WORKBENCH)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    assert other.get(WORKBENCH).status_code == 200
    event = AuditEvent.objects.get(event=Event.USER_DEACTIVATE)
    assert event.user_id == users["sysadmin"].pk
    assert event.object_id == str(users["secretary_a"].pk)


def test_it_refuses_a_deactivated_user_at_sign_in(users):
    user_deactivate(user=users["secretary_a"], by=users["sysadmin"])
    client = Client()

    response = client.post(LOGIN, {"username": "secretary_a", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
