"""The organization tree and its people (DOMAIN.md: Organization, Member)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Party branch")
    PARTY_GROUP = "party_group", _("Party group")


# Which kinds may sit directly under which (a committee may hold a committee: 集团党委 → 公司党委).
ALLOWED_CHILD_KINDS: dict[str, set[str]] = {
    OrgKind.COMMITTEE: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.PARTY_GROUP},
    OrgKind.PARTY_GROUP: set(),
}


class OrganizationQuerySet(MP_NodeQuerySet):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def branches(self) -> OrganizationQuerySet:
        return self.filter(kind=OrgKind.BRANCH)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """Any node of the Party organization tree: 党委 / 党总支 / 党支部 / 党小组."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True, null=True, blank=True)
    order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild", "updated_at"])

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.code == "":
            self.code = None

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    def subtree_q(self, field: str = "") -> models.Q:
        """Q matching objects whose organization lies in this node's subtree."""
        prefix = f"{field}__" if field else ""
        return models.Q(**{f"{prefix}path__startswith": self.path})

    def contains(self, other: Organization | None) -> bool:
        return other is not None and other.path.startswith(self.path)

    def branch(self) -> Organization | None:
        """The 党支部 this node belongs to (itself, or the branch above a party group)."""
        if self.kind == OrgKind.BRANCH:
            return self
        if self.kind == OrgKind.PARTY_GROUP:
            return type(self).objects.get(path=self.path[: -self.steplen])
        return None


class PartyStatus(models.TextChoices):
    FULL = "full", _("Party member")
    PROBATIONARY = "probationary", _("Probationary member")
    NONE = "none", _("Non-party staff")


class PartyPost(models.TextChoices):
    NONE = "", _("None")
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")


class LeaderLevel(models.TextChoices):
    NONE = "", _("Not a leader")
    COMPANY = "company", _("Company-level leader")
    DEPARTMENT = "department", _("Department-level leader")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
phone_validator = RegexValidator(PHONE_RE, _("Enter an 11-digit mobile number starting with 1, e.g. 13800138000."))
employee_no_validator = RegexValidator(
    r"^[A-Za-z0-9-]{2,20}$", _("Employee numbers have 2–20 letters, digits or hyphens.")
)


class MemberQuerySet(models.QuerySet):
    def active(self) -> MemberQuerySet:
        return self.filter(is_active=True)

    def party(self) -> MemberQuerySet:
        return self.exclude(party_status=PartyStatus.NONE)


class Member(models.Model):
    """A person in an organization: party member, probationary member or non-party staff."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    employee_no = models.CharField(_("employee number"), max_length=20, unique=True, validators=[employee_no_validator])
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="members"
    )
    party_status = models.CharField(_("party status"), max_length=20, choices=PartyStatus.choices)
    joined_party_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    party_post = models.CharField(_("party post"), max_length=20, choices=PartyPost.choices, blank=True)
    job_title = models.CharField(_("post (job)"), max_length=50, blank=True)
    skill_grade = models.CharField(_("skill grade"), max_length=30, blank=True)
    leader_level = models.CharField(_("leader level"), max_length=20, choices=LeaderLevel.choices, blank=True)
    on_duty = models.BooleanField(_("on duty"), default=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organization__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(party_status="none") | models.Q(party_post=""),
                name="branches_member_party_post_needs_party",
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["organization", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.party_status == PartyStatus.NONE:
            if self.party_post:
                errors["party_post"] = _("Non-party staff cannot hold a party post.")
            if self.joined_party_on:
                errors["joined_party_on"] = _("Non-party staff have no Party joining date.")
        if self.joined_party_on and self.joined_party_on > timezone.localdate():
            errors["joined_party_on"] = _("The joining date cannot be in the future.")
        if self.organization_id and self.organization.kind not in (OrgKind.BRANCH, OrgKind.PARTY_GROUP):
            errors["organization"] = _("People belong to a party branch or a party group.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_party_member(self) -> bool:
        return self.party_status in (PartyStatus.FULL, PartyStatus.PROBATIONARY)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    """138****8000: lists and exports never show the whole number."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
