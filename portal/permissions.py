"""The one place that decides "may this user do X to this object" (ROLES.md).

Two questions, answered here and nowhere else:

* ``can(user, action, obj=None)`` — may the user take this action (on this
  object)? Rules are ``rules`` predicates: role predicates combined with a
  scope predicate (the object's organization lies in the user's subtree).
* ``scoped_*(user)`` — the querysets a user may see at all. Views fetch objects
  through them, so another branch's id gives 404 rather than someone else's data.

Views call ``require(request, action, obj)``, which raises PermissionDenied and
writes an audit row for the refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.accounts.models import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from branches.models import Organization


# --- role predicates --------------------------------------------------------


def _role(*roles: str) -> rules.Predicate:
    names = "_or_".join(roles)

    @rules.predicate(name=f"has_role_{names}")
    def check(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in roles)

    return check


is_staff_role = _role(Role.STAFF)
is_secretary = _role(Role.SECRETARY)
is_reviewer = _role(Role.REVIEWER)
is_committee_admin = _role(Role.COMMITTEE_ADMIN)
is_sysadmin = _role(Role.SYSADMIN)
is_auditor = _role(Role.AUDITOR)
is_business_user = _role(Role.STAFF, Role.SECRETARY, Role.REVIEWER, Role.COMMITTEE_ADMIN)
is_roster_reader = _role(Role.SECRETARY, Role.REVIEWER, Role.COMMITTEE_ADMIN)
is_roster_keeper = _role(Role.SECRETARY, Role.COMMITTEE_ADMIN)


def organization_of(obj: Any) -> Organization | None:
    """The organization an object belongs to, for scope checks."""
    from branches.models import Organization

    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj
    return getattr(obj, "organization", None)


def in_scope_of(user, org: Organization | None) -> bool:
    if org is None or not user.is_authenticated:
        return False
    if user.role in (Role.SYSADMIN, Role.AUDITOR):
        return True
    scope = user.scope
    return scope is not None and org.path.startswith(scope.path)


@rules.predicate
def in_scope(user, obj) -> bool:
    return in_scope_of(user, organization_of(obj))


@rules.predicate
def is_active_object(user, obj) -> bool:
    return obj is None or getattr(obj, "is_active", True)


# --- the rule table: action -> predicate -------------------------------------

permissions = rules.RuleSet()

# Workbench and own account: every signed-in role.
permissions.add_rule("workbench.view", rules.is_authenticated & rules.is_active)
permissions.add_rule("account.change_password", rules.is_authenticated & rules.is_active)

# Organizations: the tree is readable within scope by business roles; the committee office keeps it.
permissions.add_rule("organization.list", is_business_user)
permissions.add_rule("organization.view", is_business_user & in_scope)
permissions.add_rule("organization.create", is_committee_admin)
permissions.add_rule("organization.add_child", is_committee_admin & in_scope & is_active_object)
permissions.add_rule("organization.change", is_committee_admin & in_scope)
permissions.add_rule("organization.deactivate", is_committee_admin & in_scope)
permissions.add_rule("organization.view_history", (is_committee_admin & in_scope) | is_auditor)
permissions.add_rule("organization.manage", is_committee_admin)  # role level: edit, deactivate
permissions.add_rule("organization.history", is_committee_admin | is_auditor)  # role level
permissions.add_rule("organization.export", is_roster_reader)  # the ledger (台账) of the scope

# Members (the roster holds personal data): secretaries, reviewers and the committee office, in scope.
permissions.add_rule("member.list", is_roster_reader)
permissions.add_rule("member.view", is_roster_reader & in_scope)
permissions.add_rule("member.create", is_roster_keeper)
permissions.add_rule("member.create_in", is_roster_keeper & in_scope & is_active_object)
permissions.add_rule("member.change", is_roster_keeper & in_scope)
permissions.add_rule("member.deactivate", is_roster_keeper & in_scope)
permissions.add_rule("member.view_phone", is_roster_keeper & in_scope)
permissions.add_rule("member.view_history", (is_roster_keeper & in_scope) | is_auditor)
permissions.add_rule("member.manage", is_roster_keeper)  # role level: edit, deactivate, full phone
permissions.add_rule("member.history", is_roster_keeper | is_auditor)  # role level
permissions.add_rule("member.export", is_roster_reader)  # the roster ledger; full phones only with member.view_phone

# Audit log and change history: the auditor only (三员分立).
permissions.add_rule("audit.view", is_auditor)

# Django admin site: accounts and configuration (system admin), business data (committee admin).
permissions.add_rule("admin.site", is_sysadmin | is_committee_admin)
permissions.add_rule("admin.accounts", is_sysadmin)
permissions.add_rule("admin.business", is_committee_admin)
permissions.add_rule("admin.security", is_sysadmin)


def can(user, action: str, obj: Any = None) -> bool:
    if action not in permissions:
        raise KeyError(f"unknown action {action!r}")
    return permissions.test_rule(action, user, obj)


def require(request: HttpRequest, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (and audit the refusal) unless the user may take the action."""
    if can(request.user, action, obj):
        return
    from portal.audit.log import record
    from portal.audit.models import Event, Result

    record(
        event=Event.ACCESS_DENIED,
        user=request.user,
        obj=obj if hasattr(obj, "_meta") else None,
        result=Result.DENIED,
        detail={"action": action, "path": request.path[:200], "method": request.method},
    )
    raise PermissionDenied(action)


