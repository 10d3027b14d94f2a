"""Projects brought to a given state through the service layer, for the reviewer-side view tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from portal.accounts.models import Role
from projects import services
from projects.models import Project, ResultType

from .factories import UserFactory, make_project

_counter = {"n": 0}


def _title() -> str:
    _counter["n"] += 1
    return f"焊接工艺参数优化{_counter['n']}"


def draft(company, users, **overrides) -> Project:
    overrides.setdefault("title", _title())
    return make_project(organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], **overrides)


def submitted(company, users, **overrides) -> Project:
    return services.project_submit(project=draft(company, users, **overrides), by=users["secretary_a"])


def approved(company, users, **overrides) -> Project:
    return services.project_approve(project=submitted(company, users, **overrides), by=users["reviewer"])


def end_publicity(project: Project) -> Project:
    project.refresh_from_db()
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    return project


def in_progress(company, users, **overrides) -> Project:
    project = end_publicity(approved(company, users, **overrides))
    return services.project_start_if_due(project=project)


def completion_review(company, users, **overrides) -> Project:
    project = in_progress(company, users, **overrides)
    secretary = users["secretary_a"]
    services.report_file(
        project=project,
        by=secretary,
        data={"year": 2026, "quarter": 4, "progress": 100, "work_done": "全部完成", "is_final": True},
    )
    services.result_add(
        project=project,
        by=secretary,
        data={
            "result_type": ResultType.objects.get(name="专利"),
            "title": "一种焊接夹具",
            "achieved_on": dt.date(2026, 1, 10),
            "reference": "ZL2026 1 0000001.2",
        },
    )
    services.result_add(
        project=project,
        by=secretary,
        data={
            "result_type": ResultType.objects.get(name="节创价值"),
            "title": "节约成本",
            "achieved_on": dt.date(2026, 1, 11),
            "value": Decimal("35.50"),
        },
    )
    return services.project_request_completion(project=project, by=secretary, summary="按期完成全部目标")


def completed(company, users, **overrides) -> Project:
    project = completion_review(company, users, **overrides)
    return services.project_transition(project=project, action="accept", by=users["reviewer"])


def reviewer_of_branch_b(company):
    """A reviewer whose scope is branch B only: branch A's unpublished projects are not theirs."""
    return UserFactory(username="reviewer_b", role=Role.REVIEWER, scope=company.branch_b)


def committee_admin_of_branch_b(company):
    return UserFactory(username="committee_b", role=Role.COMMITTEE_ADMIN, scope=company.branch_b, is_staff=True)
