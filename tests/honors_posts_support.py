"""Helpers for the demonstration-post page tests (tests/test_honors_post_*.py): posts made through the services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from honors import services
from honors.models import DemonstrationPost, PostKind, Rubric

from .factories import MemberFactory
from .projects_support import png_bytes


def make_post(
    company, users, *, name="焊接工艺党员创新示范岗", branch="a", members=(), **overrides
) -> DemonstrationPost:
    """An applied post of branch A (or B), filed by its secretary."""
    org = company.branch_a if branch == "a" else company.branch_b
    leader = company.member_a if branch == "a" else company.member_b
    data = {
        "kind": PostKind.INNOVATION,
        "name": name,
        "organization": org,
        "leader": leader,
        "pledge": "攻克焊接难题，一次合格率≥98%",
        "plan": "成立攻关小组，每月一次技术交流",
        "year": timezone.localdate().year,
    }
    data.update(overrides)
    entries = [services.PostMemberEntry(data["leader"]), *[services.PostMemberEntry(m) for m in members]]
    return services.post_create(by=users[f"secretary_{branch}"], data=data, members=entries)


def building_post(company, users, **kwargs) -> DemonstrationPost:
    post = make_post(company, users, **kwargs)
    return services.post_transition(post=post, action="accept", by=users["reviewer"])


def titled_post(company, users, **kwargs) -> DemonstrationPost:
    post = building_post(company, users, **kwargs)
    services.post_assess(post=post, by=users["reviewer"], scores=full_marks(), year=timezone.localdate().year)
    post.refresh_from_db()
    return post


def post_rubric() -> Rubric:
    return Rubric.objects.get(use="post", is_active=True)


def full_marks() -> dict[int, object]:
    return {c.pk: c.max_score for c in post_rubric().criteria.all()}


def score_form(scores: dict[int, object], **extra) -> dict[str, str]:
    data = {f"score_{pk}": str(value) for pk, value in scores.items()}
    data.setdefault("year", str(timezone.localdate().year))
    data.update({k: str(v) for k, v in extra.items()})
    return data


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def add_activity(post, users, *, photos: int = 1, branch: str = "a", title: str = "技术交流会"):
    return services.activity_add(
        post=post,
        by=users[f"secretary_{branch}"],
        data={"date": timezone.localdate(), "title": title, "description": "交流焊接经验"},
        photos=[png_upload(f"p{i}.png") for i in range(photos)],
    )


def party_member(company, branch: str = "a", **kwargs):
    org = company.branch_a if branch == "a" else company.branch_b
    return MemberFactory(organization=org, **kwargs)
