"""Review rounds built through the service layer, for the round page tests."""

from __future__ import annotations

import datetime as dt

from projects import round_services, services
from projects.models import ProjectCheck, ReviewRound, RoundKind

from . import review_support as rs
from .factories import make_project

REPORT_DEADLINE = dt.date(2026, 10, 15)
REVIEW_DEADLINE = dt.date(2026, 10, 31)


def approved_in_b(company, users, **overrides):
    overrides.setdefault("title", rs._title())
    project = make_project(organization=company.branch_b, leader=company.member_b, by=users["secretary_b"], **overrides)
    project = services.project_submit(project=project, by=users["secretary_b"])
    return services.project_approve(project=project, by=users["reviewer"])


def draft_round(company, users, *, quarter=3, kind=RoundKind.QUARTERLY) -> ReviewRound:
    return round_services.round_create(
        by=users["committee_admin"],
        organization=company.committee,
        year=2026,
        quarter=quarter,
        kind=kind,
        report_deadline=REPORT_DEADLINE,
        review_deadline=REVIEW_DEADLINE,
    )


def open_round(company, users, *, in_a=1, in_b=0, quarter=3, kind=RoundKind.QUARTERLY) -> ReviewRound:
    for _ in range(in_a):
        rs.approved(company, users)
    for _ in range(in_b):
        approved_in_b(company, users)
    round_ = draft_round(company, users, quarter=quarter, kind=kind)
    return round_services.round_transition(round_=round_, action="open", by=users["committee_admin"])


def advance(round_, users, *actions) -> ReviewRound:
    for action in actions:
        round_ = round_services.round_transition(round_=round_, action=action, by=users["committee_admin"])
    return round_


def check_in(round_, organization) -> ProjectCheck:
    return ProjectCheck.objects.filter(round=round_, organization=organization).select_related("project").first()


def fill(check, users, *, rating="good", reviewer="reviewer") -> ProjectCheck:
    check.refresh_from_db()
    answers = {item.pk: ("conforms", "") for item in check.round.items.all()}
    return round_services.check_save(
        check=check, by=users[reviewer], answers=answers, rating=rating, expected_version=check.version
    )


def report(project, users, *, secretary="secretary_a", quarter=3):
    return services.report_file(
        project=project,
        by=users[secretary],
        data={"year": 2026, "quarter": quarter, "progress": 50, "work_done": "完成一半"},
    )


def finding(check, users, *, days=10, text="台账不全"):
    from django.utils import timezone

    return round_services.finding_raise(
        check=check, by=users["reviewer"], text=text, deadline=timezone.localdate() + dt.timedelta(days=days)
    )


def checklist_post(check, *, rating="good", version=None, answer="conforms") -> dict:
    data = {"rating": rating, "comment": "按计划推进", "version": check.version if version is None else version}
    for item in check.round.items.all():
        data[f"item_{item.pk}"] = answer
        data[f"note_{item.pk}"] = ""
    return data
