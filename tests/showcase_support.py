"""Helpers shared by the public showcase tests (tests/test_showcase_*.py): published data through the services."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from honors.models import PostStatus
from portal.showcase import services as showcase
from projects import services as project_services
from projects.models import AttachmentKind

from . import honors_support as hs
from . import projects_support as ps
from .factories import MemberFactory

PHONE = "13700137000"
EMPLOYEE_NO = "E991234"


def clear_cache() -> None:
    cache.clear()


def teammate(company):
    """A team member of branch A whose phone and employee number must never reach a public page."""
    return MemberFactory(organization=company.branch_a, name="王队员", phone=PHONE, employee_no=EMPLOYEE_NO)


def published_project(company, users, *, title="焊接工艺参数优化", team=(), photo=True, result=True, public=True):
    from projects.services import TeamEntry  # noqa: F401  (the factory wraps members itself)

    project = ps.in_progress(company, users, title=title, team=team)
    if result:
        ps.add_result(project, users)
    if photo:
        project_services.attachment_add(
            project=project, by=users["secretary_a"], upload=photo_upload(), kind=AttachmentKind.PHOTO
        )
    if public:
        project = showcase.project_set_public(project=project, by=users["committee_admin"], public=True)
    return project


def published_post(company, users, *, public=True, **overrides):
    post = hs.make_post(company, users, status=PostStatus.TITLED, **overrides)
    if public:
        post = showcase.post_set_public(post=post, by=users["committee_admin"], public=True)
    return post


def honour(company, users, **overrides):
    return hs.make_external_honor(company, users, **overrides)


def story(company, users, *, title="攻坚克难的焊接团队", body="<p>他们的故事</p>", publish=True, **data):
    made = showcase.story_create(
        by=users["committee_admin"],
        data={"title": title, "summary": "一段摘要", "body": body, "organization": company.branch_a, **data},
    )
    if publish:
        made = showcase.story_publish(story=made, by=users["committee_admin"], publish=True)
    return made


def photo_upload(name: str = "现场.png", size=(900, 600)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ps.png_bytes(size), content_type="image/png")


def forged_upload(name: str = "封面.jpg") -> SimpleUploadedFile:
    return hs.forged_upload(name)


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return hs.pdf_upload(name)
