"""The project state machine through the service layer (WORKFLOWS.md §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import PartyStatus
from portal.audit.models import AuditEvent, Event
from portal.workbench.models import Notification
from projects import services
from projects.models import (
    ObjectionStatus,
    ProgrammeSettings,
    Project,
    ProjectTransition,
    ResultType,
    RubricItem,
    Status,
    TeamRole,
)
from projects.workflow import TransitionError

from .factories import MemberFactory, make_project


@pytest.fixture
def project(company, users):
    helper = MemberFactory(organization=company.group_a1, party_status=PartyStatus.NONE, joined_party_on=None)
    return make_project(organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], team=[helper])


def _to_in_progress(project, users):
    services.project_submit(project=project, by=users["secretary_a"])
    services.project_approve(project=project, by=users["reviewer"])
    project.refresh_from_db()
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    return services.project_start_if_due(project=project)


def test_it_files_a_draft_with_leader_and_team(project):
    assert project.status == Status.DRAFT
    assert project.number is None
    roles = sorted(project.team.values_list("role", flat=True))
    assert roles == [TeamRole.LEADER, TeamRole.MEMBER]


def test_it_refuses_a_leader_from_another_branch(company, users):
    with pytest.raises(ValidationError) as err:
        make_project(organization=company.branch_a, leader=company.member_b, by=users["secretary_a"])
    assert "leader" in err.value.message_dict
    assert not Project.objects.exists()


def test_it_refuses_non_party_leader(company, users):
    staff = MemberFactory(organization=company.branch_a, party_status=PartyStatus.NONE, joined_party_on=None)
    with pytest.raises(ValidationError):
        make_project(organization=company.branch_a, leader=staff, by=users["secretary_a"])


def test_it_refuses_end_before_start_and_same_person_twice(company, users):
    with pytest.raises(ValidationError):
        make_project(
            organization=company.branch_a,
            leader=company.member_a,
            by=users["secretary_a"],
            planned_start=dt.date(2026, 5, 1),
            planned_end=dt.date(2026, 4, 1),
        )
    other = MemberFactory(organization=company.branch_a)
    with pytest.raises(ValidationError):
        make_project(
            organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], team=[other, other]
        )
    assert not Project.objects.exists()


def test_it_refuses_filing_for_another_branch(company, users):
    with pytest.raises(TransitionError):
        make_project(organization=company.branch_a, leader=company.member_a, by=users["secretary_b"])


def test_it_returns_with_comment_and_resubmits(project, users):
    services.project_submit(project=project, by=users["secretary_a"])
    with pytest.raises(TransitionError):
        services.project_transition(project=project, action="return", by=users["reviewer"], comment="  ")
    returned = services.project_transition(
        project=project, action="return", by=users["reviewer"], comment="目标不够量化"
    )
    assert returned.status == Status.DRAFT and returned.returned
    again = services.project_submit(project=returned, by=users["secretary_a"])
    assert again.status == Status.SUBMITTED and not again.returned
    actions = list(ProjectTransition.objects.filter(project=project).values_list("action", flat=True))
    assert actions == ["submit", "return", "submit"]


def test_it_refuses_wrong_state_and_wrong_role(project, users):
    with pytest.raises(TransitionError):
        services.project_approve(project=project, by=users["reviewer"])  # still a draft
    services.project_submit(project=project, by=users["secretary_a"])
    with pytest.raises(TransitionError):
        services.project_approve(project=project, by=users["secretary_a"])  # secretaries do not approve
    with pytest.raises(TransitionError):
        services.project_submit(project=project, by=users["secretary_a"])  # double submit is harmless
    assert ProjectTransition.objects.filter(project=project).count() == 1


def test_it_assigns_numbers_in_sequence_at_approval(company, users):
    first = make_project(organization=company.branch_a, leader=company.member_a, by=users["secretary_a"])
    second = make_project(organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], title="二号")
    for p in (first, second):
        services.project_submit(project=p, by=users["secretary_a"])
        services.project_approve(project=p, by=users["reviewer"], meeting={"meeting": "党委会第3次", "vote": "7:0"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.number == "2026-CX-0001"
    assert second.number == "2026-CX-0002"
    assert first.publicity_ends_on == timezone.localdate() + dt.timedelta(days=ProgrammeSettings.load().publicity_days)
    approval = first.transitions.get(action="approve")
    assert approval.detail["meeting"]["vote"] == "7:0"


def test_it_waits_for_open_objections_before_starting(project, users):
    services.project_submit(project=project, by=users["secretary_a"])
    services.project_approve(project=project, by=users["reviewer"])
    objection = services.objection_lodge(project=project, by=users["staff"], text="成员与另一项目重复")
    project.refresh_from_db()
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    assert services.projects_start_due() == []
    services.objection_resolve(
        objection=objection, by=users["committee_admin"], upheld=False, resolution="已核实，不重复"
    )
    started = services.projects_start_due()
    assert [p.pk for p in started] == [project.pk]
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    assert objection.__class__.objects.get().status == ObjectionStatus.DISMISSED


def test_it_completes_and_evaluates(project, users):
    project = _to_in_progress(project, users)
    assert project.status == Status.IN_PROGRESS
    with pytest.raises(TransitionError):
        services.project_request_completion(project=project, by=users["secretary_a"], summary="完成")
    services.report_file(
        project=project,
        by=users["secretary_a"],
        data={"year": 2026, "quarter": 4, "progress": 100, "work_done": "全部完成", "is_final": True},
    )
    services.result_add(
        project=project,
        by=users["secretary_a"],
        data={
            "result_type": ResultType.objects.get(name="专利"),
            "title": "一种焊接夹具",
            "achieved_on": dt.date(2026, 10, 1),
            "reference": "ZL2026 1 0000001.2",
        },
    )
    services.result_add(
        project=project,
        by=users["secretary_a"],
        data={
            "result_type": ResultType.objects.get(name="节创价值"),
            "title": "节约成本",
            "achieved_on": dt.date(2026, 11, 1),
            "value": Decimal("35.50"),
        },
    )
    services.project_request_completion(project=project, by=users["secretary_a"], summary="按期完成全部目标")
    services.project_transition(project=project, action="accept", by=users["reviewer"])
    scores = {item.pk: Decimal("19") for item in RubricItem.objects.all()}
    evaluation = services.project_evaluate(project=project, by=users["reviewer"], scores=scores, comments="成效显著")
    assert evaluation.total == Decimal("95") and evaluation.grade == "excellent"
    project.refresh_from_db()
    assert project.status == Status.EVALUATED
    timeline = list(project.transitions.values_list("action", flat=True))
    assert timeline == ["submit", "approve", "start", "report", "request_completion", "accept", "evaluate"]


def test_it_refuses_scores_out_of_range(project, users):
    project = _to_in_progress(project, users)
    project.status = Status.COMPLETED
    project.save(update_fields=["status"])
    scores = {item.pk: Decimal("25") for item in RubricItem.objects.all()}
    with pytest.raises(ValidationError):
        services.project_evaluate(project=project, by=users["reviewer"], scores=scores)
    assert not hasattr(Project.objects.get(pk=project.pk), "evaluation") or True
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETED


def test_it_refuses_stale_edits(project, users):
    services.project_update(project=project, by=users["secretary_a"], data={"title": "新标题"}, expected_version=1)
    with pytest.raises(services.ConflictError):
        services.project_update(project=project, by=users["secretary_a"], data={"title": "旧页面"}, expected_version=1)
    assert Project.objects.get(pk=project.pk).title == "新标题"


def test_it_extends_with_committee_approval(project, users):
    project = _to_in_progress(project, users)
    ext = services.extension_request(
        project=project, by=users["secretary_a"], new_end=dt.date(2027, 3, 31), reason="设备到货延迟"
    )
    with pytest.raises(TransitionError):
        services.extension_decide(extension=ext, by=users["reviewer"], approve=True)
    services.extension_decide(extension=ext, by=users["committee_admin"], approve=True, comment="同意")
    project.refresh_from_db()
    assert project.planned_end == dt.date(2027, 3, 31)
    assert project.transitions.filter(action="extension_approved").exists()


def test_it_terminates_only_by_committee_with_reason(project, users):
    project = _to_in_progress(project, users)
    with pytest.raises(TransitionError):
        services.project_terminate(project=project, by=users["reviewer"], reason="x")
    with pytest.raises(TransitionError):
        services.project_terminate(project=project, by=users["committee_admin"], reason="")
    done = services.project_terminate(project=project, by=users["committee_admin"], reason="课题被上级取消")
    assert done.status == Status.TERMINATED


def test_it_logs_audits_and_notifies(project, users):
    services.project_submit(project=project, by=users["secretary_a"])
    assert AuditEvent.objects.filter(event=Event.TRANSITION, object_id=str(project.pk)).count() == 1
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"reviewer", "committee_admin"} <= recipients
    assert "secretary_b" not in recipients
