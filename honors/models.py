"""Demonstration posts, award campaigns, honours, branch grading and appraisal (WORKFLOWS.md §3–§5).

Rules of one row live here (choices, constraints, small properties); state changes that touch
several rows live in honors/services.py, the state machines in honors/workflow.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# --- shared choices -------------------------------------------------------------------------


class Level(models.TextChoices):
    """级别 of an award or honour, highest first."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial / ministerial")
    GROUP = "group", _("Group")
    COMPANY = "company", _("Company")
    PLANT = "plant", _("Plant / institute")


LEVEL_ORDER = {value: index for index, value in enumerate(Level.values)}


class RecipientKind(models.TextChoices):
    MEMBER = "member", _("Person")
    BRANCH = "branch", pgettext_lazy("recipient kind", "Party organization")
    PROJECT = "project", _("Innovation project")
    POST = "post", _("Demonstration post")


RECIPIENT_FIELDS = {
    RecipientKind.MEMBER: "member",
    RecipientKind.BRANCH: "branch",
    RecipientKind.PROJECT: "project",
    RecipientKind.POST: "post",
}


def _one_recipient_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Exactly the recipient field of the row's kind is set (the others are empty)."""
    checks = []
    for kind, field in RECIPIENT_FIELDS.items():
        others = [f for f in RECIPIENT_FIELDS.values() if f != field]
        checks.append(Q(recipient_kind=kind, **{f"{field}__isnull": False}, **{f"{o}__isnull": True for o in others}))
    condition = checks[0]
    for check in checks[1:]:
        condition |= check
    return [models.CheckConstraint(condition=condition, name=f"{prefix}_one_recipient")]


# --- rubrics (考核评选细则) -----------------------------------------------------------------


class RubricUse(models.TextChoices):
    POST = "post", _("Demonstration post assessment")
    AWARD = "award", _("Award judging")


class Rubric(models.Model):
    """A configurable set of scored criteria (考核评选细则) for posts or awards."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    use = models.CharField(_("used for"), max_length=10, choices=RubricUse.choices)
    pass_score = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A post is titled or kept only with a total at least this high."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")
        ordering = ["use", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_score for c in self.criteria.all()), Decimal("0"))


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("criterion"), max_length=100)
    description = models.CharField(_("what is looked at"), max_length=300, blank=True)
    max_score = models.DecimalField(
        _("maximum score"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1000"))],
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "order", "id"]
        constraints = [models.CheckConstraint(condition=Q(max_score__gt=0), name="honors_criterion_max_positive")]

    def __str__(self) -> str:
        return f"{self.title} ({self.max_score})"


# --- demonstration posts (WORKFLOWS §3) ------------------------------------------------------


class PostKind(models.TextChoices):
    INNOVATION = "innovation", _("Party member innovation demonstration post")
    VANGUARD = "vanguard", _("Party member vanguard post")
    AREA = "area", _("Party member responsibility area")
    COMMANDO = "commando", _("Party member commando team")
    TACKLING = "tackling", _("Tackling group")
    STUDIO = "studio", _("Model worker innovation studio")


class PostStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    BUILDING = "building", _("Building")
    TITLED = "titled", _("Titled")
    REVOKED = "revoked", _("Title revoked")
    REJECTED = "rejected", _("Application rejected")


class DemonstrationPost(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="posts"
    )
    leader = models.ForeignKey(
        "branches.Member", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="led_posts"
    )
    members = models.ManyToManyField(
        "branches.Member", through="PostMember", related_name="posts", verbose_name=_("members")
    )
    pledge = models.TextField(_("public pledge"), max_length=2000)
    plan = models.TextField(_("creation plan"), max_length=5000)
    year = models.PositiveSmallIntegerField(
        _("year applied"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.APPLIED)
    titled_year = models.PositiveSmallIntegerField(_("year titled"), null=True, blank=True)
    last_reviewed_year = models.PositiveSmallIntegerField(_("last yearly review"), null=True, blank=True)
    is_public = models.BooleanField(_("shown on the public showcase"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("demonstration post")
        verbose_name_plural = _("demonstration posts")
        ordering = ["-year", "organization__path", "name"]
        indexes = [models.Index(fields=["status", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "name"],
                condition=~Q(status__in=["rejected", "revoked"]),
                name="honors_post_unique_name_in_branch",
                violation_error_message=_("This branch already has a post of this kind with this name."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["titled", "revoked"]) | Q(titled_year__isnull=False),
                name="honors_post_titled_has_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in (PostStatus.APPLIED, PostStatus.BUILDING)

    @property
    def takes_activities(self) -> bool:
        return self.status in (PostStatus.BUILDING, PostStatus.TITLED)


class PostMember(models.Model):
    post = models.ForeignKey(DemonstrationPost, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey("branches.Member", verbose_name=_("person"), on_delete=models.PROTECT)
    duty = models.CharField(_("duty in the post"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("post member")
        verbose_name_plural = _("post members")
        ordering = ["post", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="honors_postmember_unique")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.post_id}"


class PostTransition(models.Model):
    post = models.ForeignKey(DemonstrationPost, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=PostStatus.choices)
    to_status = models.CharField(max_length=20, choices=PostStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class PostActivity(models.Model):
    """A record of what the post did (活动记录), with photos."""

    post = models.ForeignKey(DemonstrationPost, on_delete=models.PROTECT, related_name="activities")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("what was done"), max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class StoredFile(models.Model):
    """Fields shared by checked uploads (content checked by projects.files.check_upload)."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class ActivityPhoto(StoredFile):
    activity = models.ForeignKey(PostActivity, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="posts/%Y/%m/", max_length=200)

    class Meta:
        ordering = ["id"]