# --- scoped querysets ---------------------------------------------------------


def scope_q(user, field: str = "organization") -> Q:
    """Rows whose organization (reached through ``field``) lies in the user's scope."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role in (Role.SYSADMIN, Role.AUDITOR):
        return Q()
    if user.scope_id is None:
        return Q(pk__in=[])
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": user.scope.path})


def scoped_organizations(user) -> QuerySet:
    from branches.models import Organization

    if not can(user, "organization.list"):
        return Organization.objects.none()
    return Organization.objects.filter(scope_q(user, field=""))


def scoped_members(user) -> QuerySet:
    from branches.models import Member

    if not can(user, "member.list"):
        return Member.objects.none()
    return Member.objects.filter(scope_q(user)).select_related("organization")


# --- innovation projects (issue 3) ---------------------------------------------------------


@rules.predicate
def project_is_published(user, project) -> bool:
    from projects.models import PUBLISHED_STATUSES

    return project is not None and project.status in PUBLISHED_STATUSES


@rules.predicate
def project_is_editable(user, project) -> bool:
    from projects.models import Status

    return project is not None and project.status == Status.DRAFT


@rules.predicate
def project_in_publicity(user, project) -> bool:
    from projects.models import Status

    return project is not None and project.status == Status.APPROVED


@rules.predicate
def project_is_running(user, project) -> bool:
    from projects.models import Status

    return project is not None and project.status in (Status.APPROVED, Status.IN_PROGRESS)


@rules.predicate
def project_accepts_files(user, project) -> bool:
    from projects.models import Status

    return project is not None and project.status not in (Status.REJECTED, Status.TERMINATED, Status.EVALUATED)


is_reviewer_or_admin = _role(Role.REVIEWER, Role.COMMITTEE_ADMIN)

permissions.add_rule("project.list", is_business_user)
permissions.add_rule("project.view", (is_business_user & project_is_published) | (is_roster_reader & in_scope))
permissions.add_rule("project.create", is_secretary)
permissions.add_rule("project.create_in", is_secretary & in_scope & is_active_object)
permissions.add_rule("project.edit", is_secretary & in_scope & project_is_editable)
permissions.add_rule("project.act", (is_secretary | is_reviewer_or_admin) & in_scope)
permissions.add_rule("project.review_queue", is_reviewer_or_admin)
permissions.add_rule("project.report", is_secretary & in_scope & project_is_running)
permissions.add_rule("project.object", is_business_user & project_in_publicity)
permissions.add_rule("project.resolve_objection", is_committee_admin & in_scope)
permissions.add_rule("project.evaluate", is_reviewer_or_admin & in_scope)
permissions.add_rule("project.review", is_reviewer_or_admin & in_scope)  # decide applications and completions
permissions.add_rule("project.committee", is_committee_admin)  # role level: objections, extensions, termination
permissions.add_rule("project.terminate", is_committee_admin & in_scope)
permissions.add_rule("project.decide_extension", is_committee_admin & in_scope)
permissions.add_rule("project.print", is_roster_reader & in_scope)
permissions.add_rule("project.attach", is_secretary & in_scope & project_accepts_files)
permissions.add_rule("project.download", (is_business_user & project_is_published) | (is_roster_reader & in_scope))
permissions.add_rule("project.export", is_roster_reader)  # project and results ledgers of the scope
permissions.add_rule("plan.list", is_roster_reader)
permissions.add_rule("plan.create", is_secretary)
permissions.add_rule("plan.create_in", is_secretary & in_scope)


def scoped_projects(user) -> QuerySet:
    """Projects a user may open: own scope in any state (secretaries, reviewers, committee office),
    and everyone's from publicity on (all business roles)."""
    from projects.models import PUBLISHED_STATUSES, Project

    if not can(user, "project.list"):
        return Project.objects.none()
    visible = Q(status__in=PUBLISHED_STATUSES)
    if can(user, "member.list"):
        visible |= scope_q(user)
    return Project.objects.filter(visible)


