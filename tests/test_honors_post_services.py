"""Demonstration post services (WORKFLOWS §3): apply, edit, decide, assess, yearly review, activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.models import PartyStatus
from honors import services
from honors.models import (
    ActivityPhoto,
    DemonstrationPost,
    Honor,
    HonorSource,
    Level,
    PostActivity,
    PostAssessment,
    PostAssessmentScore,
    PostKind,
    PostMember,
    PostStatus,
    PostTransition,
    Rubric,
)
from honors.workflow import TransitionError
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event
from portal.exceptions import ConflictError

from . import honors_support as hs
from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _create(company, users, *, by="secretary_a", members=None, **overrides):
    data = hs.post_data(company, **overrides)
    if members is None:
        members = [services.PostMemberEntry(data["leader"])]
    return services.post_create(by=users[by], data=data, members=members)


# --- applying --------------------------------------------------------------------------------


def test_it_creates_an_applied_post_with_its_members_and_log(company, users):
    helper = MemberFactory(organization=company.group_a1)
    post = _create(
        company,
        users,
        members=[services.PostMemberEntry(company.member_a, "岗长"), services.PostMemberEntry(helper, "成员")],
    )
    assert post.status == PostStatus.APPLIED
    assert list(post.memberships.values_list("member", "duty")) == [(company.member_a.pk, "岗长"), (helper.pk, "成员")]
    assert post.transitions.get().action == "apply"
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(post.pk)).exists()


def test_it_refuses_a_leader_who_is_not_a_party_member(company, users):
    outsider = MemberFactory(organization=company.branch_a, party_status=PartyStatus.NONE)
    with pytest.raises(ValidationError, match="must be a Party member"):
        _create(company, users, leader=outsider, members=[])
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_leader_from_another_branch(company, users):
    with pytest.raises(ValidationError, match="leader must be an active person of this branch"):
        _create(company, users, leader=company.member_b, members=[])
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_an_inactive_leader(company, users):
    gone = MemberFactory(organization=company.branch_a, is_active=False)
    with pytest.raises(ValidationError, match="leader must be an active person"):
        _create(company, users, leader=gone, members=[])
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_member_from_another_branch(company, users):
    members = [services.PostMemberEntry(company.member_a), services.PostMemberEntry(company.member_b)]
    with pytest.raises(ValidationError, match="李乙 is not an active person of this branch"):
        _create(company, users, members=members)
    assert not DemonstrationPost.objects.exists()
    assert not PostMember.objects.exists()


def test_it_refuses_a_member_listed_twice(company, users):
    members = [services.PostMemberEntry(company.member_a), services.PostMemberEntry(company.member_a, "again")]
    with pytest.raises(ValidationError, match="listed twice"):
        _create(company, users, members=members)
    assert not DemonstrationPost.objects.exists()


@pytest.mark.parametrize("who", ["secretary_b", "reviewer", "committee_admin", "staff"])
def test_it_refuses_an_application_by_anyone_but_the_branch_secretary(company, users, who):
    with pytest.raises(TransitionError, match="applied for by the secretary of their branch"):
        _create(company, users, by=who)
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_post_of_a_party_group(company, users):
    with pytest.raises(ValidationError, match="belongs to a Party branch"):
        _create(company, users, organization=company.group_a1)
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_second_live_post_with_the_same_kind_and_name(company, users):
    _create(company, users)
    with pytest.raises(ValidationError):
        _create(company, users)
    assert DemonstrationPost.objects.count() == 1


# --- editing ---------------------------------------------------------------------------------------


def test_it_edits_an_applied_post_but_never_moves_it_to_another_branch(company, users):
    post = _create(company, users)
    helper = MemberFactory(organization=company.branch_a)
    post = services.post_update(
        post=post,
        by=users["secretary_a"],
        data={"name": "新名字", "organization": company.branch_b},
        members=[services.PostMemberEntry(helper)],
        version=post.version,
    )
    post.refresh_from_db()
    assert (post.name, post.organization, post.version) == ("新名字", company.branch_a, 2)
    assert list(post.memberships.values_list("member", flat=True)) == [helper.pk]


def test_it_refuses_a_stale_edit(company, users):
    post = _create(company, users)
    with pytest.raises(ConflictError):
        services.post_update(post=post, by=users["secretary_a"], data={"name": "x"}, members=[], version=0)
    post.refresh_from_db()
    assert post.name == "焊接示范岗"


@pytest.mark.parametrize("who", ["secretary_b", "reviewer"])
def test_it_refuses_an_edit_by_anyone_but_the_branch(company, users, who):
    post = _create(company, users)
    with pytest.raises(TransitionError, match="edited by its branch"):
        services.post_update(post=post, by=users[who], data={"name": "x"}, members=[], version=post.version)


def test_it_refuses_to_edit_a_titled_post(company, users):
    post = hs.make_post(company, users, status=PostStatus.TITLED)
    with pytest.raises(TransitionError, match="edited by its branch"):
        services.post_update(post=post, by=users["secretary_a"], data={"name": "x"}, members=[], version=None)


def test_it_refuses_an_edit_that_brings_in_an_outsider(company, users):
    post = _create(company, users)
    with pytest.raises(ValidationError, match="not an active person of this branch"):
        services.post_update(
            post=post,
            by=users["secretary_a"],
            data={"name": "新名字"},
            members=[services.PostMemberEntry(company.member_b)],
            version=post.version,
        )
    post.refresh_from_db()
    assert post.name == "焊接示范岗"
    assert list(post.memberships.values_list("member", flat=True)) == [company.member_a.pk]


# --- decisions: the transition table -----------------------------------------------------------------


def test_it_accepts_an_application(company, users):
    post = services.post_transition(post=_create(company, users), action="accept", by=users["reviewer"])
    assert post.status == PostStatus.BUILDING
    assert post.transitions.last().action == "accept"


def test_it_refuses_an_unknown_action(company, users):
    with pytest.raises(TransitionError, match="Unknown action"):
        services.post_transition(post=_create(company, users), action="delete", by=users["reviewer"])


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PostStatus.APPLIED, "keep"),
        (PostStatus.APPLIED, "revoke"),
        (PostStatus.BUILDING, "accept"),
        (PostStatus.BUILDING, "reject"),
        (PostStatus.TITLED, "accept"),
        (PostStatus.REJECTED, "accept"),
        (PostStatus.REVOKED, "keep"),
    ],
)
def test_it_refuses_a_step_the_table_does_not_allow_from_the_state(company, users, status, action):
    post = hs.make_post(company, users, status=status)
    before = PostTransition.objects.count()
    with pytest.raises(TransitionError, match="is not possible now"):
        services.post_transition(post=post, action=action, by=users["reviewer"], comment="理由", year=2030)
    post.refresh_from_db()
    assert post.status == status
    assert PostTransition.objects.count() == before


def test_it_names_the_state_when_refusing(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(TransitionError, match="This post is “Building”: “Accept the application”"):
        services.post_transition(post=post, action="accept", by=users["reviewer"])


@pytest.mark.parametrize("who", ["secretary_a", "staff", "sysadmin", "auditor"])
def test_it_refuses_a_decision_by_a_role_outside_the_table(company, users, who):
    post = _create(company, users)
    with pytest.raises(TransitionError, match="Your role may not take this step"):
        services.post_transition(post=post, action="accept", by=users[who])
    post.refresh_from_db()
    assert post.status == PostStatus.APPLIED


def test_it_refuses_a_decision_by_a_reviewer_of_another_subtree(company, users):
    outsider = UserFactory(role=Role.REVIEWER, scope=company.branch_b)
    post = _create(company, users)
    with pytest.raises(TransitionError, match="Your role may not take this step"):
        services.post_transition(post=post, action="accept", by=outsider)


def test_it_refuses_a_rejection_without_a_comment(company, users):
    post = _create(company, users)
    with pytest.raises(TransitionError, match="give a reason"):
        services.post_transition(post=post, action="reject", by=users["reviewer"], comment="   ")
    post.refresh_from_db()
    assert post.status == PostStatus.APPLIED


def test_it_rejects_with_a_comment_and_logs_it(company, users):
    post = services.post_transition(
        post=_create(company, users), action="reject", by=users["committee_admin"], comment="条件不具备"
    )
    assert post.status == PostStatus.REJECTED
    last = post.transitions.last()
    assert (last.action, last.from_status, last.to_status, last.comment) == (
        "reject",
        PostStatus.APPLIED,
        PostStatus.REJECTED,
        "条件不具备",
    )


def test_it_refuses_a_too_long_comment(company, users):
    with pytest.raises(TransitionError, match="too long"):
        services.post_transition(
            post=_create(company, users), action="reject", by=users["reviewer"], comment="长" * 2001
        )


def test_it_refuses_to_title_without_the_assessment_form(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(TransitionError, match="Fill in the assessment form"):
        services.post_transition(post=post, action="title", by=users["reviewer"])
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING


# --- assessment ---------------------------------------------------------------------------------------


def _bad_scores(kind: str) -> dict:
    rubric = hs.post_rubric()
    scores = hs.full_scores(rubric)
    first = rubric.criteria.first()
    if kind == "missing":
        del scores[first.pk]
    elif kind == "blank":
        scores[first.pk] = " "
    elif kind == "above_max":
        scores[first.pk] = first.max_score + Decimal("0.1")
    elif kind == "negative":
        scores[first.pk] = "-1"
    elif kind == "two_decimals":
        scores[first.pk] = "10.25"
    elif kind == "not_a_number":
        scores[first.pk] = "ten"
    elif kind == "nan":
        scores[first.pk] = "NaN"
    elif kind == "unknown_criterion":
        scores[hs.award_rubric().criteria.first().pk] = "1"
    return scores


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "has no score"),
        ("blank", "has no score"),
        ("above_max", "between 0 and"),
        ("negative", "between 0 and"),
        ("two_decimals", "one decimal at most"),
        ("not_a_number", "is not a number"),
        ("nan", "between 0 and"),
        ("unknown_criterion", "not on this rubric"),
    ],
)
def test_it_refuses_bad_scores_and_saves_nothing(company, users, kind, message):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    transitions = PostTransition.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.post_assess(post=post, by=users["reviewer"], scores=_bad_scores(kind))
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING
    assert not PostAssessment.objects.exists()
    assert not PostAssessmentScore.objects.exists()
    assert not Honor.objects.exists()
    assert PostTransition.objects.count() == transitions


def test_it_refuses_a_total_below_the_pass_mark_without_a_comment(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(ValidationError, match="below the pass mark 80"):
        services.post_assess(post=post, by=users["reviewer"], scores=hs.zero_scores(hs.post_rubric()), comments=" ")
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING
    assert not PostAssessment.objects.exists()


def test_it_keeps_a_failed_post_building_with_the_reason(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    assessment = services.post_assess(
        post=post, by=users["reviewer"], scores=hs.zero_scores(hs.post_rubric()), comments="成果不足"
    )
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING and post.titled_year is None
    assert (assessment.action, assessment.passed, assessment.total) == ("fail", False, Decimal("0"))
    assert post.transitions.last().action == "fail"
    assert "成果不足" in post.transitions.last().comment
    assert not Honor.objects.exists()


def test_it_titles_a_post_at_exactly_the_pass_mark(company, users):
    rubric = hs.post_rubric()
    assert rubric.pass_score == Decimal("80")
    scores = hs.full_scores(rubric)
    # 100 in all: take 20 off one criterion to land on 80.0 exactly.
    biggest = max(rubric.criteria.all(), key=lambda c: c.max_score)
    scores[biggest.pk] = biggest.max_score - Decimal("20")
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    assessment = services.post_assess(post=post, by=users["reviewer"], scores=scores)
    assert (assessment.total, assessment.passed, assessment.action) == (Decimal("80.0"), True, "title")


def test_it_titles_a_passing_post_with_one_honour(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    rubric = hs.post_rubric()
    assessment = services.post_assess(post=post, by=users["reviewer"], scores=hs.full_scores(rubric), year=2026)
    post.refresh_from_db()
    assert (post.status, post.titled_year, post.last_reviewed_year) == (PostStatus.TITLED, 2026, 2026)
    assert (assessment.total, assessment.passed, assessment.action) == (Decimal("100"), True, "title")
    assert assessment.scores.count() == rubric.criteria.count()
    honor = Honor.objects.get()
    assert (honor.source, honor.recipient_kind, honor.post, honor.organization) == (
        HonorSource.POST,
        "post",
        post,
        company.branch_a,
    )
    with translation.override("zh-hans"):
        title = str(PostKind.INNOVATION.label)  # 党员创新示范岗 once the catalogue is filled
    assert (honor.year, honor.level, honor.title, honor.is_active) == (2026, Level.COMPANY, title, True)
    assert honor.granted_by == company.committee.name


def test_it_refuses_a_second_yearly_review_in_the_same_year(company, users):
    post = hs.make_post(company, users, status=PostStatus.TITLED)
    year = post.titled_year
    with pytest.raises(TransitionError, match=f"already been assessed for {year}"):
        services.post_assess(post=post, by=users["reviewer"], scores=hs.full_scores(hs.post_rubric()), year=year)
    services.post_assess(post=post, by=users["reviewer"], scores=hs.full_scores(hs.post_rubric()), year=year + 1)
    post.refresh_from_db()
    assert (post.status, post.last_reviewed_year, post.titled_year) == (PostStatus.TITLED, year + 1, year)
    assert post.transitions.last().action == "keep"
    with pytest.raises(TransitionError, match=f"already been assessed for {year + 1}"):
        services.post_assess(post=post, by=users["reviewer"], scores=hs.full_scores(hs.post_rubric()), year=year + 1)
    assert PostAssessment.objects.filter(post=post).count() == 2
    assert Honor.objects.filter(post=post).count() == 1, "keeping a title grants no second honour"


def test_it_revokes_a_failing_titled_post_and_deactivates_its_honour(company, users):
    post = hs.make_post(company, users, status=PostStatus.TITLED)
    services.post_assess(
        post=post,
        by=users["reviewer"],
        scores=hs.zero_scores(hs.post_rubric()),
        comments="未履行公开承诺",
        year=post.titled_year + 1,
    )
    post.refresh_from_db()
    assert post.status == PostStatus.REVOKED
    honor = Honor.objects.get(post=post)
    assert honor.is_active is False
    assert honor.revoked_reason == "未履行公开承诺"


@pytest.mark.parametrize("status", [PostStatus.APPLIED, PostStatus.REJECTED, PostStatus.REVOKED])
def test_it_refuses_to_assess_a_post_outside_building_or_titled(company, users, status):
    post = hs.make_post(company, users, status=status)
    with pytest.raises(TransitionError, match="cannot be assessed now"):
        services.post_assess(post=post, by=users["reviewer"], scores=hs.full_scores(hs.post_rubric()), year=2099)


@pytest.mark.parametrize("who", ["secretary_a", "staff"])
def test_it_refuses_an_assessment_by_a_role_that_may_not_review(company, users, who):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(TransitionError, match="Your role may not"):
        services.post_assess(post=post, by=users[who], scores=hs.full_scores(hs.post_rubric()))
    assert not PostAssessment.objects.exists()


def test_it_refuses_to_assess_without_an_active_rubric(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    Rubric.objects.filter(use="post").update(is_active=False)
    with pytest.raises(TransitionError, match="No active post rubric"):
        services.post_assess(post=post, by=users["reviewer"], scores={})


# --- activities ------------------------------------------------------------------------------------------


def _activity(**overrides) -> dict:
    data = {"date": hs.today(), "title": "技术交流", "description": "组织技术交流会"}
    data.update(overrides)
    return data


def test_it_records_an_activity_with_photos(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    activity = services.activity_add(
        post=post, by=users["secretary_a"], data=_activity(), photos=[hs.png_upload(), hs.jpeg_upload()]
    )
    photos = list(activity.photos.all())
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    assert all(p.file.read(2) in (b"\x89P", b"\xff\xd8") for p in photos)


@pytest.mark.parametrize("upload", [hs.pdf_upload, hs.forged_upload], ids=["pdf", "forged"])
def test_it_refuses_a_photo_that_is_not_an_image_and_saves_nothing(company, users, upload):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(ValidationError):
        services.activity_add(post=post, by=users["secretary_a"], data=_activity(), photos=[hs.png_upload(), upload()])
    assert not PostActivity.objects.exists()
    assert not ActivityPhoto.objects.exists()


def test_it_refuses_too_many_photos_at_once(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    photos = [hs.png_upload(f"{i}.png") for i in range(services.MAX_FILES_PER_UPLOAD + 1)]
    with pytest.raises(ValidationError, match="At most 10 files"):
        services.activity_add(post=post, by=users["secretary_a"], data=_activity(), photos=photos)
    assert not PostActivity.objects.exists()


def test_it_refuses_an_activity_in_the_future(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    with pytest.raises(ValidationError, match="before it happens"):
        services.activity_add(
            post=post, by=users["secretary_a"], data=_activity(date=hs.today() + dt.timedelta(days=1))
        )
    assert not PostActivity.objects.exists()


@pytest.mark.parametrize(("status", "who"), [(PostStatus.APPLIED, "secretary_a"), (PostStatus.BUILDING, "secretary_b")])
def test_it_refuses_an_activity_out_of_state_or_scope(company, users, status, who):
    post = hs.make_post(company, users, status=status)
    with pytest.raises(TransitionError, match="Activities are recorded by the post's branch"):
        services.activity_add(post=post, by=users[who], data=_activity())
    assert not PostActivity.objects.exists()
