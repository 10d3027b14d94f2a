"""State changes of the public showcase: stories, their images, and publishing projects, posts and honours."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from honors.models import DemonstrationPost, Honor
from portal.audit.log import diff, record
from portal.audit.models import Event
from projects.models import Project

from . import images
from .models import Story, StoryImage
from .richtext import sanitize
from .selectors import PUBLIC_POST_STATUSES, PUBLIC_PROJECT_STATUSES

STORY_FIELDS = ("title", "summary", "body", "organization", "project", "post")


def _snapshot(story: Story) -> dict[str, Any]:
    return {
        "title": story.title,
        "summary": story.summary,
        "body": story.body,
        "organization": story.organization_id,
        "project": story.project_id,
        "post": story.post_id,
        "cover": story.cover_id,
        "is_published": story.is_published,
    }


@transaction.atomic
def story_create(*, by, data: dict[str, Any]) -> Story:
    story = Story(created_by=by, **{f: data.get(f) for f in STORY_FIELDS if f in data})
    story.body = sanitize(story.body)
    story.full_clean()
    story.save()
    record(event=Event.CREATE, user=by, obj=story, detail={"changes": diff({}, _snapshot(story))})
    return story


@transaction.atomic
def story_update(*, story: Story, by, data: dict[str, Any]) -> Story:
    locked = Story.objects.select_for_update().get(pk=story.pk)
    before = _snapshot(locked)
    for field in STORY_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.body = sanitize(locked.body)
    if "cover" in data:
        cover = data["cover"]
        if cover is not None and cover.story_id != locked.pk:
            raise ValidationError({"cover": _("The cover must be one of this story's images.")})
        locked.cover = cover
    locked.full_clean()
    locked.save()
    changes = diff(before, _snapshot(locked))
    if changes:
        record(event=Event.UPDATE, user=by, obj=locked, detail={"changes": changes})
    return locked


@transaction.atomic
def story_publish(*, story: Story, by, publish: bool) -> Story:
    locked = Story.objects.select_for_update().get(pk=story.pk)
    if locked.is_published == publish:
        return locked
    if publish and not locked.body and not locked.summary:
        raise ValidationError(_("Write the story before publishing it."))
    locked.is_published = publish
    if publish:
        locked.published_at = timezone.now()
    locked.save(update_fields=["is_published", "published_at", "updated_at"])
    record(
        event=Event.UPDATE,
        user=by,
        obj=locked,
        detail={"changes": {"is_published": [not publish, publish]}, "action": "publish" if publish else "unpublish"},
    )
    return locked


@transaction.atomic
def story_image_add(*, story: Story, by, upload, as_cover: bool = False) -> StoryImage:
    """Check the upload, make its thumbnail (once, here) and store both; nothing is saved if it is refused."""
    prepared = images.prepare(upload)
    locked = Story.objects.select_for_update().get(pk=story.pk)
    image = StoryImage(
        story=locked,
        content_type=prepared.checked.content_type,
        original_name=prepared.checked.name,
        width=prepared.width,
        height=prepared.height,
        uploaded_by=by,
    )
    stored = prepared.image_file()
    image.image.save(stored.name, stored, save=False)
    thumb = prepared.thumbnail_file()
    image.thumbnail.save(thumb.name, thumb, save=False)
    try:
        image.save()
        record(event=Event.CREATE, user=by, obj=image, detail={"story": locked.pk, "name": image.original_name})
        if as_cover or locked.cover_id is None:
            locked.cover = image
            locked.save(update_fields=["cover", "updated_at"])
    except Exception:
        image.image.delete(save=False)
        image.thumbnail.delete(save=False)
        raise
    return image


# --- publishing projects, posts and honours ------------------------------------------------------


def _set_public(*, model, obj, by, public: bool, allowed, refusal: str, stamp: bool):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.is_public == public:
        return locked
    if public and not allowed(locked):
        raise ValidationError(refusal)
    locked.is_public = public
    fields = ["is_public", "updated_at"] if stamp else ["is_public"]
    locked.save(update_fields=fields)
    record(
        event=Event.UPDATE,
        user=by,
        obj=locked,
        detail={"changes": {"is_public": [not public, public]}, "action": "publish" if public else "unpublish"},
    )
    return locked


@transaction.atomic
def project_set_public(*, project: Project, by, public: bool) -> Project:
    return _set_public(
        model=Project,
        obj=project,
        by=by,
        public=public,
        allowed=lambda p: p.status in PUBLIC_PROJECT_STATUSES,
        refusal=_("Only approved projects (in publicity or later, not terminated) can be published."),
        stamp=True,
    )


@transaction.atomic
def post_set_public(*, post: DemonstrationPost, by, public: bool) -> DemonstrationPost:
    return _set_public(
        model=DemonstrationPost,
        obj=post,
        by=by,
        public=public,
        allowed=lambda p: p.status in PUBLIC_POST_STATUSES,
        refusal=_("Only posts being built or titled can be published."),
        stamp=True,
    )


@transaction.atomic
def honor_set_public(*, honor: Honor, by, public: bool) -> Honor:
    return _set_public(
        model=Honor,
        obj=honor,
        by=by,
        public=public,
        allowed=lambda h: h.is_active,
        refusal=_("A revoked honour cannot be published."),
        stamp=False,
    )