# --- review rounds (issue 4) ------------------------------------------------------------------

permissions.add_rule("round.list", is_reviewer_or_admin | is_secretary)
permissions.add_rule("round.manage", is_committee_admin & in_scope)
permissions.add_rule("round.review", is_reviewer_or_admin & in_scope)
permissions.add_rule("round.answer", is_secretary & in_scope)
# Role-level checks of the round pages (403 before the scoped fetch's 404).
permissions.add_rule("round.manage_any", is_committee_admin)  # create, items, transitions, export, branch comments
permissions.add_rule("round.review_any", is_reviewer_or_admin)  # fill checklists, raise and confirm findings
permissions.add_rule("round.answer_any", is_secretary)  # answer findings


def scoped_rounds(user) -> QuerySet:
    """Review rounds a user may open. Reviewers and the committee office: rounds run by an organization in
    their subtree or above it. Secretaries: rounds that hold a check of a project in their scope."""
    from projects.models import ProjectCheck, ReviewRound

    if not can(user, "round.list") or user.scope_id is None:
        return ReviewRound.objects.none()
    if user.role == Role.SECRETARY:
        checks = ProjectCheck.objects.filter(scope_q(user), round=OuterRef("pk"))
        return ReviewRound.objects.filter(Exists(checks))
    path, step = user.scope.path, user.scope.steplen
    ancestors = [path[:n] for n in range(step, len(path), step)]
    return ReviewRound.objects.filter(Q(organization__path__startswith=path) | Q(organization__path__in=ancestors))


def scoped_checks(user) -> QuerySet:
    """Checks of projects in the user's scope, in rounds the user may open."""
    from projects.models import ProjectCheck

    return ProjectCheck.objects.filter(scope_q(user), round__in=scoped_rounds(user))


# --- demonstration posts, campaigns, honours, grading (issue 5) ---------------------------------


@rules.predicate
def post_is_visible(user, post) -> bool:
    """Posts in building or titled are known to all staff (their pledge is public)."""
    from honors.models import PostStatus

    return post is not None and post.status in (PostStatus.BUILDING, PostStatus.TITLED)


@rules.predicate
def post_is_editable(user, post) -> bool:
    return post is not None and post.is_editable


@rules.predicate
def post_takes_activities(user, post) -> bool:
    return post is not None and post.takes_activities


@rules.predicate
def campaign_in_reach(user, campaign) -> bool:
    """The campaign is run by an organization in the user's scope or above it."""
    if campaign is None or not user.is_authenticated or user.scope_id is None:
        return False
    run_by, scope = campaign.organization.path, user.scope.path
    return scope.startswith(run_by) or run_by.startswith(scope)


@rules.predicate
def campaign_runs_in_scope(user, campaign) -> bool:
    return campaign is not None and in_scope_of(user, campaign.organization)


permissions.add_rule("post.list", is_business_user)
permissions.add_rule("post.view", (is_business_user & post_is_visible) | (is_roster_reader & in_scope))
permissions.add_rule("post.create", is_secretary)
permissions.add_rule("post.create_in", is_secretary & in_scope & is_active_object)
permissions.add_rule("post.edit", is_secretary & in_scope & post_is_editable)
permissions.add_rule("post.record_activity", is_secretary & in_scope & post_takes_activities)
permissions.add_rule("post.review_any", is_reviewer_or_admin)  # role level: accept, reject, assess
permissions.add_rule("post.review", is_reviewer_or_admin & in_scope)
permissions.add_rule("post.export", is_roster_reader)

permissions.add_rule("campaign.list", is_secretary | is_reviewer_or_admin)


@rules.predicate
def campaign_is_announced(user, campaign) -> bool:
    from honors.models import CampaignStatus

    return campaign is not None and campaign.status != CampaignStatus.DRAFT


permissions.add_rule(
    "campaign.view",
    (is_secretary & campaign_in_reach & campaign_is_announced) | (is_reviewer_or_admin & campaign_in_reach),
)
permissions.add_rule("campaign.manage_any", is_committee_admin)  # role level: create, offers, transitions, winners
permissions.add_rule("campaign.manage", is_committee_admin & campaign_runs_in_scope)
permissions.add_rule("campaign.judge_any", is_reviewer_or_admin)  # role level; the service checks the judges list
permissions.add_rule("nomination.create_any", is_secretary)  # role level
permissions.add_rule("nomination.create", is_secretary & in_scope & is_active_object)  # obj: the nominating branch
permissions.add_rule("nomination.view", (is_secretary & in_scope) | is_reviewer_or_admin)
permissions.add_rule("nomination.withdraw", is_secretary & in_scope)

