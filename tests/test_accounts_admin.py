"""Account administration in the Django admin (ROLES.md, SECURITY.md §11): the system admin alone manages users;
role changes, deactivation and resets are audited; nobody deletes an account; superuser only for a system admin."""

from __future__ import annotations

import html

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.accounts.models import Role, User
from portal.accounts.models import UserSession as Session
from portal.audit.models import AuditEvent, Event, Result

from .conftest import client_for
from .factories import DEFAULT_PASSWORD

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")
LOGIN = reverse("accounts:login")


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def reset_url(user: User) -> str:
    return reverse("admin:accounts_user_reset_password", args=[user.pk])


def change_data(user: User, **overrides) -> dict:
    data = {
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "scope": user.scope_id or "",
        "member": user.member_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value not in ("", None)}


def add_data(company, **overrides) -> dict:
    data = {
        "username": "New.Secretary",
        "full_name": "王新",
        "email": "",
        "role": Role.SECRETARY,
        "scope": company.branch_a.pk,
        "password1": "Start#Pass2026",
        "password2": "Start#Pass2026",
    }
    data.update(overrides)
    return data


# --- who may enter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_key", "allowed"),
    [
        ("staff", False),
        ("secretary_a", False),
        ("reviewer", False),
        ("committee_admin", True),
        ("sysadmin", True),
        ("auditor", False),
    ],
)
def test_it_lets_only_admin_roles_into_the_admin_site(clients, users, role_key, allowed):
    request = RequestFactory().get("/admin/")
    request.user = users[role_key]

    response = clients[role_key].get(reverse("admin:index"))

    assert admin.site.has_permission(request) is allowed
    assert response.status_code == (200 if allowed else 403)
    refused = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users[role_key])
    assert refused.exists() is not allowed


def test_it_sends_visitors_through_the_portal_login(clients):
    first = clients["visitor"].get(reverse("admin:index"))
    second = clients["visitor"].get(first["Location"])

    assert first.status_code == 302
    assert second.status_code == 302
    assert second["Location"].startswith(LOGIN)
    assert "next=/admin/" in second["Location"]


