"""Quarterly review rounds (检查轮次 · 《项目进展检查表》), WORKFLOWS.md §2.

ReviewRound draft → open → reviewing → closed. Opening creates one ProjectCheck per
approved or in-progress project in the round's scope; closing freezes the round
(projects/round_services.py refuses every change to a closed round).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-year review")
    ANNUAL = "annual", _("Annual")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open (branches report)")
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", _("Closed")


class ReviewRound(models.Model):
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.QUARTERLY)
    title = models.CharField(_("title"), max_length=100)
    report_deadline = models.DateField(_("report deadline"))
    review_deadline = models.DateField(_("review deadline"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "quarter", "kind"], name="projects_round_once"),
            models.CheckConstraint(
                condition=models.Q(review_deadline__gte=models.F("report_deadline")),
                name="projects_round_review_after_report",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.report_deadline and self.review_deadline and self.review_deadline < self.report_deadline:
            raise ValidationError({"review_deadline": _("The review deadline must not be before the report deadline.")})

    @property
    def is_frozen(self) -> bool:
        return self.status == RoundStatus.CLOSED


class ChecklistItem(models.Model):
    """One line of the 《项目进展检查表》; copied from the previous round, editable while the round is a draft."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("checklist item"), max_length=200)
    guidance = models.CharField(_("guidance"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["round", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Rating(models.TextChoices):
    # The checklist's own scale (好 / 较好 / 一般 / 差), apart from the evaluation grades.
    GOOD = "good", pgettext_lazy("check rating", "Good")
    FAIRLY_GOOD = "fairly_good", pgettext_lazy("check rating", "Fairly good")
    AVERAGE = "average", pgettext_lazy("check rating", "Average")
    POOR = "poor", pgettext_lazy("check rating", "Poor")


class Answer(models.TextChoices):
    CONFORMS = "conforms", _("Conforms")
    MOSTLY = "mostly", _("Mostly conforms")
    FAILS = "fails", _("Does not conform")


class ProjectCheck(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="checks")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="checks")
    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("overall rating"), max_length=12, choices=Rating.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("project check")
        verbose_name_plural = _("project checks")
        ordering = ["round", "organization__path", "project__number", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="projects_check_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.project_id}"

    @property
    def is_done(self) -> bool:
        return bool(self.rating)


class CheckAnswer(models.Model):
    check_row = models.ForeignKey(ProjectCheck, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["check_row", "item"], name="projects_answer_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Rectification reported")
    CONFIRMED = "confirmed", _("Confirmed")


class Finding(models.Model):
    """问题反馈: raised by a reviewer, answered by the branch (整改情况), confirmed or reopened."""

    check_row = models.ForeignKey(ProjectCheck, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("finding"), max_length=2000)
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("rectification"), max_length=2000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class BranchComment(models.Model):
    """半年点评: the committee's written comment on one branch in a half-year round."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="branch_comments")
    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=3000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="projects_branch_comment_once")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.organization_id}"


class RoundTransition(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, choices=RoundStatus.choices)
    to_status = models.CharField(max_length=10, choices=RoundStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.from_status} → {self.to_status}"
