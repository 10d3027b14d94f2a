"""A small company with projects in several states for the statistics tests (tests/test_statistics_*.py).

Rows are made directly with the ORM (fast, any status); the expected figures are counted in the tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from branches.models import LeaderLevel, OrgKind, PartyStatus
from honors.models import NominationStatus
from projects.models import (
    Category,
    Finding,
    ProgressReport,
    Project,
    ProjectCheck,
    Result,
    ResultType,
    ReviewRound,
    Status,
    TeamMember,
    TopicSource,
)

from . import honors_campaign_support as hcs
from .factories import MemberFactory, make_org

YEAR = timezone.localdate().year
_numbers = itertools.count(1)


def clear_cache() -> None:
    cache.clear()


def project(org, leader, by, *, status=Status.IN_PROGRESS, year=YEAR, category="科研生产", team=(), **extra):
    number = None if status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED) else f"{year}-ST-{next(_numbers):05d}"
    made = Project.objects.create(
        number=number,
        year=year,
        title=extra.pop("title", "焊接工艺参数优化"),
        organization=org,
        category=Category.objects.get(name=category),
        topic_source=TopicSource.objects.get(name="党组织选题"),
        leader=leader,
        problem="焊缝一次合格率偏低",
        goals="一次合格率提升到98%",
        planned_start=dt.date(year, 3, 1),
        planned_end=dt.date(year, 12, 31),
        status=status,
        created_by=by,
        **extra,
    )
    for member in team:
        TeamMember.objects.create(project=made, member=member)
    return made


def result(proj, type_name: str, value: str = "0", *, year: int = YEAR) -> Result:
    return Result.objects.create(
        project=proj,
        result_type=ResultType.objects.get(name=type_name),
        title="成果",
        achieved_on=dt.date(year, 1, 15),
        value=Decimal(value),
        reference="ZL1",
    )


def build(company, users) -> dict:
    """The statistics company on top of the conftest company; returns the people and projects by name."""
    sec_a, sec_b = users["secretary_a"], users["secretary_b"]
    branch_c = make_org("丙党支部", OrgKind.BRANCH, company.general, code="B0C")
    people = {
        "dept_leader": MemberFactory(
            organization=company.group_a1, name="王领导", phone="13700137000", leader_level=LeaderLevel.DEPARTMENT
        ),
        "company_leader_idle": MemberFactory(
            organization=company.branch_b, name="赵闲", phone="13600136000", leader_level=LeaderLevel.COMPANY
        ),
        "non_party": MemberFactory(organization=company.branch_a, name="钱群众", party_status=PartyStatus.NONE),
        "off_duty": MemberFactory(organization=company.branch_a, name="孙离岗", on_duty=False),
        "idle_b": MemberFactory(organization=company.branch_b, name="周空"),
        "team_b": MemberFactory(organization=company.branch_b, name="吴队员"),
        "non_party_b": MemberFactory(organization=company.branch_b, name="郑群众", party_status=PartyStatus.NONE),
    }
    a, b = company.member_a, company.member_b
    projects = {
        "running": project(
            company.branch_a, a, sec_a, team=[people["non_party"], people["dept_leader"]], is_branch_led=True
        ),
        "draft": project(company.branch_a, people["off_duty"], sec_a, status=Status.DRAFT, category="安全质量"),
        "completed": project(
            company.branch_a, a, sec_a, status=Status.COMPLETED, category="安全质量", team=[people["off_duty"]]
        ),
        "submitted": project(
            company.branch_b, b, sec_b, status=Status.SUBMITTED, team=[people["idle_b"]], is_branch_led=True
        ),
        "rejected": project(company.branch_b, b, sec_b, status=Status.REJECTED, category="精益管理"),
        "terminated": project(
            company.branch_b, people["team_b"], sec_b, status=Status.TERMINATED, team=[people["non_party_b"]]
        ),
        "reported": project(company.branch_b, b, sec_b, status=Status.IN_PROGRESS, category="精益管理"),
        "old": project(
            company.branch_a,
            a,
            sec_a,
            status=Status.EVALUATED,
            year=YEAR - 2,
            category="党的建设",
            team=[people["idle_b"]],
        ),
    }
    today = timezone.localdate()
    ProgressReport.objects.create(
        project=projects["reported"],
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        progress=50,
        work_done="完成试验",
        submitted_by=sec_b,
    )
    results = [
        result(projects["running"], "节创价值", "10.50"),
        result(projects["completed"], "节创价值", "4.25"),
        result(projects["completed"], "专利"),
        result(projects["reported"], "论文"),
        result(projects["old"], "节创价值", "3.00", year=YEAR - 1),
    ]
    review_round = ReviewRound.objects.create(
        organization=company.committee,
        year=YEAR,
        quarter=1,
        title="一季度检查",
        report_deadline=today,
        review_deadline=today,
        status="reviewing",
        created_by=users["committee_admin"],
    )
    check_a = ProjectCheck.objects.create(
        round=review_round, project=projects["running"], organization=company.branch_a
    )
    check_b = ProjectCheck.objects.create(
        round=review_round, project=projects["reported"], organization=company.branch_b
    )
    for check, status in ((check_a, "open"), (check_a, "answered"), (check_a, "confirmed"), (check_b, "open")):
        Finding.objects.create(check_row=check, text="问题", deadline=today, status=status, raised_by=users["reviewer"])
    campaign, offered = hcs.open_campaign(company, users, name=f"{YEAR}年七一表彰", quota=5, branch_quota=5)
    nominations = [
        hcs.nominate(offered, users, company, branch="a"),
        hcs.nominate(offered, users, company, branch="a"),
        hcs.nominate(offered, users, company, branch="b"),
        hcs.nominate(offered, users, company, branch="b"),
    ]
    nominations[0].status = NominationStatus.WINNER
    nominations[0].save(update_fields=["status"])
    nominations[3].status = NominationStatus.WITHDRAWN
    nominations[3].save(update_fields=["status"])
    clear_cache()
    return {
        "branch_c": branch_c,
        "people": people,
        "projects": projects,
        "results": results,
        "campaign": campaign,
        "nominations": nominations,
    }


def grow(company, users, n: int) -> None:
    """n more branches, each with two people and a running project with a team and a valued result."""
    for i in range(n):
        org = make_org(f"扩展党支部{i}", OrgKind.BRANCH, company.general, code=f"X{i:03d}")
        lead = MemberFactory(organization=org)
        mate = MemberFactory(organization=org, party_status=PartyStatus.NONE)
        proj = project(org, lead, users["secretary_a"], team=[mate], category="党的建设")
        result(proj, "节创价值", "1.00")
