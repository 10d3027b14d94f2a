"""Sign-in (SECURITY.md §1, §3, §5): redirect and audit, one message for every failure, lockout by name and by
address with a cool-off, a new session key, POST-only logout, user names unique after NFKC + case-folding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.accounts.models import UserSession as Session
from portal.audit.models import AuditEvent, Event, Result

from .factories import DEFAULT_PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WORKBENCH = reverse("workbench:home")


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_it_signs_in_redirects_to_the_workbench_and_audits_it(users):
    client = Client()

    response = sign_in(client, "secretary_a", DEFAULT_PASSWORD, ip="10.1.2.3")

    assert response.status_code == 302
    assert response["Location"] == WORKBENCH
    assert signed_in_user_id(client) == str(users["secretary_a"].pk)
    event = AuditEvent.objects.get(event=Event.LOGIN_SUCCESS)
    assert event.user_id == users["secretary_a"].pk
    assert event.username == "secretary_a"
    assert event.ip_address == "10.1.2.3"
    assert event.result == Result.SUCCESS
    assert len(event.request_id) == 32
    assert response["X-Request-ID"] == event.request_id


def test_it_gives_one_message_for_an_unknown_user_a_wrong_password_and_an_inactive_account(users):
    users["staff"].is_active = False
    users["staff"].save()

    wrong = sign_in(Client(), "secretary_a", "Wrong#Pass2026", ip="10.0.0.1")
    unknown = sign_in(Client(), "nobody_here", "Wrong#Pass2026", ip="10.0.0.2")
    inactive = sign_in(Client(), "staff", DEFAULT_PASSWORD, ip="10.0.0.3")

    messages = [r.context["form"].non_field_errors() for r in (wrong, unknown, inactive)]
    assert all(r.status_code == 200 for r in (wrong, unknown, inactive))
    assert messages[0] == messages[1] == messages[2]
    assert len(messages[0]) == 1
    failures = AuditEvent.objects.filter(event=Event.LOGIN_FAILURE).order_by("id")
    assert [f.username for f in failures] == ["secretary_a", "nobody_here", "staff"]
    assert {f.result for f in failures} == {Result.FAILURE}


def test_it_locks_a_user_name_out_after_five_failures_from_any_address(users):
    for n in range(4):
        assert sign_in(Client(), "secretary_a", "Wrong#Pass2026", ip=f"10.0.1.{n}").status_code == 200

    fifth = sign_in(Client(), "secretary_a", "Wrong#Pass2026", ip="10.0.1.4")
    client = Client()
    right_password = sign_in(client, "secretary_a", DEFAULT_PASSWORD, ip="10.0.1.5")

    assert fifth.status_code == 429
    assert right_password.status_code == 429
    assert 'data-testid="locked-out"' in right_password.content.decode()
    assert signed_in_user_id(client) is None
    # Another user signs in from one of the same addresses (the addresses themselves are not locked).
    assert sign_in(Client(), "reviewer", DEFAULT_PASSWORD, ip="10.0.1.0").status_code == 302


def test_it_locks_an_address_out_after_five_failures_with_different_user_names(users):
    for n in range(5):
        sign_in(Client(), f"guess{n}", "Wrong#Pass2026", ip="10.9.9.9")

    same_address = sign_in(Client(), "staff", DEFAULT_PASSWORD, ip="10.9.9.9")
    other_address = sign_in(Client(), "staff", DEFAULT_PASSWORD, ip="10.9.9.10")

    assert same_address.status_code == 429
    assert other_address.status_code == 302


def test_it_renders_the_lockout_page_in_a_chinese_capable_template(users):
    for n in range(5):
        sign_in(Client(), "reviewer", "Wrong#Pass2026", ip=f"10.0.2.{n}")

    response = Client().post(
        LOGIN, {"username": "reviewer", "password": "x"}, REMOTE_ADDR="10.0.2.9", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    body = response.content.decode()
    assert response.status_code == 429
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-hans">' in body
    assert '<meta charset="utf-8">' in body
    assert "10" in body  # the cool-off in minutes
    assert reverse("accounts:login") in body


def test_it_audits_the_lockout(users):
    for n in range(5):
        sign_in(Client(), "secretary_b", "Wrong#Pass2026", ip=f"10.0.3.{n}")

    lockout = AuditEvent.objects.filter(event=Event.LOGIN_LOCKOUT).first()

    assert lockout is not None
    assert lockout.username == "secretary_b"
    assert lockout.ip_address == "10.0.3.4"
    assert lockout.result == Result.DENIED


def test_it_lets_the_user_in_again_after_the_cool_off_and_never_locks_for_good(users, settings):
    assert timedelta(minutes=10) == settings.AXES_COOLOFF_TIME
    for n in range(5):
        sign_in(Client(), "secretary_a", "Wrong#Pass2026", ip=f"10.0.4.{n}")

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=9))
    still_locked = sign_in(Client(), "secretary_a", DEFAULT_PASSWORD, ip="10.0.4.9")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=11))
    client = Client()
    after_cool_off = sign_in(client, "secretary_a", DEFAULT_PASSWORD, ip="10.0.4.9")

    assert still_locked.status_code == 429
    assert after_cool_off.status_code == 302
    assert signed_in_user_id(client) == str(users["secretary_a"].pk)
    assert not AccessAttempt.objects.filter(username="secretary_a").exists()  # reset on success


def test_it_gives_a_new_session_key_at_sign_in(users):
    client = Client()
    anonymous = client.session
    anonymous["probe"] = "before sign-in"
    anonymous.save()
    client.cookies["sessionid"] = anonymous.session_key
    old_key = anonymous.session_key

    sign_in(client, "secretary_a", DEFAULT_PASSWORD)

    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert Session.objects.get(session_key=new_key).get_decoded()["_auth_user_id"] == str(users["secretary_a"].pk)


def test_it_signs_out_by_post_only_and_ends_the_server_session(users):
    client = Client()
    sign_in(client, "secretary_a", DEFAULT_PASSWORD)
    key = client.cookies["sessionid"].value

    by_get = client.get(LOGOUT)
    still_in = client.get(WORKBENCH)
    by_post = client.post(LOGOUT)
    after = client.get(WORKBENCH)

    assert by_get.status_code == 405
    assert still_in.status_code == 200
    assert by_post.status_code == 302
    assert by_post["Location"] == LOGIN
    assert not Session.objects.filter(session_key=key).exists()
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(event=Event.LOGOUT, user=users["secretary_a"]).count() == 1


def test_it_signs_in_with_a_full_width_or_upper_case_spelling_of_the_name(users):
    full_width = Client()
    upper = Client()

    sign_in(full_width, "Ｓecretary_Ａ", DEFAULT_PASSWORD)
    sign_in(upper, " SECRETARY_A ", DEFAULT_PASSWORD, ip="10.0.0.2")

    assert signed_in_user_id(full_width) == str(users["secretary_a"].pk)
    assert signed_in_user_id(upper) == str(users["secretary_a"].pk)


def test_it_counts_look_alike_spellings_against_the_same_lockout(users):
    spellings = ["secretary_a", "SECRETARY_A", "Ｓｅｃｒｅｔａｒｙ＿ａ", "Secretary_A", "secretary_A"]
    for n, spelling in enumerate(spellings):
        sign_in(Client(), spelling, "Wrong#Pass2026", ip=f"10.0.5.{n}")

    response = sign_in(Client(), "secretary_a", DEFAULT_PASSWORD, ip="10.0.5.9")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"secretary_a"}


def test_it_refuses_a_user_name_that_differs_only_by_case_or_width(users, company):
    for spelling in ("SECRETARY_A", "ｓｅｃｒｅｔａｒｙ_ａ"):
        with pytest.raises(ValidationError) as refused:
            User.objects.create_user(spelling, DEFAULT_PASSWORD, role=Role.STAFF, scope=company.committee)
        assert "username" in refused.value.message_dict


def test_it_refuses_a_case_variant_in_the_database_too(users, company):
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypasses clean() and the manager: the case-insensitive unique constraint still holds.
        User.objects.create(username="SECRETARY_A", role=Role.STAFF, scope=company.committee)
