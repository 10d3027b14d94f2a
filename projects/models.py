"""Innovation projects (党员创新工程): configuration, projects, teams, reports, results, evaluations.

The state machine lives in projects/workflow.py; every state change goes through
projects/services.py, which writes a ProjectTransition row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# --- configuration (admin-editable; defaults from migration 0002) ------------------


class ConfigItem(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Category(ConfigItem):
    """项目类别: 科研生产、安全质量、精益管理、深化改革、党的建设 by default."""

    class Meta(ConfigItem.Meta):
        verbose_name = _("project category")
        verbose_name_plural = _("project categories")


class TopicSource(ConfigItem):
    """选题来源: 行政点题、党组织选题、向党员征题."""

    class Meta(ConfigItem.Meta):
        verbose_name = _("topic source")
        verbose_name_plural = _("topic sources")


class ResultType(ConfigItem):
    """成果形式: 制度、流程、论文、专利、节创价值 …"""

    carries_value = models.BooleanField(_("carries a value (10k CNY)"), default=False)
    needs_reference = models.BooleanField(
        _("needs a reference number"), default=False, help_text=_("Patents and papers carry a number or journal.")
    )

    class Meta(ConfigItem.Meta):
        verbose_name = _("result type")
        verbose_name_plural = _("result types")


class RubricItem(ConfigItem):
    """年度总结评估 rubric: item and maximum score (the active items add up to the full mark)."""

    max_score = models.DecimalField(
        _("maximum score"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    guidance = models.CharField(_("guidance"), max_length=200, blank=True)

    class Meta(ConfigItem.Meta):
        verbose_name = _("evaluation rubric item")
        verbose_name_plural = _("evaluation rubric")


class ProgrammeSettings(models.Model):
    """Singleton: publicity period, grade thresholds, number prefix."""

    publicity_days = models.PositiveSmallIntegerField(
        _("publicity period (days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    number_prefix = models.CharField(_("project number code"), max_length=8, default="CX")
    grade_excellent = models.DecimalField(_("优秀 from"), max_digits=5, decimal_places=1, default=Decimal("90"))
    grade_good = models.DecimalField(_("良好 from"), max_digits=5, decimal_places=1, default=Decimal("80"))
    grade_pass = models.DecimalField(_("合格 from"), max_digits=5, decimal_places=1, default=Decimal("60"))

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade_excellent__gt=models.F("grade_good"))
                & models.Q(grade_good__gt=models.F("grade_pass"))
                & models.Q(grade_pass__gt=0),
                name="projects_settings_grade_order",
            )
        ]

    def __str__(self) -> str:
        return str(_("Programme settings"))

    @classmethod
    def load(cls) -> ProgrammeSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def grade_for(self, total: Decimal) -> str:
        if total >= self.grade_excellent:
            return Grade.EXCELLENT
        if total >= self.grade_good:
            return Grade.GOOD
        if total >= self.grade_pass:
            return Grade.PASS
        return Grade.FAIL


# --- the project -----------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved (in publicity)")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETION_REVIEW = "completion_review", _("Completion review")
    COMPLETED = "completed", _("Completed")
    EVALUATED = "evaluated", _("Evaluated")
    REJECTED = "rejected", _("Rejected")
    TERMINATED = "terminated", _("Terminated")


# Statuses every signed-in employee may read (公示 and later).
PUBLISHED_STATUSES = (
    Status.APPROVED,
    Status.IN_PROGRESS,
    Status.COMPLETION_REVIEW,
    Status.COMPLETED,
    Status.EVALUATED,
    Status.TERMINATED,
)
ACTIVE_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETION_REVIEW)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Project(models.Model):
    number = models.CharField(_("project number"), max_length=20, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    title = models.CharField(_("project title"), max_length=100)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="projects"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    topic_source = models.ForeignKey(TopicSource, verbose_name=_("topic source"), on_delete=models.PROTECT)
    leader = models.ForeignKey(
        "branches.Member", verbose_name=_("project leader"), on_delete=models.PROTECT, related_name="led_projects"
    )
    problem = models.TextField(_("problem to solve"), max_length=2000)
    goals = models.TextField(_("goals"), max_length=2000)
    indicators = models.TextField(_("measurable indicators"), max_length=2000, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    expected_result_types = models.ManyToManyField(
        ResultType, verbose_name=_("expected result types"), blank=True, related_name="+"
    )
    expected_value = models.DecimalField(
        _("expected value (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_branch_led = models.BooleanField(
        _("branch-led action"), default=False, help_text=_("党组织引领行动: the branch's own project of the year.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    returned = models.BooleanField(_("returned for changes"), default=False)
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    completion_summary = models.TextField(_("completion summary"), max_length=5000, blank=True)
    is_public = models.BooleanField(_("shown on the public showcase"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[expected_result_types])

    class Meta:
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        ordering = ["-year", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="projects_project_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(expected_value__gte=0), name="projects_project_value_positive"),
            # Approval assigns the number: every project from approval on carries one.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "rejected"]) | models.Q(number__isnull=False),
                name="projects_project_number_after_approval",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('(no number)')} {self.title}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end must not be before the planned start.")
        if self.organization_id and not self.organization.is_branch:
            errors["organization"] = _("Projects are filed by a party branch.")
        if self.leader_id and self.organization_id:
            leader = self.leader
            if not leader.is_party_member:
                errors["leader"] = _("The project leader must be a Party member.")
            elif leader.organization.branch() != self.organization:
                errors["leader"] = _("The project leader must belong to the filing branch.")
            elif not leader.is_active:
                errors["leader"] = _("The project leader is no longer active.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    @property
    def in_publicity(self) -> bool:
        return self.status == Status.APPROVED


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")


class TeamMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey("branches.Member", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)
    duty = models.CharField(_("duty"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="projects_team_member_once"),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(role="leader"), name="projects_team_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_role_display()})"


class ProjectTransition(models.Model):
    """One row per state change: the timeline (who, when, from, to, comment)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


