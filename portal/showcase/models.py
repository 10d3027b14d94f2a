"""典型事迹 (stories) of the public showcase, with their checked images and thumbnails."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    """A story written by the committee office; the body is HTML sanitized on save (services.story_save)."""

    title = models.CharField(_("title"), max_length=100)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"), max_length=50_000, blank=True)
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="stories",
        help_text=_("The organization the story is about; it decides who may edit it."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("innovation project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    post = models.ForeignKey(
        "honors.DemonstrationPost",
        verbose_name=_("demonstration post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    cover = models.ForeignKey(
        "StoryImage", verbose_name=_("cover image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["is_published", "published_at"])]

    def __str__(self) -> str:
        return self.title


class StoryImage(models.Model):
    """An image of a story: the checked, re-encoded upload and its thumbnail, made once on upload."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to="showcase/%Y/%m/", max_length=200)
    thumbnail = models.FileField(upload_to="showcase/thumbs/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(_("file name"), max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("story image")
        verbose_name_plural = _("story images")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