def test_it_hands_the_admin_password_change_to_the_portal_page(clients):
    response = clients["sysadmin"].get(reverse("admin:password_change"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


@pytest.mark.parametrize("role_key", ["committee_admin", "auditor", "secretary_a", "staff"])
@pytest.mark.parametrize("url_name", ["changelist", "add"])
def test_it_keeps_everyone_but_the_system_admin_out_of_user_admin(clients, users, role_key, url_name):
    response = clients[role_key].get(reverse(f"admin:accounts_user_{url_name}"))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users[role_key], result=Result.DENIED).exists()


def test_it_keeps_the_committee_admin_out_of_a_user_page_and_the_reset(clients, users):
    target = users["secretary_a"]

    assert clients["committee_admin"].get(change_url(target)).status_code == 403
    assert clients["committee_admin"].post(reset_url(target)).status_code == 403
    target.refresh_from_db()
    assert target.check_password(DEFAULT_PASSWORD)


def test_it_hides_user_admin_from_the_committee_admins_index(clients):
    body = clients["committee_admin"].get(reverse("admin:index")).content.decode()

    assert CHANGELIST not in body


# --- the list --------------------------------------------------------------------------------


def test_it_lists_searches_and_filters_users_for_the_system_admin(clients, users):
    everyone = clients["sysadmin"].get(CHANGELIST)
    searched = clients["sysadmin"].get(CHANGELIST, {"q": "secretary"})
    by_role = clients["sysadmin"].get(CHANGELIST, {"role__exact": Role.REVIEWER})
    inactive = clients["sysadmin"].get(CHANGELIST, {"is_active__exact": "0"})

    assert everyone.status_code == 200
    assert {u.username for u in everyone.context["cl"].result_list} == set(users)
    assert {u.username for u in searched.context["cl"].result_list} == {"secretary_a", "secretary_b"}
    assert [u.username for u in by_role.context["cl"].result_list] == ["reviewer"]
    assert list(inactive.context["cl"].result_list) == []


# --- add -------------------------------------------------------------------------------------


def test_it_creates_a_user_who_must_change_the_password_at_first_sign_in(clients, users, company):
    response = clients["sysadmin"].post(ADD, add_data(company))

    assert response.status_code == 302
    created = User.objects.get(username="new.secretary")
    assert created.role == Role.SECRETARY
    assert created.scope == company.branch_a
    assert created.must_change_password is True
    assert created.is_staff is False
    assert created.is_superuser is False
    assert created.check_password("Start#Pass2026")
    event = AuditEvent.objects.get(event=Event.USER_CREATE)
    assert event.user_id == users["sysadmin"].pk
    assert event.detail["changes"]["role"] == [None, Role.SECRETARY]
    assert "Start#Pass2026" not in str(event.detail)

    newcomer = Client()
    newcomer.post(LOGIN, {"username": "new.secretary", "password": "Start#Pass2026"})
    assert newcomer.get(reverse("workbench:home"))["Location"] == reverse("accounts:password_change")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "SECRETARY_A"}, "username"),
        ({"username": "Ｓｅｃｒｅｔａｒｙ_ａ"}, "username"),
        ({"username": "two words"}, "username"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "New.Secretary#1", "password2": "New.Secretary#1"}, "password1"),  # contains the name
        ({"password2": "Other#Pass2026"}, "password2"),
        ({"scope": ""}, "scope"),  # a business role needs a scope
    ],
)
def test_it_refuses_a_bad_new_user_with_a_clear_message(clients, company, users, overrides, field):
    response = clients["sysadmin"].post(ADD, add_data(company, **overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert User.objects.count() == len(users)
    assert not AuditEvent.objects.filter(event=Event.USER_CREATE).exists()


def test_it_creates_an_auditor_without_a_scope(clients, company):
    response = clients["sysadmin"].post(ADD, add_data(company, username="auditor2", role=Role.AUDITOR, scope=""))

    assert response.status_code == 302
    assert User.objects.get(username="auditor2").scope is None


# --- change ----------------------------------------------------------------------------------


def test_it_audits_a_role_and_scope_change(clients, users, company):
    target = users["secretary_a"]

    response = clients["sysadmin"].post(
        change_url(target), change_data(target, role=Role.REVIEWER, scope=company.committee.pk)
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.REVIEWER
    event = AuditEvent.objects.get(event=Event.ROLE_CHANGE)
    assert event.user_id == users["sysadmin"].pk
    assert event.object_id == str(target.pk)
    assert event.detail["changes"]["role"] == [Role.SECRETARY, Role.REVIEWER]
    assert event.detail["changes"]["scope"] == [company.branch_a.name, company.committee.name]


def test_it_gives_admin_site_access_with_the_committee_admin_role(clients, users):
    target = users["reviewer"]

    clients["sysadmin"].post(change_url(target), change_data(target, role=Role.COMMITTEE_ADMIN))

    target.refresh_from_db()
    assert target.is_staff is True
    assert AuditEvent.objects.get(event=Event.ROLE_CHANGE).detail["changes"]["is_staff"] == [False, True]


def test_it_audits_a_plain_change_separately(clients, users):
    target = users["staff"]

    clients["sysadmin"].post(change_url(target), change_data(target, full_name="改名"))

    event = AuditEvent.objects.get(event=Event.USER_UPDATE)
    assert event.detail["changes"]["full_name"] == [users["staff"].full_name, "改名"]
    assert not AuditEvent.objects.filter(event=Event.ROLE_CHANGE).exists()


def test_it_deactivates_through_the_form_and_ends_the_sessions(clients, users):
    target = users["secretary_b"]
    victim = client_for(target)
    key = victim.cookies["sessionid"].value

    response = clients["sysadmin"].post(change_url(target), change_data(target, is_active=""))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active is False
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(event=Event.USER_DEACTIVATE, object_id=str(target.pk)).exists()


def test_it_deactivates_with_the_list_action(clients, users):
    response = clients["sysadmin"].post(
        CHANGELIST,
        {"action": "deactivate_users", "_selected_action": [users["staff"].pk, users["sysadmin"].pk]},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=users["staff"].pk).is_active is False
    assert User.objects.get(pk=users["sysadmin"].pk).is_active is True  # never oneself


def test_it_does_not_let_a_system_admin_change_their_own_role(clients, users):
    me = users["sysadmin"]

    clients["sysadmin"].post(change_url(me), change_data(me, role=Role.AUDITOR, is_active=""))

    me.refresh_from_db()
    assert me.role == Role.SYSADMIN
    assert me.is_active is True


# --- no delete -------------------------------------------------------------------------------


def test_it_never_deletes_an_account(clients, users):
    target = users["staff"]

    page = clients["sysadmin"].get(reverse("admin:accounts_user_delete", args=[target.pk]))
    action = clients["sysadmin"].post(CHANGELIST, {"action": "delete_selected", "_selected_action": [target.pk]})
    listing = clients["sysadmin"].get(CHANGELIST)

    assert page.status_code == 403
    assert User.objects.filter(pk=target.pk).exists()
    assert action.status_code in (200, 302)
    assert "delete_selected" not in dict(listing.context["action_form"].fields["action"].choices)


# --- password reset --------------------------------------------------------------------------


def test_it_resets_a_password_by_post_only_and_shows_it_once(clients, users):
    target = users["secretary_a"]
    confirm = clients["sysadmin"].get(reset_url(target))
    target.refresh_from_db()
    assert confirm.status_code == 200
    assert target.check_password(DEFAULT_PASSWORD)  # GET changes nothing

    done = clients["sysadmin"].post(reset_url(target))

    assert done.status_code == 200
    [(shown_user, temporary)] = done.context["results"]
    assert shown_user == target
    assert html.escape(temporary) in done.content.decode()
    target.refresh_from_db()
    assert target.check_password(temporary)
    assert target.must_change_password is True
    event = AuditEvent.objects.get(event=Event.PASSWORD_RESET)
    assert event.user_id == users["sysadmin"].pk
    assert event.object_id == str(target.pk)
    assert temporary not in str(event.detail)


def test_it_offers_the_reset_button_on_the_change_page(clients, users):
    body = clients["sysadmin"].get(change_url(users["secretary_a"])).content.decode()

    assert reset_url(users["secretary_a"]) in body


def test_it_resets_several_passwords_with_the_list_action_and_ends_a_lockout(clients, users):
    AccessAttempt.objects.create(
        username="staff", ip_address="10.0.0.1", user_agent="x", failures_since_start=5, get_data="", post_data=""
    )

    response = clients["sysadmin"].post(
        CHANGELIST,
        {"action": "reset_passwords", "_selected_action": [users["staff"].pk, users["reviewer"].pk]},
    )

    assert response.status_code == 200
    results = dict(response.context["results"])
    assert set(results) == {users["staff"], users["reviewer"]}
    assert len(set(results.values())) == 2
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert AuditEvent.objects.filter(event=Event.PASSWORD_RESET).count() == 2


def test_it_does_not_reset_the_admins_own_password(clients, users):
    response = clients["sysadmin"].post(reset_url(users["sysadmin"]))

    users["sysadmin"].refresh_from_db()
    assert response.status_code == 302
    assert users["sysadmin"].check_password(DEFAULT_PASSWORD)


# --- superuser -------------------------------------------------------------------------------


def test_it_refuses_superuser_status_for_any_role_but_system_admin(users):
    root = users["sysadmin"]
    root.is_superuser = True
    root.save()
    target = users["reviewer"]

    response = client_for(root).post(change_url(target), change_data(target, is_superuser="on"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "is_superuser" in errors
    assert "system admin" in str(errors["is_superuser"])
    target.refresh_from_db()
    assert target.is_superuser is False


def test_it_lets_a_superuser_make_another_system_admin_superuser(users, company):
    root = users["sysadmin"]
    root.is_superuser = True
    root.save()
    client = client_for(root)
    client.post(ADD, add_data(company, username="sysadmin2", role=Role.SYSADMIN, scope=""))
    second = User.objects.get(username="sysadmin2")

    response = client.post(change_url(second), change_data(second, is_superuser="on"))

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.is_superuser is True
    assert AuditEvent.objects.get(event=Event.ROLE_CHANGE).detail["changes"]["is_superuser"] == [False, True]


def test_it_ignores_superuser_status_posted_by_a_system_admin_who_is_not_superuser(clients, users):
    target = users["sysadmin"]
    other = User.objects.create_user("sysadmin3", "Other#Pass2026", role=Role.SYSADMIN)

    clients["sysadmin"].post(change_url(other), change_data(other, is_superuser="on"))

    other.refresh_from_db()
    assert other.is_superuser is False
    assert target.is_superuser is False


def test_it_refuses_a_superuser_who_is_not_a_system_admin_in_the_database(users):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=users["committee_admin"].pk).update(is_superuser=True)


# --- sign-in records and the audit log -------------------------------------------------------


def test_it_shows_sign_in_records_read_only_to_the_system_admin_only(clients):
    attempts = reverse("admin:axes_accessattempt_changelist")

    assert clients["sysadmin"].get(attempts).status_code == 200
    assert clients["sysadmin"].get(reverse("admin:axes_accessattempt_add")).status_code == 403
    assert clients["sysadmin"].get(reverse("admin:axes_accesslog_changelist")).status_code == 200
    assert clients["committee_admin"].get(attempts).status_code == 403


def test_it_keeps_the_audit_log_out_of_the_admin():
    from portal.audit.models import AuditEvent as Model

    assert not admin.site.is_registered(Model)
