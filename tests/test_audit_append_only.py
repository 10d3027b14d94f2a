"""The audit log is append-only (SECURITY.md §14, §16): the model refuses updates and deletes, the PostgreSQL
trigger refuses them from raw SQL too, a purge removes only rows past the retention period, no password is logged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.services import password_reset
from portal.audit.log import record
from portal.audit.models import AuditEvent, AuditLogError, Event

from .conftest import client_for
from .factories import DEFAULT_PASSWORD

# The DELETE guard is a PostgreSQL trigger (SQLite, the zero-setup database, guards UPDATE only); CI runs PostgreSQL.
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")


def aged(days: int, **extra) -> AuditEvent:
    return AuditEvent.objects.create(created_at=timezone.now() - timedelta(days=days), event=Event.LOGOUT, **extra)


def test_it_refuses_to_update_an_event_through_the_model(db):
    event = record(event=Event.LOGOUT, username="someone")
    event.username = "someone else"

    with pytest.raises(AuditLogError):
        event.save()
    with pytest.raises(AuditLogError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


def test_it_refuses_a_queryset_update_in_the_database(db):
    event = record(event=Event.LOGOUT, username="someone")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="forged")

    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET result = 'success' WHERE id = %s",
        "UPDATE audit_auditevent SET created_at = now() - interval '400 days' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_it_refuses_raw_sql_changes_to_a_young_event(db, statement):
    event = record(event=Event.ACCESS_DENIED, username="intruder", result="denied")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk, result="denied").exists()


@postgresql_only
def test_it_refuses_a_queryset_delete_of_young_rows(db):
    record(event=Event.LOGOUT, username="someone")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_it_lets_raw_sql_delete_only_rows_past_the_retention_period(db):
    old = aged(181)
    young = aged(179)

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])

    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_it_keeps_a_users_events_when_the_user_row_goes(users):
    user = users["staff"]
    user_pk = user.pk
    record(event=Event.LOGIN_SUCCESS, user=user)

    user.delete()  # never done by the portal (accounts are deactivated); a cascade must not reach the log

    assert AuditEvent.objects.filter(user_id=user_pk, event=Event.LOGIN_SUCCESS).count() == 1


# --- purge -----------------------------------------------------------------------------------


def test_it_refuses_a_purge_shorter_than_the_retention_period(db, settings):
    assert settings.AUDIT_RETENTION_DAYS == 180
    aged(200)

    with pytest.raises(CommandError, match="180"):
        call_command("purge_audit", "--older-than", "179")

    assert AuditEvent.objects.count() == 1


def test_it_purges_only_rows_older_than_the_given_days_and_records_the_purge(db):
    very_old = aged(400)
    old = aged(200)
    young = aged(10)

    call_command("purge_audit", "--older-than", "365")

    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert very_old.pk not in remaining
    assert {old.pk, young.pk} <= remaining
    purge = AuditEvent.objects.get(event=Event.AUDIT_PURGE)
    assert purge.detail["deleted"] == 1
    assert purge.detail["older_than_days"] == 365


def test_it_counts_without_deleting_on_a_dry_run(db):
    aged(400)

    call_command("purge_audit", "--older-than", "180", "--dry-run")

    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_it_lets_the_trigger_refuse_a_purge_when_the_setting_is_lowered(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # a mistaken configuration: the database still keeps 180 days
    aged(100)

    with pytest.raises(CommandError, match="database"):
        call_command("purge_audit", "--older-than", "30")

    assert AuditEvent.objects.count() == 1
    assert not AuditEvent.objects.filter(event=Event.AUDIT_PURGE).exists()


# --- nothing secret in the log ---------------------------------------------------------------


def test_it_masks_sensitive_keys_passed_to_record(db):
    event = record(
        event=Event.UPDATE,
        detail={"password": "Secret#1x", "changes": {"phone": ["13800138000", "13900139000"]}, "nested": {}},
    )

    dumped = json.dumps(event.detail)
    assert "Secret#1x" not in dumped
    assert "13800138000" not in dumped


def test_it_never_writes_a_password_into_the_audit_log(users, company):
    login = reverse("accounts:login")
    Client().post(login, {"username": "secretary_a", "password": "Wrong#Guess2026"})
    Client().post(login, {"username": "nobody", "password": "Unknown#Guess2026"})
    Client().post(login, {"username": "secretary_a", "password": DEFAULT_PASSWORD})
    client_for(users["reviewer"]).post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "Changed#Pass2027", "new_password2": "Changed#Pass2027"},
    )
    client_for(users["sysadmin"]).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "fresh",
            "role": "staff",
            "scope": company.committee.pk,
            "password1": "Initial#Pass2026",
            "password2": "Initial#Pass2026",
        },
    )
    temporary = password_reset(user=users["staff"], by=users["sysadmin"])

    rows = list(AuditEvent.objects.values("username", "object_repr", "detail"))
    dumped = json.dumps(rows, ensure_ascii=False)
    assert {"login.failure", "login.success", "password.change", "user.create", "password.reset"} <= set(
        AuditEvent.objects.values_list("event", flat=True)
    )
    for secret in ("Wrong#Guess2026", "Unknown#Guess2026", DEFAULT_PASSWORD, "Changed#Pass2027", "Initial#Pass2026"):
        assert secret not in dumped
    assert temporary not in dumped
    assert "pbkdf2" not in dumped and "md5$" not in dumped