class PostAssessment(models.Model):
    """An assessment of a post against the post rubric: the acceptance (验收) or a yearly review."""

    post = models.ForeignKey(DemonstrationPost, on_delete=models.PROTECT, related_name="assessments")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    action = models.CharField(_("decision"), max_length=20)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    comments = models.TextField(_("comments"), max_length=3000, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post assessment")
        verbose_name_plural = _("post assessments")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} {self.year}: {self.total}"


class PostAssessmentScore(models.Model):
    assessment = models.ForeignKey(PostAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    score = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="honors_postscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="honors_postscore_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


# --- awards and campaigns (WORKFLOWS §4) -----------------------------------------------------


class Award(models.Model):
    """An award type (e.g. 优秀共产党员, 先进基层党组织, 季度党员先锋岗)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    recipient_kind = models.CharField(_("awarded to"), max_length=10, choices=RecipientKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.COMPANY)
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("judging rubric"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"use": RubricUse.AWARD},
        help_text=_("Judges score on this rubric; without one, judges vote for or against."),
    )
    party_members_only = models.BooleanField(
        _("Party members only"),
        default=False,
        help_text=_("For awards such as 优秀共产党员: only Party members (full or probationary) may be nominated."),
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["recipient_kind", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOMINATING = "nominating", _("Nominating")
    JUDGING = "judging", _("Judging")
    PUBLICITY = "publicity", _("In publicity")
    AWARDED = "awarded", _("Awarded")


class Campaign(models.Model):
    """评选表彰: a campaign offering awards with quotas, e.g. 2026年七一表彰 or 2026年第三季度党员先锋岗."""

    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("The committee running the campaign; branches in its subtree may nominate."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("For quarterly titles such as 季度党员先锋岗; empty for a yearly campaign."),
    )
    description = models.TextField(_("notice"), max_length=5000, blank=True)
    nomination_opens_on = models.DateField(_("nominations open on"))
    nomination_closes_on = models.DateField(_("nominations close on"))
    publicity_days = models.PositiveSmallIntegerField(
        _("publicity days"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("judges"), blank=True, related_name="judged_campaigns"
    )
    status = models.CharField(_("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[judges])

    class Meta:
        verbose_name = _("award campaign")
        verbose_name_plural = _("award campaigns")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination_closes_on__gte=models.F("nomination_opens_on")),
                name="honors_campaign_window_order",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="honors_campaign_quarter"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        if self.quarter:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        return str(self.year)

    def window_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == CampaignStatus.NOMINATING and self.nomination_opens_on <= today <= self.nomination_closes_on
        )


class CampaignAward(models.Model):
    """An award on offer in a campaign, with its quotas."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="offers")
    award = models.ForeignKey(Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="offers")
    quota = models.PositiveSmallIntegerField(
        _("winners at most"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    branch_quota = models.PositiveSmallIntegerField(
        _("nominations per branch"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("How many candidates each branch may nominate for this award."),
    )
    top_grade_label = models.CharField(
        _("top grade"), max_length=30, blank=True, help_text=_("Optional, e.g. 特别奖 or 一等奖.")
    )
    top_grade_cap_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("top grade at most (% of winners)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("award on offer")
        verbose_name_plural = _("awards on offer")
        ordering = ["campaign", "award__recipient_kind", "award__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "award"], name="honors_offer_unique"),
            models.CheckConstraint(condition=Q(quota__gte=1) & Q(branch_quota__gte=1), name="honors_offer_quotas"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.award}"

    def top_grade_cap(self, winners: int) -> int | None:
        """Most winners that may get the top grade, or None when uncapped."""
        if not self.top_grade_label:
            return 0
        if self.top_grade_cap_percent is None:
            return None
        return (winners * self.top_grade_cap_percent) // 100


class BranchQuota(models.Model):
    """A branch's own nomination quota for one award of a campaign (overrides the offer's default)."""

    offer = models.ForeignKey(CampaignAward, on_delete=models.CASCADE, related_name="branch_quotas")
    organization = models.ForeignKey("branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT)
    quota = models.PositiveSmallIntegerField(_("nominations at most"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "organization"], name="honors_branchquota_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.quota}"


class CampaignTransition(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=CampaignStatus.choices)
    to_status = models.CharField(max_length=20, choices=CampaignStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WINNER = "winner", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Nomination(models.Model):
    """推荐: a branch proposes one candidate for one award of a campaign."""

    offer = models.ForeignKey(
        CampaignAward, verbose_name=_("award"), on_delete=models.PROTECT, related_name="nominations"
    )
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("nominating branch"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    recipient_kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    member = models.ForeignKey("branches.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        "branches.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(DemonstrationPost, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    citation = models.TextField(_("citation (deeds)"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    is_top_grade = models.BooleanField(_("top grade"), default=False)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["offer", "organization__path", "id"]
        constraints = [
            *_one_recipient_constraints("honors_nomination"),
            *[
                models.UniqueConstraint(
                    fields=["offer", field],
                    condition=~Q(status="withdrawn") & Q(**{f"{field}__isnull": False}),
                    name=f"honors_nomination_once_{field}",
                )
                for field in RECIPIENT_FIELDS.values()
            ],
            models.CheckConstraint(
                condition=Q(is_top_grade=False) | Q(status="winner"), name="honors_nomination_top_is_winner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.offer.award}"

    @property
    def candidate(self):
        return getattr(self, RECIPIENT_FIELDS[self.recipient_kind])

    @property
    def candidate_organization_id(self) -> int | None:
        """The branch the candidate belongs to (for recusal)."""
        candidate = self.candidate
        if self.recipient_kind == RecipientKind.BRANCH:
            return candidate.pk
        return candidate.organization_id


class NominationEvidence(StoredFile):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="nominations/%Y/%m/", max_length=200)

    class Meta:
        ordering = ["id"]


class Judgement(models.Model):
    """One judge's score (on the award's rubric) or vote on one nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="judgements")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judgements")
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1, null=True, blank=True)
    vote = models.BooleanField(_("vote"), null=True, blank=True)
    comments = models.TextField(_("comments"), max_length=2000, blank=True)
    judged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nomination", "judge_id"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "judge"], name="honors_judgement_once"),
            models.CheckConstraint(
                condition=Q(total__isnull=False) | Q(vote__isnull=False), name="honors_judgement_score_or_vote"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id} → {self.nomination_id}"


class JudgementScore(models.Model):
    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    score = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["judgement", "criterion"], name="honors_judgementscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="honors_judgementscore_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


# --- honours ---------------------------------------------------------------------------------


class HonorSource(models.TextChoices):
    CAMPAIGN = "campaign", _("Award campaign")
    POST = "post", _("Post titled")
    EXTERNAL = "external", _("Entered by hand")


class Honor(models.Model):
    """荣誉: an honour granted to a person, an organization, a project or a post."""

    title = models.CharField(_("honour"), max_length=150)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    granted_by = models.CharField(_("granted by"), max_length=100, help_text=_("e.g. 中共XX公司委员会"))
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=HonorSource.choices)
    recipient_kind = models.CharField(_("awarded to"), max_length=10, choices=RecipientKind.choices)
    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    branch = models.ForeignKey(
        "branches.Organization",
        verbose_name=pgettext_lazy("recipient kind", "Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("innovation project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    post = models.ForeignKey(
        DemonstrationPost,
        verbose_name=_("demonstration post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organization the honour belongs to, for scope and the honours roll."),
    )
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="honors")
    nomination = models.OneToOneField(Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="honor")
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    citation = models.TextField(_("citation"), max_length=5000, blank=True)
    certificate = models.FileField(_("certificate image"), upload_to="certificates/%Y/%m/", max_length=200, blank=True)
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(_("valid"), default=True)
    revoked_reason = models.CharField(_("reason revoked"), max_length=300, blank=True)
    is_public = models.BooleanField(_("shown on the public showcase"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "-quarter", "level", "title", "id"]
        indexes = [models.Index(fields=["year", "level"])]
        constraints = [
            *_one_recipient_constraints("honors_honor"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="honors_honor_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def recipient(self):
        return getattr(self, RECIPIENT_FIELDS[self.recipient_kind])


# --- branch grading, appraisal, liaison (WORKFLOWS §5) ----------------------------------------


class GradeLevel(models.Model):
    """A configurable grade of the yearly branch grading (A / B / C …)."""

    code = models.CharField(_("grade"), max_length=10, unique=True)
    label = models.CharField(_("meaning"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch grade level")
        verbose_name_plural = _("branch grade levels")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}" if self.label else self.code


class BuildingTitle(models.TextChoices):
    """The "1+2+N" scheme: one benchmark, two model, N standard branches."""

    BENCHMARK = "benchmark", _("Benchmark branch")
    MODEL = "model", _("Model branch")
    STANDARD = "standard", _("Standard branch")


class BranchGrade(models.Model):
    """分类定级: one branch's grade and building title for one year."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="grades"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    grade = models.ForeignKey(GradeLevel, verbose_name=_("grade"), on_delete=models.PROTECT)
    building_title = models.CharField(_("building title"), max_length=20, choices=BuildingTitle.choices, blank=True)
    comments = models.TextField(_("comments"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("branch grade")
        verbose_name_plural = _("branch grades")
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="honors_grade_once_a_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}: {self.grade.code}"


class Appraisal(models.Model):
    """群众评议: the satisfaction tally of one branch (or one post of it) for one year."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="appraisals"
    )
    post = models.ForeignKey(
        DemonstrationPost,
        verbose_name=_("demonstration post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals",
        help_text=_("Empty when the branch itself is appraised."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    raters = models.PositiveIntegerField(_("raters"), validators=[MinValueValidator(1)])
    satisfied = models.PositiveIntegerField(_("satisfied"))
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"))
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff appraisal")
        verbose_name_plural = _("staff appraisals")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], condition=Q(post__isnull=True), name="honors_appraisal_branch_once"
            ),
            models.UniqueConstraint(
                fields=["post", "year"], condition=Q(post__isnull=False), name="honors_appraisal_post_once"
            ),
            models.CheckConstraint(
                condition=Q(raters__gte=1)
                & Q(raters__gte=models.F("satisfied") + models.F("basically_satisfied") + models.F("dissatisfied")),
                name="honors_appraisal_votes_within_raters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post or self.organization} {self.year}"

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self) -> Decimal:
        """(满意 + 基本满意) ÷ votes cast, as a percentage with one decimal."""
        if not self.votes:
            return Decimal("0")
        rate = Decimal(self.satisfied + self.basically_satisfied) * 100 / Decimal(self.votes)
        return rate.quantize(Decimal("0.1"))


class Liaison(models.Model):
    """联系点: a committee member assigned to follow a branch."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="liaisons"
    )
    member = models.ForeignKey(
        "branches.Member", verbose_name=_("committee member"), on_delete=models.PROTECT, related_name="liaisons"
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison point")
        verbose_name_plural = _("liaison points")
        ordering = ["organization__path", "-since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="honors_liaison_dates"
            ),
            models.UniqueConstraint(
                fields=["organization", "member"], condition=Q(until__isnull=True), name="honors_liaison_once_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()
