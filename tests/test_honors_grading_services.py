"""Branch grading, staff appraisal and liaison services (WORKFLOWS §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from honors import services
from honors.models import Appraisal, BranchGrade, GradeLevel, Liaison, PostStatus
from honors.workflow import TransitionError
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from . import honors_support as hs
from .factories import MemberFactory, OrgKind, UserFactory, make_org

pytestmark = pytest.mark.django_db


def _grade(code="A") -> GradeLevel:
    return GradeLevel.objects.get(code=code)


def _record(company, users, *, by="committee_admin", organization=None, year=None, code="A", **extra):
    return services.grade_record(
        by=users[by],
        organization=organization or company.branch_a,
        year=year or hs.today().year,
        grade=_grade(code),
        **extra,
    )


def _appraise(company, users, *, by="committee_admin", raters=56, satisfied=50, basically=5, dissatisfied=1, **extra):
    return services.appraisal_record(
        by=users[by],
        organization=extra.pop("organization", company.branch_a),
        year=extra.pop("year", hs.today().year),
        raters=raters,
        satisfied=satisfied,
        basically_satisfied=basically,
        dissatisfied=dissatisfied,
        **extra,
    )


# --- grades ------------------------------------------------------------------------------------------


def test_it_records_a_grade_with_a_building_title(company, users):
    row = _record(company, users, building_title="benchmark", comments=" 标杆支部 ")
    assert (row.grade.code, row.building_title, row.comments, row.recorded_by) == (
        "A",
        "benchmark",
        "标杆支部",
        users["committee_admin"],
    )
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(row.pk)).exists()


def test_it_corrects_a_grade_in_place_and_keeps_the_history(company, users):
    first = _record(company, users, code="B")
    second = _record(company, users, code="A", building_title="model")
    assert first.pk == second.pk
    assert BranchGrade.objects.count() == 1
    assert second.history.count() == 2
    assert [h.grade.code for h in second.history.order_by("history_date")] == ["B", "A"]
    update = AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(second.pk)).get()
    assert update.detail["before"] == {"grade": "B", "building_title": ""}


def test_it_grades_a_general_branch_too(company, users):
    assert _record(company, users, organization=company.general).organization == company.general


def test_it_refuses_a_year_that_has_not_begun(company, users):
    with pytest.raises(ValidationError, match="has not begun"):
        _record(company, users, year=hs.today().year + 1)
    assert not BranchGrade.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "secretary_a", "staff", "sysadmin"])
def test_it_lets_only_the_committee_office_grade(company, users, who):
    with pytest.raises(TransitionError, match="kept by the committee office"):
        _record(company, users, by=who)
    assert not BranchGrade.objects.exists()


def test_it_refuses_a_grade_out_of_the_admins_scope(company, users):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    with pytest.raises(TransitionError):
        services.grade_record(by=admin_b, organization=company.branch_a, year=2025, grade=_grade())


@pytest.mark.parametrize("org", ["committee", "group_a1"])
def test_it_refuses_to_grade_a_committee_or_a_party_group(company, users, org):
    with pytest.raises(ValidationError, match="Branches and general branches are graded"):
        _record(company, users, organization=getattr(company, org))


def test_it_refuses_a_grade_no_longer_in_use(company, users):
    GradeLevel.objects.filter(code="D").update(is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        _record(company, users, code="D")


def test_it_refuses_an_unknown_building_title(company, users):
    with pytest.raises(ValidationError):
        _record(company, users, building_title="gold")
    assert not BranchGrade.objects.exists()


def test_the_database_keeps_one_grade_per_branch_and_year(company, users):
    row = _record(company, users)
    with pytest.raises(IntegrityError, match="honors_grade_once_a_year"), transaction.atomic():
        BranchGrade.objects.create(
            organization=row.organization, year=row.year, grade=_grade("B"), recorded_by=users["committee_admin"]
        )


# --- appraisal -----------------------------------------------------------------------------------------


def test_it_records_and_corrects_an_appraisal(company, users):
    first = _appraise(company, users)
    assert (first.votes, first.satisfaction_rate) == (56, Decimal("98.2"))
    second = _appraise(company, users, raters=60, satisfied=60, basically=0, dissatisfied=0)
    assert first.pk == second.pk and Appraisal.objects.count() == 1
    assert second.satisfaction_rate == Decimal("100.0")


def test_it_refuses_more_votes_than_raters(company, users):
    with pytest.raises(ValidationError, match="57 votes were counted but only 56 people rated"):
        _appraise(company, users, raters=56, satisfied=51, basically=5, dissatisfied=1)
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"raters": 0, "satisfied": 0, "basically": 0, "dissatisfied": 0}, "At least one rater"),
        ({"dissatisfied": -1}, "zero or more"),
    ],
)
def test_it_refuses_impossible_counts(company, users, counts, message):
    with pytest.raises(ValidationError, match=message):
        _appraise(company, users, **counts)
    assert not Appraisal.objects.exists()


def test_it_appraises_a_post_of_the_branch_but_not_of_another(company, users):
    post_a = hs.make_post(company, users, status=PostStatus.BUILDING)
    post_b = hs.make_post(
        company, users, status=PostStatus.BUILDING, organization=company.branch_b, leader=company.member_b
    )
    row = _appraise(company, users, post=post_a)
    assert row.post == post_a
    with pytest.raises(ValidationError, match="not of this branch"):
        _appraise(company, users, post=post_b)
    assert Appraisal.objects.count() == 1


def test_it_lets_only_the_committee_office_appraise(company, users):
    with pytest.raises(TransitionError):
        _appraise(company, users, by="reviewer")


def test_the_database_refuses_more_votes_than_raters(company, users):
    row = _appraise(company, users)
    with pytest.raises(IntegrityError, match="honors_appraisal_votes_within_raters"), transaction.atomic():
        Appraisal.objects.filter(pk=row.pk).update(raters=10)


# --- liaison points --------------------------------------------------------------------------------------


def _liaison(company, users, *, member=None, since=None, **extra):
    return services.liaison_assign(
        by=users["committee_admin"],
        organization=extra.pop("organization", company.branch_a),
        member=member or company.member_b,
        since=since or hs.today() - dt.timedelta(days=30),
        **extra,
    )


def test_it_assigns_a_liaison(company, users):
    row = _liaison(company, users, note=" 每季度一次 ")
    assert (row.organization, row.member, row.until, row.note) == (
        company.branch_a,
        company.member_b,
        None,
        "每季度一次",
    )
    assert row.is_current


def test_it_refuses_the_same_liaison_twice_while_current(company, users):
    first = _liaison(company, users)
    with pytest.raises(ValidationError, match="already follows this branch"):
        _liaison(company, users)
    assert Liaison.objects.count() == 1
    services.liaison_end(liaison=first, by=users["committee_admin"], until=hs.today())
    _liaison(company, users, since=hs.today())
    assert Liaison.objects.count() == 2


def test_it_refuses_an_end_before_the_start(company, users):
    row = _liaison(company, users, since=hs.today())
    with pytest.raises(ValidationError, match="end cannot be before the start"):
        services.liaison_end(liaison=row, by=users["committee_admin"], until=hs.today() - dt.timedelta(days=1))
    row.refresh_from_db()
    assert row.until is None


def test_it_ends_a_liaison_once(company, users):
    row = _liaison(company, users)
    services.liaison_end(liaison=row, by=users["committee_admin"], until=hs.today())
    with pytest.raises(TransitionError, match="already ended"):
        services.liaison_end(liaison=row, by=users["committee_admin"], until=hs.today())
    row.refresh_from_db()
    assert row.until == hs.today()
    ended = AuditEvent.objects.get(event=Event.UPDATE, object_type__icontains="liaison", object_id=str(row.pk))
    assert ended.detail == {"until": hs.today().isoformat()}


def test_it_refuses_a_liaison_who_is_inactive_or_out_of_scope(company, users):
    gone = MemberFactory(organization=company.branch_b, is_active=False)
    with pytest.raises(ValidationError, match="active person in your scope"):
        _liaison(company, users, member=gone)
    other = make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")
    with pytest.raises(ValidationError, match="active person in your scope"):
        _liaison(company, users, member=MemberFactory(organization=other))
    assert not Liaison.objects.exists()


def test_it_lets_only_the_committee_office_keep_liaisons(company, users):
    with pytest.raises(TransitionError):
        services.liaison_assign(
            by=users["reviewer"], organization=company.branch_a, member=company.member_b, since=hs.today()
        )
    row = _liaison(company, users)
    with pytest.raises(TransitionError):
        services.liaison_end(liaison=row, by=users["secretary_a"], until=hs.today())
    row.refresh_from_db()
    assert row.until is None
