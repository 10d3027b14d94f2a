"""The auditor's pages (ROLES.md 三员分立, SECURITY.md §12–13): the audit log with filters, times in Asia/Shanghai,
a constant number of queries, and one object's history; everybody else gets 403."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent, Event, Result
from portal.permissions import can

from .factories import MemberFactory

URL = reverse("audit:event_list")
HISTORY = reverse("audit:object_history")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def make_event(**fields) -> AuditEvent:
    fields.setdefault("event", Event.LOGIN_SUCCESS)
    return AuditEvent.objects.create(**fields)


def listed(response) -> list[AuditEvent]:
    return [event for event, _lines in response.context["rows"]]


@pytest.mark.parametrize("role_key", ["staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin"])
@pytest.mark.parametrize("url", [URL, HISTORY + "?type=branches.member&id=1"])
def test_it_refuses_everyone_but_the_auditor(clients, users, role_key, url):
    response = clients[role_key].get(url)

    assert response.status_code == 403
    refusal = AuditEvent.objects.get(event=Event.ACCESS_DENIED, user=users[role_key])
    assert refusal.detail["action"] == "audit.view"


@pytest.mark.parametrize("url", [URL, HISTORY])
def test_it_sends_a_visitor_to_sign_in(clients, url):
    response = clients["visitor"].get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_gives_the_auditor_the_audit_log_and_nothing_else(users):
    auditor = users["auditor"]

    assert can(auditor, "audit.view")
    for action in ("member.list", "organization.list", "admin.site", "admin.accounts", "admin.security"):
        assert not can(auditor, action), action


def test_it_shows_every_column_of_an_event_with_time_in_shanghai(clients, users):
    make_event(
        created_at=dt.datetime(2026, 3, 1, 15, 30, 5, tzinfo=UTC),  # 23:30:05 in Shanghai
        user=users["sysadmin"],
        username="sysadmin",
        ip_address="10.20.30.40",
        request_id="abc123def456",
        event=Event.ROLE_CHANGE,
        result=Result.SUCCESS,
        object_type="accounts.user",
        object_id=str(users["reviewer"].pk),
        object_repr="审核人 (reviewer)",
        detail={"changes": {"role": ["reviewer", "committee_admin"]}},
    )

    response = clients["auditor"].get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-03-01 23:30:05" in body
    assert "sysadmin" in body
    assert users["sysadmin"].full_name in body
    assert "10.20.30.40" in body
    assert str(Event.ROLE_CHANGE.label) in body
    assert "审核人 (reviewer)" in body
    assert "abc123def456" in body
    assert "committee_admin" in body and "<del" in body
    assert f"?type=accounts.user&amp;id={users['reviewer'].pk}" in body


def test_it_filters_by_local_date_range(clients):
    late_evening = make_event(created_at=dt.datetime(2026, 3, 1, 15, 30, tzinfo=UTC))  # 1 March 23:30 Shanghai
    next_morning = make_event(created_at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))  # 2 March 00:30 Shanghai

    first = clients["auditor"].get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    second = clients["auditor"].get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-31"})
    until = clients["auditor"].get(URL, {"date_to": "2026-03-01"})

    assert listed(first) == [late_evening]
    assert listed(second) == [next_morning]
    assert listed(until) == [late_evening]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"username": "SECRET"}, {"a"}),
        ({"username": "审计"}, {"b"}),  # the user's full name
        ({"event": Event.LOGIN_FAILURE}, {"b"}),
        ({"result": Result.DENIED}, {"c"}),
        ({"object_type": "branches.member"}, {"c"}),
        ({"ip_address": "192.168."}, {"b", "c"}),
        ({"ip_address": "10.0.0.7"}, {"a"}),
        ({"q": "张甲"}, {"c"}),
        ({"q": "req-aaaa"}, {"a"}),
        ({"event": Event.LOGIN_FAILURE, "ip_address": "10."}, set()),
        ({}, {"a", "b", "c"}),
    ],
)
def test_it_filters_events(clients, users, company, params, expected):
    users["auditor"].full_name = "审计员甲"
    users["auditor"].save()
    rows = {
        "a": make_event(username="secretary_a", ip_address="10.0.0.7", request_id="reqaaaa"),
        "b": make_event(
            user=users["auditor"],
            username="auditor",
            event=Event.LOGIN_FAILURE,
            result=Result.FAILURE,
            ip_address="192.168.1.2",
        ),
        "c": make_event(
            username="reviewer",
            event=Event.ACCESS_DENIED,
            result=Result.DENIED,
            ip_address="192.168.1.3",
            object_type="branches.member",
            object_id=str(company.member_a.pk),
            object_repr=str(company.member_a),
        ),
    }
    response = clients["auditor"].get(URL, params)

    names = {key for key, row in rows.items() if row in listed(response)}
    assert response.status_code == 200
    assert names == expected


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not a date"},
        {"date_from": "2026-03-05", "date_to": "2026-03-01"},
        {"event": "no.such.event"},
        {"object_type": "auth.permission"},
        {"page": "abc"},
        {"page": "9999"},
        {"username": "x" * 500},
    ],
)
def test_it_answers_bad_filters_without_an_error(clients, params):
    make_event()

    response = clients["auditor"].get(URL, params)

    assert response.status_code == 200


def test_it_explains_a_reversed_date_range(clients):
    response = clients["auditor"].get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-01"})

    assert "date_to" in response.context["filter"].form.errors


def test_it_paginates_newest_first(clients):
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(60):
        make_event(created_at=start + dt.timedelta(minutes=n), username=f"pg{n:02d}")

    first = clients["auditor"].get(URL, {"username": "pg"})
    second = clients["auditor"].get(URL, {"page": 2, "username": "pg"})

    assert [e.username for e in listed(first)][:2] == ["pg59", "pg58"]
    assert len(listed(first)) == 50
    assert [e.username for e in listed(second)] == [f"pg{n:02d}" for n in range(9, -1, -1)]
    assert "username=pg" in second.content.decode()  # page links keep the filters


def test_it_uses_a_constant_number_of_queries(clients, users, django_assert_num_queries):
    def fill(count: int) -> None:
        for n in range(count):
            make_event(
                user=users["secretary_a"],
                username="secretary_a",
                event=Event.UPDATE,
                detail={"changes": {"name": [n, n + 1]}},
            )

    fill(2)
    # the session with its user and unread count (portal.sessions), count, page (users joined); the session
    # row is rewritten at most once a minute, not on these requests
    with django_assert_num_queries(3):
        small = clients["auditor"].get(URL, {"username": "secretary", "event": Event.UPDATE})
    fill(40)
    with django_assert_num_queries(3):
        large = clients["auditor"].get(URL, {"username": "secretary", "event": Event.UPDATE})

    assert len(listed(small)) == 2
    assert len(listed(large)) == 42


# --- one object's history --------------------------------------------------------------------


def test_it_shows_an_objects_events_and_saved_versions_with_the_phone_masked(clients, users, company):
    member = MemberFactory(organization=company.branch_a, name="王五", phone="13700137000")
    member.job_title = "高级工程师"
    member.save()
    make_event(
        user=users["secretary_a"],
        username="secretary_a",
        event=Event.UPDATE,
        object_type="branches.member",
        object_id=str(member.pk),
        object_repr=str(member),
        detail={"changes": {"job_title": ["工程师", "高级工程师"]}},
    )
    make_event(event=Event.UPDATE, object_type="branches.member", object_id="999999", object_repr="someone else")

    response = clients["auditor"].get(HISTORY, {"type": "branches.member", "id": member.pk}, HTTP_ACCEPT_LANGUAGE="en")

    body = response.content.decode()
    assert response.status_code == 200
    assert [e.object_id for e in listed(response)] == [str(member.pk)]
    history = response.context["history"]
    assert [str(row.kind) for row in history] == ["Created", "Changed"]
    changed = {line.label: (line.old, line.new) for line in history[1].lines}
    assert changed["post (job)"] == ("工程师", "高级工程师")
    assert "137****7000" in body
    assert "13700137000" not in body
    assert "someone else" not in body


def test_it_shows_events_of_a_type_without_saved_versions(clients, users):
    make_event(event=Event.PASSWORD_RESET, object_type="accounts.user", object_id=str(users["staff"].pk))

    response = clients["auditor"].get(HISTORY, {"type": "accounts.user", "id": users["staff"].pk})

    assert response.status_code == 200
    assert len(listed(response)) == 1
    assert response.context["history"] == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "nonsense"},
        {"type": "no.such", "id": "1"},
        {"type": "branches.member", "id": "abc"},
        {"type": "branches.member"},
        {"type": "branches.member", "id": "9" * 80},
    ],
)
def test_it_answers_odd_history_requests_without_an_error(clients, company, params):
    response = clients["auditor"].get(HISTORY, params)

    assert response.status_code == 200