permissions.add_rule("honor.list", is_business_user)
permissions.add_rule("honor.view", is_business_user)
permissions.add_rule("honor.create_any", is_committee_admin)  # role level: external honours
permissions.add_rule("honor.create", is_committee_admin & in_scope)
permissions.add_rule("honor.revoke", is_committee_admin & in_scope)
permissions.add_rule("honor.export", is_roster_reader)

permissions.add_rule("grade.list", is_roster_reader)
permissions.add_rule("grade.view", is_roster_reader & in_scope)
permissions.add_rule("grade.manage_any", is_committee_admin)  # role level: grades, appraisals, liaisons
permissions.add_rule("grade.manage", is_committee_admin & in_scope)


def scoped_posts(user) -> QuerySet:
    """Posts a user may open: own scope in any state (roster readers), everyone's in building or titled."""
    from honors.models import DemonstrationPost, PostStatus

    if not can(user, "post.list"):
        return DemonstrationPost.objects.none()
    visible = Q(status__in=[PostStatus.BUILDING, PostStatus.TITLED])
    if can(user, "member.list"):
        visible |= scope_q(user)
    return DemonstrationPost.objects.filter(visible)


def scoped_campaigns(user) -> QuerySet:
    """Campaigns run in the user's subtree or above it; secretaries do not see drafts."""
    from honors.models import Campaign, CampaignStatus

    if not can(user, "campaign.list") or user.scope_id is None:
        return Campaign.objects.none()
    path, step = user.scope.path, user.scope.steplen
    ancestors = [path[:n] for n in range(step, len(path) + 1, step)]
    campaigns = Campaign.objects.filter(Q(organization__path__startswith=path) | Q(organization__path__in=ancestors))
    if user.role == Role.SECRETARY:
        campaigns = campaigns.exclude(status=CampaignStatus.DRAFT)
    return campaigns


def scoped_nominations(user) -> QuerySet:
    """Secretaries: their branches' nominations. Reviewers and the committee office: all nominations of the
    campaigns they may open."""
    from honors.models import Nomination

    if not can(user, "campaign.list"):
        return Nomination.objects.none()
    nominations = Nomination.objects.filter(offer__campaign__in=scoped_campaigns(user))
    if user.role == Role.SECRETARY:
        nominations = nominations.filter(scope_q(user))
    return nominations


def scoped_honors(user) -> QuerySet:
    """Valid honours are readable by every business role (the roll is public); revoked ones in scope only."""
    from honors.models import Honor

    if not can(user, "honor.list"):
        return Honor.objects.none()
    visible = Q(is_active=True)
    if can(user, "member.list"):
        visible |= scope_q(user)
    return Honor.objects.filter(visible)


def scoped_grades(user) -> QuerySet:
    from honors.models import BranchGrade

    if not can(user, "grade.list"):
        return BranchGrade.objects.none()
    return BranchGrade.objects.filter(scope_q(user))


# --- public showcase (issue 6) ------------------------------------------------------------------

permissions.add_rule("story.manage", is_committee_admin)  # role level: the story list, new stories
permissions.add_rule("story.edit", is_committee_admin & in_scope)  # edit, images, publish
permissions.add_rule("showcase.publish_any", is_committee_admin)  # role level: publish projects, posts, honours
permissions.add_rule("showcase.publish", is_committee_admin & in_scope)


def scoped_stories(user) -> QuerySet:
    from portal.showcase.models import Story

    if not can(user, "story.manage"):
        return Story.objects.none()
    return Story.objects.filter(scope_q(user))


# --- statistics (issue 6) ------------------------------------------------------------------------
# Reviewers and the committee office for their scope, secretaries for their branch (the scope choices
# come from the user's own scope: portal.statistics.views.scope_choices).
permissions.add_rule("statistics.view", is_roster_reader)
permissions.add_rule("statistics.export", is_roster_reader)

# --- spreadsheet imports (issue 7) ----------------------------------------------------------------
# Role level: the engine itself keeps a secretary's roster import inside the secretary's own scope.
permissions.add_rule("import.organizations", is_committee_admin)
permissions.add_rule("import.members", is_roster_keeper)
permissions.add_rule("import.projects", is_committee_admin)
permissions.add_rule("import.any", is_roster_keeper)  # any of the three: the import pages and the navigation
permissions.add_rule("import.view_all", is_committee_admin)  # others' runs in scope, and the command line's
