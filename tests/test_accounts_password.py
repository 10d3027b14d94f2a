"""Password rules and forced changes (SECURITY.md §2): composition, length, context and common words, history,
the change page, and the change forced at first sign-in, after an admin reset and after 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.services import generate_temporary_password, password_reset, password_set
from portal.audit.models import AuditEvent, Event

from .conftest import client_for
from .factories import DEFAULT_PASSWORD, UserFactory

CHANGE = reverse("accounts:password_change")
WORKBENCH = reverse("workbench:home")
LOGIN = reverse("accounts:login")


def refusal_codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


# --- validators -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Kq7!mzp", "password_too_short"),  # 7 characters
        ("kq7mzpwx", "password_too_simple"),  # two classes: lower-case and digits
        ("KQMZPWXT", "password_too_simple"),  # one class
        ("Kq7!" + "mzpwxt" * 21, "password_too_long"),  # 130 characters
        ("P@ssw0rd", "password_too_common"),
        ("Redengine#2026", "password_context_word"),
        ("My-Party-99", "password_context_word"),
    ],
)
def test_it_refuses_passwords_that_break_a_rule(db, password, code):
    assert code in refusal_codes(password)


@pytest.mark.parametrize(
    "password",
    [
        "Kq7!mzpw",  # exactly 8, four classes
        "kq7!mzpw",  # three classes: lower-case, digit, symbol
        "Kq7!" + "mzpwxtv" * 17 + "z",  # exactly 128 characters
        "红色Kq7!mzpw工程",  # non-ASCII characters count as symbols
    ],
)
def test_it_accepts_passwords_that_keep_the_rules(db, password):
    assert refusal_codes(password) == set()


def test_it_refuses_the_user_name_inside_the_password(users):
    assert "password_context_word" in refusal_codes("Xsecretary_a#9", users["secretary_a"])
    assert refusal_codes("Xsecretary_a#9", users["reviewer"]) == set()


def test_it_refuses_the_last_five_passwords_and_accepts_the_sixth_oldest(users):
    user = users["staff"]
    passwords = [f"Rotation#{n}Kq" for n in range(1, 7)]
    for password in passwords:
        password_set(user=user, raw_password=password, by=user)
    user.refresh_from_db()

    for recent in passwords[1:]:
        assert refusal_codes(recent, user) == {"password_reused"}, recent
    assert refusal_codes(passwords[0], user) == set()
    assert user.password_history.count() == 5


def test_it_generates_temporary_passwords_that_keep_every_rule(users):
    user = users["secretary_a"]

    generated = [generate_temporary_password(user=user) for _ in range(50)]

    assert len(set(generated)) == 50
    for password in generated:
        assert len(password) == 14
        assert refusal_codes(password, user) == set(), password
        assert not set(password) & set("&<>\"'l1IO0o")


# --- the change page ------------------------------------------------------------------------


def post_change(client: Client, old: str, new: str):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_it_changes_the_password_and_clears_the_forced_change(users):
    user = users["secretary_a"]
    user.must_change_password = True
    user.save()
    client = client_for(user)
    before = user.password_changed_at

    response = post_change(client, DEFAULT_PASSWORD, "Fresh#Pass2027")

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == WORKBENCH
    assert user.check_password("Fresh#Pass2027")
    assert user.must_change_password is False
    assert user.password_changed_at > before
    assert client.get(WORKBENCH).status_code == 200  # the session survives the change


def test_it_audits_the_change_without_the_password(users):
    user = users["reviewer"]

    post_change(client_for(user), DEFAULT_PASSWORD, "Fresh#Pass2027")

    event = AuditEvent.objects.get(event=Event.PASSWORD_CHANGE)
    assert event.user_id == user.pk
    assert event.object_id == str(user.pk)
    dumped = str(event.detail) + event.object_repr
    assert "Fresh#Pass2027" not in dumped
    assert DEFAULT_PASSWORD not in dumped


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("Wrong#Pass2026", "Fresh#Pass2027", "old_password"),
        (DEFAULT_PASSWORD, DEFAULT_PASSWORD, "new_password2"),  # the current one is reused
        (DEFAULT_PASSWORD, "short1A", "new_password2"),
    ],
)
def test_it_keeps_the_password_when_the_change_is_refused(users, old, new, field):
    user = users["staff"]
    response = post_change(client_for(user), old, new)

    user.refresh_from_db()
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert user.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(event=Event.PASSWORD_CHANGE).exists()


# --- forced changes -------------------------------------------------------------------------


def assert_forced(client: Client) -> None:
    for url in (WORKBENCH, reverse("audit:event_list"), reverse("admin:index"), "/"):
        response = client.get(url, follow=False)
        assert response.status_code == 302, url
        if url != "/":
            assert response["Location"] == CHANGE, url
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert page.context["forced"] is True


def test_it_forces_a_change_at_the_first_sign_in(company):
    user = UserFactory(username="newcomer", must_change_password=True, scope=company.branch_a)
    client = Client()

    response = client.post(LOGIN, {"username": "newcomer", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert_forced(client)
    post_change(client, DEFAULT_PASSWORD, "Fresh#Pass2027")
    assert client.get(WORKBENCH).status_code == 200
    user.refresh_from_db()
    assert user.must_change_password is False


def test_it_forces_a_change_after_an_admin_reset(users):
    temporary = password_reset(user=users["secretary_b"], by=users["sysadmin"])
    client = Client()

    response = client.post(LOGIN, {"username": "secretary_b", "password": temporary})

    assert response.status_code == 302
    assert_forced(client)
    assert post_change(client, temporary, "Fresh#Pass2027").status_code == 302
    assert client.get(WORKBENCH).status_code == 200


def test_it_forces_a_change_after_ninety_days(users, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    user = users["reviewer"]
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    client = client_for(user)

    assert_forced(client)
    settings.PASSWORD_MAX_AGE_DAYS = 120  # configurable
    assert client.get(WORKBENCH).status_code == 200


def test_it_does_not_force_a_change_at_eighty_nine_days(users):
    user = users["reviewer"]
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()

    assert client_for(user).get(WORKBENCH).status_code == 200


def test_it_still_lets_a_forced_user_sign_out(users):
    user = users["staff"]
    user.must_change_password = True
    user.save()
    client = client_for(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
