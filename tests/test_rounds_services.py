"""projects/round_services.py: create, open, checks, findings, branch comments, and the frozen closed round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.accounts.models import Role
from portal.exceptions import ConflictError
from portal.workbench.models import Notification
from projects import round_services as rsv
from projects.models import (
    Answer,
    ChecklistItem,
    FindingStatus,
    Project,
    Rating,
    RoundKind,
    RoundStatus,
    Status,
)
from projects.workflow import TransitionError

from . import review_support as rs
from . import rounds_backend_support as rb
from .factories import MemberFactory, UserFactory, make_project


def test_it_creates_a_draft_with_the_default_items_then_copies_the_previous_round(company, users):
    first = rb.make_round(company, users, quarter=2)
    assert first.status == RoundStatus.DRAFT
    assert [i.text for i in first.items.all()] == [text for text, _ in rsv.DEFAULT_ITEMS]
    first.items.filter(order=1).update(text="按节点推进（修订）")
    ChecklistItem.objects.create(round=first, order=9, text="新增检查项", guidance="说明")

    second = rb.make_round(company, users, quarter=3)

    copied = [(i.order, i.text, i.guidance) for i in second.items.all()]
    assert copied == [(i.order, i.text, i.guidance) for i in first.items.all()]
    assert copied[0][1] == "按节点推进（修订）" and copied[-1] == (9, "新增检查项", "说明")
    assert not set(second.items.values_list("pk", flat=True)) & set(first.items.values_list("pk", flat=True))


def test_it_lets_only_committee_admins_create_rounds(company, users):
    with pytest.raises(TransitionError):
        rsv.round_create(
            by=users["reviewer"],
            organization=company.committee,
            year=2026,
            quarter=3,
            kind=RoundKind.QUARTERLY,
            report_deadline=dt.date(2026, 10, 10),
            review_deadline=dt.date(2026, 10, 20),
        )


def test_it_opens_one_check_per_approved_or_running_project_in_scope(company, users):
    approved = rs.approved(company, users)
    running = rs.in_progress(company, users)
    draft = rs.draft(company, users)
    submitted = rs.submitted(company, users)
    round_ = rb.make_round(company, users)

    round_ = rb.step(round_, users, "open")

    checked = set(round_.checks.values_list("project_id", flat=True))
    assert checked == {approved.pk, running.pk}
    assert draft.pk not in checked and submitted.pk not in checked
    assert round_.status == RoundStatus.OPEN and round_.opened_at
    check = round_.checks.get(project=running)
    assert check.organization == company.branch_a
    assert Notification.objects.filter(recipient=users["secretary_a"], text__contains=round_.title).count() == 1
    assert not Notification.objects.filter(recipient=users["secretary_b"], text__contains=round_.title).exists()


def test_it_leaves_out_another_committees_projects(company, users):
    from .factories import make_org

    other_committee = make_org("另一公司党委", "committee", code="C02")
    other_branch = make_org("丙党支部", "branch", other_committee, code="B0C")
    member = MemberFactory(organization=other_branch, name="王丙")
    secretary = UserFactory(username="secretary_c", role=Role.SECRETARY, scope=other_branch)
    project = make_project(organization=other_branch, leader=member, by=secretary, title="外单位项目")
    Project.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS, number="2026-CX-0999")
    rs.in_progress(company, users)

    round_ = rb.step(rb.make_round(company, users), users, "open")

    assert round_.checks.count() == 1 and not round_.checks.filter(project=project).exists()


def test_it_adds_projects_approved_later_to_the_next_round_only(company, users):
    rs.in_progress(company, users)
    round_ = rb.step(rb.make_round(company, users), users, "open")
    late = rs.approved(company, users)

    rb.step(round_, users, "start_review")

    assert not round_.checks.filter(project=late).exists() and round_.checks.count() == 1
    following = rb.step(rb.make_round(company, users, quarter=4), users, "open")
    assert following.checks.filter(project=late).exists()


def test_it_enforces_the_order_of_the_steps(company, users):
    rs.in_progress(company, users)
    round_ = rb.make_round(company, users)
    for wrong in ("start_review", "close"):
        with pytest.raises(TransitionError):
            rb.step(round_, users, wrong)
    round_ = rb.step(round_, users, "open")
    for wrong in ("open", "close"):
        with pytest.raises(TransitionError):
            rb.step(round_, users, wrong)
    round_ = rb.step(round_, users, "start_review", "close")
    assert round_.status == RoundStatus.CLOSED and round_.closed_at
    for wrong in ("open", "start_review", "close", "nonsense"):
        with pytest.raises(TransitionError):
            rb.step(round_, users, wrong)
    assert list(round_.transitions.values_list("action", flat=True)) == ["open", "start_review", "close"]


def test_it_refuses_opening_without_items_and_by_other_roles(company, users):
    round_ = rb.make_round(company, users)
    with pytest.raises(TransitionError):
        rsv.round_transition(round_=round_, action="open", by=users["reviewer"])
    round_.items.all().delete()
    with pytest.raises(TransitionError):
        rb.step(round_, users, "open")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_it_saves_a_check_and_refuses_a_stale_version(company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.get()
    stale_version = check.version
    items = list(round_.items.all())

    saved = rb.fill(check, users, rating=Rating.FAIRLY_GOOD, answer=Answer.MOSTLY, note="资料欠完整")

    assert saved.rating == Rating.FAIRLY_GOOD and saved.reviewer == users["reviewer"] and saved.reviewed_at
    assert saved.answers.count() == len(items) and {a.answer for a in saved.answers.all()} == {Answer.MOSTLY}
    with pytest.raises(ConflictError):
        rsv.check_save(
            check=check,
            by=users["committee_admin"],
            answers={i.pk: (Answer.FAILS, "") for i in items},
            rating=Rating.POOR,
            expected_version=stale_version,
        )
    check.refresh_from_db()
    assert check.rating == Rating.FAIRLY_GOOD


def test_it_requires_every_item_answered_and_a_rating(company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.get()
    first = round_.items.first()
    with pytest.raises(ValidationError):
        rsv.check_save(
            check=check,
            by=users["reviewer"],
            answers={first.pk: (Answer.CONFORMS, "")},
            rating=Rating.GOOD,
            expected_version=check.version,
        )
    with pytest.raises(ValidationError):
        rsv.check_save(
            check=check,
            by=users["reviewer"],
            answers={i.pk: (Answer.CONFORMS, "") for i in round_.items.all()},
            rating="",
            expected_version=check.version,
        )


def test_it_runs_a_finding_through_answer_reopen_answer_confirm(company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.get()
    deadline = timezone.localdate() + dt.timedelta(days=7)

    finding = rsv.finding_raise(check=check, by=users["reviewer"], text="佐证材料不全", deadline=deadline)
    assert finding.status == FindingStatus.OPEN
    with pytest.raises(TransitionError):
        rsv.finding_confirm(finding=finding, by=users["reviewer"], confirm=True)  # nothing answered yet
    with pytest.raises(TransitionError):
        rsv.finding_answer(finding=finding, by=users["secretary_b"], response="已整改")  # another branch

    finding = rsv.finding_answer(finding=finding, by=users["secretary_a"], response="已补充试验记录")
    assert finding.status == FindingStatus.ANSWERED and finding.responded_by == users["secretary_a"]
    finding = rsv.finding_confirm(finding=finding, by=users["reviewer"], confirm=False)
    assert finding.status == FindingStatus.OPEN
    finding = rsv.finding_answer(finding=finding, by=users["secretary_a"], response="已补充全部材料")
    finding = rsv.finding_confirm(finding=finding, by=users["reviewer"], confirm=True)

    assert finding.status == FindingStatus.CONFIRMED and finding.confirmed_by == users["reviewer"]
    with pytest.raises(TransitionError):
        rsv.finding_answer(finding=finding, by=users["secretary_a"], response="再次整改")


def test_it_refuses_a_finding_deadline_in_the_past(company, users):
    check = rb.open_round_with_projects(company, users, count=1).checks.get()
    with pytest.raises(ValidationError):
        rsv.finding_raise(
            check=check, by=users["reviewer"], text="问题", deadline=timezone.localdate() - dt.timedelta(days=1)
        )


def test_it_writes_branch_comments_in_half_year_rounds_only(company, users):
    quarterly = rb.open_round_with_projects(company, users, count=1)
    with pytest.raises(TransitionError):
        rsv.branch_comment_save(round_=quarterly, organization=company.branch_a, by=users["committee_admin"], text="好")
    half = rb.step(rb.make_round(company, users, quarter=2, kind=RoundKind.HALF_YEAR), users, "open")

    rsv.branch_comment_save(round_=half, organization=company.branch_a, by=users["committee_admin"], text="推进有力")
    comment = rsv.branch_comment_save(
        round_=half, organization=company.branch_a, by=users["committee_admin"], text="推进有力，成果突出"
    )

    assert half.branch_comments.get() == comment and comment.text == "推进有力，成果突出"


def test_it_freezes_a_closed_round(company, users):
    half = rb.open_round_with_projects(company, users, count=1, quarter=2, kind=RoundKind.HALF_YEAR)
    check = half.checks.get()
    finding = rsv.finding_raise(
        check=check, by=users["reviewer"], text="问题", deadline=timezone.localdate() + dt.timedelta(days=5)
    )
    answered = rsv.finding_raise(
        check=check, by=users["reviewer"], text="问题二", deadline=timezone.localdate() + dt.timedelta(days=5)
    )
    answered = rsv.finding_answer(finding=answered, by=users["secretary_a"], response="已整改")
    rb.step(half, users, "start_review", "close")
    check.refresh_from_db()
    items = list(half.items.all())

    refused = [
        lambda: rsv.check_save(
            check=check,
            by=users["reviewer"],
            answers={i.pk: (Answer.CONFORMS, "") for i in items},
            rating=Rating.GOOD,
            expected_version=check.version,
        ),
        lambda: rsv.finding_raise(
            check=check, by=users["reviewer"], text="新问题", deadline=timezone.localdate() + dt.timedelta(days=3)
        ),
        lambda: rsv.finding_answer(finding=finding, by=users["secretary_a"], response="已整改"),
        lambda: rsv.finding_confirm(finding=answered, by=users["reviewer"], confirm=True),
        lambda: rsv.branch_comment_save(
            round_=half, organization=company.branch_a, by=users["committee_admin"], text="点评"
        ),
    ]
    for attempt in refused:
        with pytest.raises(TransitionError, match="closed"):
            attempt()
    check.refresh_from_db()
    assert check.rating == "" and check.findings.count() == 2
    assert not half.branch_comments.exists()
    assert set(check.findings.values_list("status", flat=True)) == {FindingStatus.OPEN, FindingStatus.ANSWERED}


def test_it_lists_the_projects_still_missing_a_report(company, users):
    from projects import services

    round_ = rb.open_round_with_projects(company, users, count=2, year=2026, quarter=3)
    first, second = [c.project for c in round_.checks.order_by("id")]
    services.report_file(
        project=first,
        by=users["secretary_a"],
        data={"year": 2026, "quarter": 3, "progress": 40, "work_done": "完成方案"},
    )
    services.report_file(
        project=second,
        by=users["secretary_a"],
        data={"year": 2026, "quarter": 2, "progress": 20, "work_done": "上季度"},
    )

    missing = rsv.projects_missing_reports(round_=round_)

    assert [c.project_id for c in missing] == [second.pk]
