"""Workbench to-dos from the project workflow, per role, with counts, links and a constant query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.workbench.selectors import quarter_end, workbench_for
from projects import services

from . import review_support as rs

URL = reverse("workbench:home")


def todos(user) -> dict[str, int]:
    return {t.key: t.count for t in workbench_for(user).todos}


def grade_last_year(company, users) -> None:
    """Last year's branch grades are in: the committee's grading to-do is done."""
    from django.utils import timezone

    from honors.models import GradeLevel
    from honors.services import grade_record

    for branch in (company.branch_a, company.branch_b):
        grade_record(
            by=users["committee_admin"],
            organization=branch,
            year=timezone.localdate().year - 1,
            grade=GradeLevel.objects.get(code="A"),
        )


@pytest.fixture
def programme(company, users):
    """Projects in every state a to-do is made of, all in branch A."""
    grade_last_year(company, users)
    rs.draft(company, users)
    returned = rs.submitted(company, users)
    services.project_transition(project=returned, action="return", by=users["reviewer"], comment="补充指标")
    rs.submitted(company, users)
    rs.submitted(company, users)
    in_publicity = rs.approved(company, users)
    services.objection_lodge(project=in_publicity, by=users["staff"], text="异议")
    running = rs.in_progress(company, users)
    services.extension_request(project=running, by=users["secretary_a"], new_end=dt.date(2027, 6, 30), reason="晚到")
    rs.completion_review(company, users)  # has its Q4 report: not due
    rs.completed(company, users)
    return {"in_publicity": in_publicity, "running": running}


def test_it_gives_the_secretary_drafts_returned_reports_due_and_publicity(users, programme):
    assert todos(users["secretary_a"]) == {"returned": 1, "drafts": 1, "reports_due": 1, "publicity": 1}


def test_it_gives_another_branchs_secretary_only_the_publicity(users, programme):
    assert todos(users["secretary_b"]) == {"publicity": 1}


def test_it_gives_the_reviewer_applications_completions_and_evaluations(users, programme):
    assert todos(users["reviewer"]) == {"applications": 2, "completions": 1, "evaluations": 1}


def test_it_gives_the_committee_objections_and_extensions_too(users, programme):
    assert todos(users["committee_admin"]) == {
        "applications": 2,
        "completions": 1,
        "evaluations": 1,
        "objections": 1,
        "extensions": 1,
    }


def test_it_gives_staff_the_projects_in_publicity(users, programme):
    wb = workbench_for(users["staff"])
    assert [(t.key, t.count) for t in wb.todos] == [("publicity", 1)]
    assert wb.todos[0].url == reverse("projects:publicity")
    assert wb.todos[0].deadline == programme["in_publicity"].publicity_ends_on


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_it_gives_system_roles_no_project_todos(users, programme, role):
    assert todos(users[role]) == {}


def test_it_drops_the_report_to_do_once_the_quarter_is_reported(users, programme):
    services.report_file(
        project=programme["running"],
        by=users["secretary_a"],
        data={"year": 2026, "quarter": 4, "progress": 60, "work_done": "推进中"},
    )
    assert "reports_due" not in todos(users["secretary_a"])
    # next quarter, it is due again
    assert todos_on(users["secretary_a"], dt.date(2027, 1, 5)).get("reports_due") == 1


def todos_on(user, day) -> dict[str, int]:
    return {t.key: t.count for t in workbench_for(user, today=day).todos}


def test_it_dates_the_report_to_do_at_the_quarter_end(users, programme):
    wb = workbench_for(users["secretary_a"], today=dt.date(2026, 11, 21))
    due = next(t for t in wb.todos if t.key == "reports_due")
    assert due.deadline == dt.date(2026, 12, 31)
    assert quarter_end(dt.date(2026, 2, 10)) == dt.date(2026, 3, 31)
    assert quarter_end(dt.date(2026, 5, 1)) == dt.date(2026, 6, 30)


def test_it_renders_the_todos_with_links(clients, programme):
    body = clients["committee_admin"].get(URL).content.decode()
    assert 'data-testid="todos-empty"' not in body
    assert reverse("projects:review_queue") + "?tab=objections" in body
    assert 'data-testid="todo-applications"' in body


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["staff", "secretary_a", "reviewer", "committee_admin"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, role):
    rs.submitted(company, users)
    few = _queries(clients[role])
    for _ in range(3):
        rs.submitted(company, users)
        rs.in_progress(company, users)
        services.objection_lodge(project=rs.approved(company, users), by=users["staff"], text="异议")
    assert _queries(clients[role]) == few
    assert few <= 14  # 12, and 2 for the honours to-dos