class ProjectNumberSequence(models.Model):
    """Last number given per year; locked with select_for_update while an approval takes the next."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """异议 lodged by staff during publicity; the committee must resolve it before the project starts."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("objection"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.text[:30]}"


class ProgressReport(models.Model):
    """季度进展: what the branch reports on a project for one quarter."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    work_done = models.TextField(_("work done"), max_length=3000)
    problems = models.TextField(_("problems"), max_length=2000, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=2000, blank=True)
    is_final = models.BooleanField(_("final report"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["year", "quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "quarter"], name="projects_report_once_per_quarter"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="projects_report_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.progress}%"


class Result(models.Model):
    """成果: a result of a project, with its type and (for 节创价值) its value."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="results")
    result_type = models.ForeignKey(ResultType, verbose_name=_("result type"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=100)
    achieved_on = models.DateField(_("date"))
    value = models.DecimalField(
        _("value (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    reference = models.CharField(_("number or journal"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["achieved_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="projects_result_value_positive")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.result_type_id and self.result_type.needs_reference and not self.reference:
            raise ValidationError({"reference": _("Give the patent number or the journal for this result type.")})
        if self.achieved_on and self.achieved_on > timezone.localdate():
            raise ValidationError({"achieved_on": _("The date cannot be in the future.")})


class Evaluation(models.Model):
    """年度总结评估: rubric scores, total and grade."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="evaluation")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    comments = models.TextField(_("comments"), max_length=2000, blank=True)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.total} {self.get_grade_display()}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    rubric_item = models.ForeignKey(RubricItem, on_delete=models.PROTECT)
    max_score = models.DecimalField(max_digits=5, decimal_places=1)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["rubric_item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "rubric_item"], name="projects_score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=models.F("max_score")),
                name="projects_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rubric_item}: {self.score}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """延期: a request to move the planned end, approved by the committee."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="extensions")
    old_end = models.DateField(_("current planned end"))
    new_end = models.DateField(_("requested new end"))
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(new_end__gt=models.F("old_end")), name="projects_extension_later")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.old_end} → {self.new_end}"


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")


class Attachment(models.Model):
    """A checked file (PDF/Office document or re-encoded image) stored outside the web root."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="attachments")
    result = models.ForeignKey(Result, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="projects/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ImprovementPlan(models.Model):
    """党员创新登高计划: one person, one year, a goal and a result (non-party staff may file one too)."""

    member = models.ForeignKey("branches.Member", verbose_name=_("person"), on_delete=models.PROTECT)
    organization = models.ForeignKey("branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    goal = models.TextField(_("goal"), max_length=2000)
    result = models.TextField(_("result"), max_length=2000, blank=True)
    value = models.DecimalField(
        _("value (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_done = models.BooleanField(_("done"), default=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("member improvement plan")
        verbose_name_plural = _("member improvement plans")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.member}"


# Review rounds live in their own module; imported here so Django registers them with this app.
from .round_models import (  # noqa: E402,F401
    Answer,
    BranchComment,
    CheckAnswer,
    ChecklistItem,
    Finding,
    FindingStatus,
    ProjectCheck,
    Rating,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundTransition,
)
