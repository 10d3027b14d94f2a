"""State changes of posts, campaigns, nominations, honours, grades, appraisals and liaisons.

Each function is keyword-only, atomic, checks role, scope and state, refuses bad input with a
clear message (``TransitionError`` for steps, ``ValidationError`` for fields) and is audited.
``post_transition`` and ``campaign_transition`` are the only appliers of honors/workflow.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches.models import Member, Organization, OrgKind
from portal.audit.log import diff, record
from portal.audit.models import Event
from portal.exceptions import ConflictError
from portal.permissions import can, in_scope_of

from .models import (
    RECIPIENT_FIELDS,
    ActivityPhoto,
    Appraisal,
    Award,
    BranchGrade,
    BranchQuota,
    Campaign,
    CampaignAward,
    CampaignStatus,
    CampaignTransition,
    Criterion,
    DemonstrationPost,
    GradeLevel,
    Honor,
    HonorSource,
    Judgement,
    JudgementScore,
    Liaison,
    Nomination,
    NominationEvidence,
    NominationStatus,
    PostActivity,
    PostAssessment,
    PostAssessmentScore,
    PostMember,
    PostStatus,
    PostTransition,
    RecipientKind,
    Rubric,
    RubricUse,
)
from .workflow import ASSESSMENT_ACTIONS, CAMPAIGN_TRANSITIONS, POST_TRANSITIONS, TransitionError

MAX_FILES_PER_UPLOAD = 10


@dataclass(frozen=True)
class PostMemberEntry:
    member: Member
    duty: str = ""


def _full_clean_save(obj, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude))
    obj.save()


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise ConflictError()


def _branch_of(org: Organization | None) -> Organization | None:
    """The organization that counts as "the branch" of a node (a party group counts as its branch)."""
    if org is None:
        return None
    return org.branch() or org


def _notify(*, users, text: str, url: str, by) -> None:
    from portal.workbench.services import notify

    notify(users=users, text=text, url=url, exclude=by)


def _reviewers_of(org: Organization):
    from portal.accounts.models import Role
    from portal.workbench.services import users_covering

    return users_covering(org, [Role.REVIEWER, Role.COMMITTEE_ADMIN])


def _secretaries_of(org: Organization):
    from portal.workbench.services import branch_secretaries

    return branch_secretaries(org)


def _store_files(*, files: Sequence, model, parent_field: str, parent, by, images_only: bool) -> list:
    """Check (by content) and store uploaded files for one parent row."""
    from projects import files as checks
    from projects.models import AttachmentKind

    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            {"files": _("At most %(limit)s files may be uploaded at once.") % {"limit": MAX_FILES_PER_UPLOAD}}
        )
    # Check every file before storing any, so that a refused file leaves nothing behind on disk.
    checked_files = [u if isinstance(u, checks.CheckedFile) else checks.check_upload(u) for u in files]
    for checked in checked_files:
        if images_only and checked.kind != AttachmentKind.PHOTO:
            raise ValidationError(
                {"files": _("“%(name)s” is not an image; photos must be images.") % {"name": checked.name}}
            )
    stored = []
    for checked in checked_files:
        row = model(
            **{parent_field: parent},
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        content = checked.stored_file()
        row.file.save(content.name, content, save=False)
        row.save()
        stored.append(row)
    return stored


# --- demonstration posts ------------------------------------------------------------------------

POST_FIELDS = ("kind", "name", "organization", "leader", "pledge", "plan", "year")


def _validate_post_people(*, organization: Organization, leader: Member, members: Sequence[PostMemberEntry]) -> None:
    errors: list[str] = []
    if not leader.is_active or not organization.contains(leader.organization):
        errors.append(_("The leader must be an active person of this branch."))
    elif not leader.is_party_member:
        errors.append(_("The leader of a demonstration post must be a Party member."))
    seen: set[int] = set()
    for entry in members:
        if entry.member.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": entry.member.name})
        seen.add(entry.member.pk)
        if not entry.member.is_active or not organization.contains(entry.member.organization):
            errors.append(_("%(name)s is not an active person of this branch.") % {"name": entry.member.name})
    if errors:
        raise ValidationError({"members": errors})


def _save_post_members(*, post: DemonstrationPost, members: Sequence[PostMemberEntry]) -> None:
    post.memberships.all().delete()
    PostMember.objects.bulk_create([PostMember(post=post, member=e.member, duty=e.duty[:100]) for e in members])


@transaction.atomic
def post_create(*, by, data: Mapping[str, Any], members: Sequence[PostMemberEntry] = ()) -> DemonstrationPost:
    """A branch applies for a demonstration post (争创): the post starts as "applied"."""
    organization = data.get("organization")
    if organization is None or not can(by, "post.create_in", organization):
        raise TransitionError(_("Posts are applied for by the secretary of their branch."))
    if organization.kind != OrgKind.BRANCH:
        raise ValidationError({"organization": _("A demonstration post belongs to a Party branch.")})
    post = DemonstrationPost(**{f: data[f] for f in POST_FIELDS if f in data}, created_by=by)
    _full_clean_save(post)
    _validate_post_people(organization=organization, leader=post.leader, members=members)
    _save_post_members(post=post, members=members)
    PostTransition.objects.create(
        post=post, action="apply", from_status=PostStatus.APPLIED, to_status=PostStatus.APPLIED, by=by
    )
    record(event=Event.CREATE, user=by, obj=post, detail={"kind": post.kind, "status": post.status})
    _notify(
        users=_reviewers_of(organization),
        text=_("New demonstration post application: %(name)s") % {"name": post.name},
        url=reverse("honors:post_detail", args=[post.pk]),
        by=by,
    )
    return post


@transaction.atomic
def post_update(
    *, post: DemonstrationPost, by, data: Mapping[str, Any], members: Sequence[PostMemberEntry], version: int | None
) -> DemonstrationPost:
    locked = DemonstrationPost.objects.select_for_update().get(pk=post.pk)
    _check_version(locked, version)
    if not can(by, "post.edit", locked):
        raise TransitionError(_("A post can be edited by its branch while it is applied for or being built."))
    before = {f: getattr(locked, f) for f in POST_FIELDS}
    for field in POST_FIELDS:
        if field in data and field != "organization":
            setattr(locked, field, data[field])
    locked.version += 1
    _full_clean_save(locked)
    _validate_post_people(organization=locked.organization, leader=locked.leader, members=members)
    _save_post_members(post=locked, members=members)
    record(event=Event.UPDATE, user=by, obj=locked, detail=diff(before, {f: getattr(locked, f) for f in POST_FIELDS}))
    return locked


@transaction.atomic
def post_transition(
    *, post: DemonstrationPost, action: str, by, comment: str = "", year: int | None = None
) -> DemonstrationPost:
    """Apply one step of the post table, or refuse it with a clear message. Logs, audits, notifies."""
    transition = POST_TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    locked = DemonstrationPost.objects.select_for_update().select_related("organization").get(pk=post.pk)
    if locked.status not in transition.sources:
        raise TransitionError(
            _("This post is “%(status)s”: “%(action)s” is not possible now (perhaps someone already did it).")
            % {"status": locked.get_status_display(), "action": transition.label}
        )
    if by is None or by.role not in transition.roles or not can(by, "post.review", locked):
        raise TransitionError(_("Your role may not take this step on this post."))
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise TransitionError(_("Please give a reason in the comment."))
    if len(comment) > 2000:
        raise TransitionError(_("The comment is too long (at most 2000 characters)."))
    if transition.by_form and year is None:
        raise TransitionError(_("Fill in the assessment form to take this step."))
    from_status = locked.status
    locked.status = transition.target
    if action == "title":
        locked.titled_year = year
    if action in ("title", "keep", "revoke"):
        locked.last_reviewed_year = year
    locked.version += 1
    locked.save()
    PostTransition.objects.create(
        post=locked, action=action, from_status=from_status, to_status=locked.status, by=by, comment=comment
    )
    record(
        event=Event.TRANSITION, user=by, obj=locked, detail={"action": action, "from": from_status, "to": locked.status}
    )
    _notify(
        users=_secretaries_of(locked.organization),
        text=_("Demonstration post “%(name)s”: %(action)s") % {"name": locked.name, "action": transition.label},
        url=reverse("honors:post_detail", args=[locked.pk]),
        by=by,
    )
    return locked


def post_rubric() -> Rubric:
    rubric = Rubric.objects.filter(use=RubricUse.POST, is_active=True).prefetch_related("criteria").first()
    if rubric is None or not rubric.criteria.exists():
        raise TransitionError(_("No active post rubric is configured; the committee office sets one up in the admin."))
    return rubric


def _parse_scores(*, rubric: Rubric, scores: Mapping[int, Any]) -> dict[Criterion, Decimal]:
    """Every criterion scored, each between 0 and its maximum, at most one decimal."""
    errors: list[str] = []
    parsed: dict[Criterion, Decimal] = {}
    for criterion in rubric.criteria.all():
        raw = scores.get(criterion.pk)
        if raw is None or str(raw).strip() == "":
            errors.append(_("“%(title)s” has no score.") % {"title": criterion.title})
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors.append(_("“%(title)s”: “%(value)s” is not a number.") % {"title": criterion.title, "value": raw})
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_score or value != value.quantize(Decimal("0.1")):
            errors.append(
                _("“%(title)s”: the score must be between 0 and %(max)s (one decimal at most).")
                % {"title": criterion.title, "max": criterion.max_score}
            )
            continue
        parsed[criterion] = value
    unknown = set(scores) - {c.pk for c in rubric.criteria.all()}
    if unknown:
        errors.append(_("Scores were given for criteria that are not on this rubric."))
    if errors:
        raise ValidationError({"scores": errors})
    return parsed


@transaction.atomic
def post_assess(
    *, post: DemonstrationPost, by, scores: Mapping[int, Any], comments: str = "", year: int | None = None
) -> PostAssessment:
    """Assess a post against the post rubric (验收 while building, the yearly review once titled).

    The total decides the outcome: at or above the pass mark the post is titled (or keeps its title),
    below it the post keeps building (or loses its title) — a reason is then required.
    """
    locked = DemonstrationPost.objects.select_for_update().get(pk=post.pk)
    if locked.status not in ASSESSMENT_ACTIONS:
        raise TransitionError(
            _("This post is “%(status)s”: it cannot be assessed now.") % {"status": locked.get_status_display()}
        )
    if not can(by, "post.review", locked):
        raise TransitionError(_("Your role may not take this step on this post."))
    year = year or timezone.localdate().year
    if locked.status == PostStatus.TITLED and year in (locked.titled_year, locked.last_reviewed_year):
        raise TransitionError(_("This post has already been assessed for %(year)s.") % {"year": year})
    rubric = post_rubric()
    parsed = _parse_scores(rubric=rubric, scores=scores)
    total = sum(parsed.values(), Decimal("0"))
    passed = total >= rubric.pass_score
    action = ASSESSMENT_ACTIONS[locked.status][0 if passed else 1]
    comments = (comments or "").strip()
    if not passed and not comments:
        raise ValidationError(
            {
                "comments": _("The total %(total)s is below the pass mark %(pass)s: say what must improve.")
                % {"total": total, "pass": rubric.pass_score}
            }
        )
    assessment = PostAssessment.objects.create(
        post=locked,
        rubric=rubric,
        year=year,
        action=action,
        total=total,
        passed=passed,
        comments=comments,
        assessed_by=by,
    )
    PostAssessmentScore.objects.bulk_create(
        [PostAssessmentScore(assessment=assessment, criterion=c, score=s) for c, s in parsed.items()]
    )
    comment = _("Assessment total %(total)s (pass mark %(pass)s).") % {"total": total, "pass": rubric.pass_score}
    if comments:
        comment = f"{comment} {comments}"
    locked = post_transition(post=locked, action=action, by=by, comment=comment, year=year)
    if action == "title":
        Honor.objects.create(
            title=_post_title(locked),
            level=_post_title_level(),
            year=year,
            granted_by=_granting_body(locked.organization),
            granted_on=timezone.localdate(),
            source=HonorSource.POST,
            recipient_kind=RecipientKind.POST,
            post=locked,
            organization=locked.organization,
            citation=locked.pledge[:5000],
            created_by=by,
        )
    elif action == "revoke":
        for honor in Honor.objects.select_for_update().filter(post=locked, source=HonorSource.POST, is_active=True):
            honor.is_active = False
            honor.revoked_reason = comments[:300]
            honor.save(update_fields=["is_active", "revoked_reason"])
    return assessment


def _post_title(post: DemonstrationPost) -> str:
    """The title granted, in the programme's own language (it is a name, like an award's)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(post.get_kind_display())


def _post_title_level() -> str:
    from .models import Level

    return Level.COMPANY


def _granting_body(org: Organization) -> str:
    """The committee above an organization, which grants its titles."""
    ancestors = [org.path[:n] for n in range(org.steplen, len(org.path), org.steplen)]
    committee = Organization.objects.filter(path__in=ancestors, kind=OrgKind.COMMITTEE).order_by("-depth").first()
    return (committee or org).name[:100]


@transaction.atomic
def activity_add(*, post: DemonstrationPost, by, data: Mapping[str, Any], photos: Sequence = ()) -> PostActivity:
    locked = DemonstrationPost.objects.select_for_update().get(pk=post.pk)
    if not can(by, "post.record_activity", locked):
        raise TransitionError(_("Activities are recorded by the post's branch while it is being built or titled."))
    activity = PostActivity(
        post=locked,
        date=data.get("date"),
        title=data.get("title", ""),
        description=data.get("description", ""),
        created_by=by,
    )
    _full_clean_save(activity)
    if activity.date > timezone.localdate():
        raise ValidationError({"date": _("An activity cannot be recorded before it happens.")})
    _store_files(files=photos, model=ActivityPhoto, parent_field="activity", parent=activity, by=by, images_only=True)
    record(event=Event.CREATE, user=by, obj=activity, detail={"post": locked.pk, "photos": len(photos)})
    return activity


# --- campaigns ---------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "organization",
    "year",
    "quarter",
    "description",
    "nomination_opens_on",
    "nomination_closes_on",
    "publicity_days",
)


def _validate_judges(*, campaign: Campaign, judges: Iterable) -> list:
    from portal.accounts.models import Role

    judges = list(judges)
    bad = [
        j
        for j in judges
        if not j.is_active
        or j.role not in (Role.REVIEWER, Role.COMMITTEE_ADMIN)
        or j.scope_id is None
        or not (
            j.scope.path.startswith(campaign.organization.path) or campaign.organization.path.startswith(j.scope.path)
        )
    ]
    if bad:
        raise ValidationError(
            {
                "judges": _("Judges must be active reviewers or committee staff of this committee: %(names)s")
                % {"names": "、".join(str(j) for j in bad)}
            }
        )
    return judges


@transaction.atomic
def campaign_create(*, by, data: Mapping[str, Any], judges: Iterable = ()) -> Campaign:
    organization = data.get("organization")
    if organization is None or not can(by, "campaign.manage_any") or not in_scope_of(by, organization):
        raise TransitionError(_("Campaigns are run by the committee office, within its scope."))
    if organization.kind not in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        raise ValidationError({"organization": _("A campaign is run by a Party committee or general branch.")})
    campaign = Campaign(**{f: data[f] for f in CAMPAIGN_FIELDS if f in data}, created_by=by)
    _full_clean_save(campaign)
    campaign.judges.set(_validate_judges(campaign=campaign, judges=judges))
    CampaignTransition.objects.create(
        campaign=campaign, action="create", from_status=CampaignStatus.DRAFT, to_status=CampaignStatus.DRAFT, by=by
    )
    record(event=Event.CREATE, user=by, obj=campaign, detail={"year": campaign.year, "quarter": campaign.quarter})
    return campaign


def _lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, by, data: Mapping[str, Any], judges: Iterable | None = None, version: int | None = None
) -> Campaign:
    """Edit a campaign: everything while a draft; the window, notice and judges until judging ends."""
    locked = _lock_campaign(campaign)
    _check_version(locked, version)
    if not can(by, "campaign.manage", locked):
        raise TransitionError(_("Campaigns are run by the committee office, within its scope."))
    if locked.status in (CampaignStatus.PUBLICITY, CampaignStatus.AWARDED):
        raise TransitionError(_("The results are published: the campaign can no longer be changed."))
    editable = (
        CAMPAIGN_FIELDS
        if locked.status == CampaignStatus.DRAFT
        else ("description", "nomination_closes_on", "publicity_days")
    )
    refused = [f for f in data if f in CAMPAIGN_FIELDS and f not in editable and data[f] != getattr(locked, f)]
    if refused:
        raise TransitionError(
            _("Once nominations are open only the notice, the closing date and the publicity days may change.")
        )
    before = {f: getattr(locked, f) for f in CAMPAIGN_FIELDS}
    for field in editable:
        if field in data:
            setattr(locked, field, data[field])
    locked.version += 1
    _full_clean_save(locked)
    if judges is not None:
        locked.judges.set(_validate_judges(campaign=locked, judges=judges))
    record(
        event=Event.UPDATE, user=by, obj=locked, detail=diff(before, {f: getattr(locked, f) for f in CAMPAIGN_FIELDS})
    )
    return locked


@transaction.atomic
def offer_save(
    *,
    campaign: Campaign,
    by,
    award: Award,
    quota: int,
    branch_quota: int,
    top_grade_label: str = "",
    top_grade_cap_percent: int | None = None,
) -> CampaignAward:
    """Put an award on offer in a draft campaign (or change its quotas)."""
    locked = _lock_campaign(campaign)
    if not can(by, "campaign.manage", locked):
        raise TransitionError(_("Campaigns are run by the committee office, within its scope."))
    if locked.status != CampaignStatus.DRAFT:
        raise TransitionError(_("Awards and quotas are set while the campaign is a draft."))
    if not award.is_active:
        raise ValidationError({"award": _("This award type is no longer in use.")})
    offer = CampaignAward.objects.filter(campaign=locked, award=award).first() or CampaignAward(
        campaign=locked, award=award
    )
    offer.quota, offer.branch_quota = quota, branch_quota
    offer.top_grade_label = (top_grade_label or "").strip()
    offer.top_grade_cap_percent = top_grade_cap_percent if offer.top_grade_label else None
    _full_clean_save(offer, exclude=["campaign"])
    record(
        event=Event.UPDATE,
        user=by,
        obj=locked,
        detail={"offer": award.name, "quota": quota, "branch_quota": branch_quota},
    )
    return offer


@transaction.atomic
def offer_remove(*, offer: CampaignAward, by) -> None:
    locked = _lock_campaign(offer.campaign)
    if not can(by, "campaign.manage", locked):
        raise TransitionError(_("Campaigns are run by the committee office, within its scope."))
    if locked.status != CampaignStatus.DRAFT:
        raise TransitionError(_("Awards and quotas are set while the campaign is a draft."))
    record(event=Event.UPDATE, user=by, obj=locked, detail={"offer_removed": offer.award.name})
    offer.delete()


@transaction.atomic
def branch_quota_set(*, offer: CampaignAward, by, organization: Organization, quota: int | None) -> None:
    """Give one branch its own nomination quota for an award (None: back to the default)."""
    locked = _lock_campaign(offer.campaign)
    if not can(by, "campaign.manage", locked) or locked.status != CampaignStatus.DRAFT:
        raise TransitionError(_("Awards and quotas are set while the campaign is a draft."))
    if not locked.organization.contains(organization):
        raise ValidationError({"organization": _("This branch is outside the campaign's committee.")})
    if quota is None:
        BranchQuota.objects.filter(offer=offer, organization=organization).delete()
        return
    if quota < 0 or quota > 1000:
        raise ValidationError({"quota": _("A quota is a whole number between 0 and 1000.")})
    BranchQuota.objects.update_or_create(offer=offer, organization=organization, defaults={"quota": quota})


@transaction.atomic
def campaign_transition(*, campaign: Campaign, action: str, by, comment: str = "") -> Campaign:
    """Apply one step of the campaign table, or refuse it with a clear message. Logs, audits, notifies."""
    transition = CAMPAIGN_TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    locked = _lock_campaign(campaign)
    if locked.status not in transition.sources:
        raise TransitionError(
            _("This campaign is “%(status)s”: “%(action)s” is not possible now (perhaps someone already did it).")
            % {"status": locked.get_status_display(), "action": transition.label}
        )
    if by is None or by.role not in transition.roles or not can(by, "campaign.manage", locked):
        raise TransitionError(_("Your role may not take this step on this campaign."))
    comment = (comment or "").strip()
    today = timezone.localdate()
    if action == "finalize" and locked.publicity_ends_on and today < locked.publicity_ends_on and not comment:
        raise TransitionError(
            _("The publicity period runs until %(date)s. To finalize earlier, give the reason in the comment.")
            % {"date": locked.publicity_ends_on}
        )
    if transition.needs_comment and not comment:
        raise TransitionError(_("Please give a reason in the comment."))
    if len(comment) > 2000:
        raise TransitionError(_("The comment is too long (at most 2000 characters)."))
    _before_campaign_transition(campaign=locked, action=action, by=by, today=today)
    from_status = locked.status
    locked.status = transition.target
    locked.version += 1
    locked.save()
    CampaignTransition.objects.create(
        campaign=locked, action=action, from_status=from_status, to_status=locked.status, by=by, comment=comment
    )
    record(
        event=Event.TRANSITION, user=by, obj=locked, detail={"action": action, "from": from_status, "to": locked.status}
    )
    if action in ("open", "publish", "finalize"):
        from portal.accounts.models import Role
        from portal.workbench.services import users_covering

        people = [u for u in _all_users_under(locked.organization) if u.role == Role.SECRETARY]
        if action == "publish":
            people += users_covering(locked.organization, [Role.STAFF])
        _notify(
            users=people,
            text=_("Award campaign “%(name)s”: %(action)s") % {"name": locked.name, "action": transition.label},
            url=reverse("honors:campaign_detail", args=[locked.pk]),
            by=by,
        )
    if action == "close":
        _notify(
            users=list(locked.judges.all()),
            text=_("Judging has started: %(name)s") % {"name": locked.name},
            url=reverse("honors:judge", args=[locked.pk]),
            by=by,
        )
    return locked


def _all_users_under(org: Organization):
    from portal.accounts.models import User

    return list(User.objects.filter(is_active=True, scope__path__startswith=org.path))


def _before_campaign_transition(*, campaign: Campaign, action: str, by, today: dt.date) -> None:
    offers = list(campaign.offers.select_related("award"))
    if action == "open":
        if not offers:
            raise TransitionError(_("Put at least one award on offer before opening nominations."))
        if campaign.nomination_closes_on < today:
            raise TransitionError(_("The nomination window has already ended; change the closing date first."))
    elif action == "publish":
        winners = dict(
            Nomination.objects.filter(offer__campaign=campaign, status=NominationStatus.WINNER)
            .values_list("offer")
            .annotate(n=Count("pk"))
        )
        if not winners:
            raise TransitionError(_("Select the winners before publishing the results."))
        for offer in offers:
            if winners.get(offer.pk, 0) > offer.quota:
                raise TransitionError(
                    _("“%(award)s” has more winners than its quota of %(quota)s.")
                    % {"award": offer.award.name, "quota": offer.quota}
                )
        campaign.publicity_ends_on = today + dt.timedelta(days=campaign.publicity_days)
    elif action == "reopen_judging":
        campaign.publicity_ends_on = None
    elif action == "finalize":
        _grant_campaign_honors(campaign=campaign, by=by, today=today)


def _grant_campaign_honors(*, campaign: Campaign, by, today: dt.date) -> None:
    winners = (
        Nomination.objects.select_for_update(of=("self",))
        .filter(offer__campaign=campaign, status=NominationStatus.WINNER)
        .select_related("offer__award", "member", "branch", "project", "post")
    )
    granted_by = campaign.organization.name[:100]
    honors = []
    for nomination in winners:
        award = nomination.offer.award
        candidate = nomination.candidate
        organization = candidate if nomination.recipient_kind == RecipientKind.BRANCH else candidate.organization
        honors.append(
            Honor(
                title=award.name,
                level=award.level,
                year=campaign.year,
                quarter=campaign.quarter,
                granted_by=granted_by,
                granted_on=today,
                source=HonorSource.CAMPAIGN,
                recipient_kind=nomination.recipient_kind,
                **{RECIPIENT_FIELDS[nomination.recipient_kind]: candidate},
                organization=organization,
                award=award,
                nomination=nomination,
                grade=nomination.offer.top_grade_label if nomination.is_top_grade else "",
                citation=nomination.citation,
                created_by=by,
            )
        )
    bulk_create_with_history(honors, Honor, default_user=by)  # a history row each, as Honor.objects.create writes
    Nomination.objects.filter(offer__campaign=campaign, status=NominationStatus.NOMINATED).update(
        status=NominationStatus.NOT_SELECTED
    )


# --- nominations ---------------------------------------------------------------------------


def branch_quota_for(*, offer: CampaignAward, organization: Organization) -> int:
    override = (
        BranchQuota.objects.filter(offer=offer, organization=organization).values_list("quota", flat=True).first()
    )
    return offer.branch_quota if override is None else override


def _check_candidate(*, offer: CampaignAward, organization: Organization, candidate) -> None:
    """The candidate is of the award's kind, active, and in the nominating branch."""
    from projects.models import PUBLISHED_STATUSES, Project

    kind = offer.award.recipient_kind
    expected = {
        RecipientKind.MEMBER: Member,
        RecipientKind.BRANCH: Organization,
        RecipientKind.PROJECT: Project,
        RecipientKind.POST: DemonstrationPost,
    }[kind]
    if not isinstance(candidate, expected):
        raise ValidationError(
            {"candidate": _("This award goes to: %(kind)s.") % {"kind": offer.award.get_recipient_kind_display()}}
        )
    if kind == RecipientKind.BRANCH:
        inside = organization.contains(candidate)
    else:
        inside = organization.contains(candidate.organization)
    if not inside:
        raise ValidationError(
            {"candidate": _("The candidate is not in your branch: you may only nominate from your own scope.")}
        )
    if kind == RecipientKind.MEMBER and (not candidate.is_active or not candidate.on_duty):
        raise ValidationError({"candidate": _("%(name)s is not an active, on-duty person.") % {"name": candidate.name}})
    if kind == RecipientKind.MEMBER and offer.award.party_members_only and not candidate.is_party_member:
        raise ValidationError({"candidate": _("“%(award)s” is for Party members only.") % {"award": offer.award.name}})
    if kind == RecipientKind.BRANCH and not candidate.is_active:
        raise ValidationError({"candidate": _("This organization is deactivated.")})
    if kind == RecipientKind.BRANCH and candidate.kind == OrgKind.PARTY_GROUP:
        raise ValidationError(
            {"candidate": _("Party groups are not nominated as organizations; nominate their branch.")}
        )
    if kind == RecipientKind.PROJECT and candidate.status not in PUBLISHED_STATUSES:
        raise ValidationError({"candidate": _("Only approved projects (publicity or later) can be nominated.")})
    if kind == RecipientKind.POST and candidate.status not in (PostStatus.BUILDING, PostStatus.TITLED):
        raise ValidationError({"candidate": _("Only posts being built or titled can be nominated.")})


@transaction.atomic
def nomination_create(
    *, offer: CampaignAward, by, organization: Organization, candidate, citation: str, evidence: Sequence = ()
) -> Nomination:
    """A branch nominates one candidate for one award (推荐), within the window and its quota."""
    # Lock the offer: two secretaries of one branch nominating at once cannot both take the last place.
    offer = CampaignAward.objects.select_for_update().select_related("campaign__organization", "award").get(pk=offer.pk)
    campaign = offer.campaign
    if not can(by, "nomination.create", organization):
        raise TransitionError(_("Nominations are made by the secretary of the nominating branch."))
    if not campaign.window_is_open():
        if campaign.status != CampaignStatus.NOMINATING:
            raise TransitionError(
                _("This campaign is “%(status)s”: nominations are not accepted.")
                % {"status": campaign.get_status_display()}
            )
        raise TransitionError(
            _("Nominations are accepted from %(start)s to %(end)s.")
            % {"start": campaign.nomination_opens_on, "end": campaign.nomination_closes_on}
        )
    if not campaign.organization.contains(organization) or _branch_of(organization) != organization:
        raise ValidationError({"organization": _("Only branches under the campaign's committee may nominate.")})
    _check_candidate(offer=offer, organization=organization, candidate=candidate)
    citation = (citation or "").strip()
    if len(citation) < 20:
        raise ValidationError({"citation": _("Describe the candidate's deeds (at least 20 characters).")})
    if len(citation) > 5000:
        raise ValidationError({"citation": _("The citation is too long (at most 5000 characters).")})
    kind = offer.award.recipient_kind
    field = RECIPIENT_FIELDS[kind]
    active = Nomination.objects.filter(offer=offer).exclude(status=NominationStatus.WITHDRAWN)
    if active.filter(**{field: candidate}).exists():
        raise ValidationError({"candidate": _("This candidate is already nominated for this award in this campaign.")})
    quota = branch_quota_for(offer=offer, organization=organization)
    used = active.filter(organization=organization).count()
    if used >= quota:
        raise ValidationError(
            {
                "candidate": _("Your branch may nominate at most %(quota)s for “%(award)s” and has used them all.")
                % {"quota": quota, "award": offer.award.name}
            }
        )
    nomination = Nomination(
        offer=offer,
        organization=organization,
        recipient_kind=kind,
        citation=citation,
        nominated_by=by,
        **{field: candidate},
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ValidationError(
            {"candidate": _("This candidate is already nominated for this award in this campaign.")}
        ) from None
    _store_files(
        files=evidence, model=NominationEvidence, parent_field="nomination", parent=nomination, by=by, images_only=False
    )
    record(event=Event.CREATE, user=by, obj=nomination, detail={"campaign": campaign.pk, "award": offer.award.name})
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by) -> Nomination:
    locked = Nomination.objects.select_for_update().select_related("offer__campaign").get(pk=nomination.pk)
    if not can(by, "nomination.withdraw", locked):
        raise TransitionError(_("A nomination is withdrawn by the branch that made it."))
    if locked.offer.campaign.status != CampaignStatus.NOMINATING or locked.status != NominationStatus.NOMINATED:
        raise TransitionError(_("A nomination can be withdrawn only while nominations are open."))
    locked.status = NominationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    record(event=Event.DEACTIVATE, user=by, obj=locked)
    return locked


# --- judging -------------------------------------------------------------------------------


def judge_recused(*, judge, nomination: Nomination) -> bool:
    """A judge never judges a candidate from the judge's own branch (nor the judge's own nomination)."""
    member = getattr(judge, "member", None)
    if member is None:
        return False
    if nomination.recipient_kind == RecipientKind.MEMBER and nomination.member_id == member.pk:
        return True
    own = _branch_of(member.organization)
    if own is None or own.kind != OrgKind.BRANCH:
        return False
    candidate_org = (
        nomination.candidate if nomination.recipient_kind == RecipientKind.BRANCH else nomination.candidate.organization
    )
    return own.contains(candidate_org) or own.contains(nomination.organization)


@transaction.atomic
def judgement_save(
    *,
    nomination: Nomination,
    judge,
    scores: Mapping[int, Any] | None = None,
    vote: bool | None = None,
    comments: str = "",
) -> Judgement:
    """A judge scores a nomination on the award's rubric (or votes when the award has none)."""
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("offer__campaign", "offer__award__rubric", "member__organization", "organization")
        .get(pk=nomination.pk)
    )
    campaign = locked.offer.campaign
    if campaign.status != CampaignStatus.JUDGING:
        raise TransitionError(_("Judging is possible only while the campaign is in judging."))
    if not can(judge, "campaign.judge_any") or not campaign.judges.filter(pk=judge.pk).exists():
        raise TransitionError(_("You are not a judge of this campaign."))
    if locked.status == NominationStatus.WITHDRAWN:
        raise TransitionError(_("This nomination was withdrawn."))
    if judge_recused(judge=judge, nomination=locked):
        raise TransitionError(_("You are recused: this candidate is from your own branch."))
    comments = (comments or "").strip()[:2000]
    rubric = locked.offer.award.rubric
    parsed: dict[Criterion, Decimal] = {}
    if rubric is not None:
        parsed = _parse_scores(rubric=rubric, scores=scores or {})
        total, vote = sum(parsed.values(), Decimal("0")), None
    else:
        if vote is None:
            raise ValidationError({"vote": _("Vote for or against this candidate.")})
        total = None
    judgement, _created = Judgement.objects.update_or_create(
        nomination=locked,
        judge=judge,
        defaults={"total": total, "vote": vote, "comments": comments, "judged_at": timezone.now()},
    )
    judgement.scores.all().delete()
    JudgementScore.objects.bulk_create(
        [JudgementScore(judgement=judgement, criterion=c, score=s) for c, s in parsed.items()]
    )
    record(
        event=Event.UPDATE,
        user=judge,
        obj=locked,
        detail={"judged": True, "total": None if total is None else str(total), "vote": vote},
    )
    return judgement


@transaction.atomic
def winners_select(
    *, offer: CampaignAward, by, winner_ids: Iterable[int], top_ids: Iterable[int] = ()
) -> list[Nomination]:
    """The committee picks the winners of one award within quota (and caps the top grade)."""
    offer = CampaignAward.objects.select_for_update().select_related("campaign__organization", "award").get(pk=offer.pk)
    campaign = offer.campaign
    if not can(by, "campaign.manage", campaign):
        raise TransitionError(_("Winners are selected by the committee office running the campaign."))
    if campaign.status != CampaignStatus.JUDGING:
        raise TransitionError(_("Winners are selected while the campaign is in judging."))
    winner_ids, top_ids = {int(i) for i in winner_ids}, {int(i) for i in top_ids}
    candidates = {
        n.pk: n
        for n in Nomination.objects.select_for_update().filter(offer=offer).exclude(status=NominationStatus.WITHDRAWN)
    }
    if not winner_ids <= set(candidates):
        raise ValidationError({"winners": _("Some selected nominations are not nominations of this award.")})
    if len(winner_ids) > offer.quota:
        raise ValidationError(
            {
                "winners": _("“%(award)s” may have at most %(quota)s winners; %(n)s were selected.")
                % {"award": offer.award.name, "quota": offer.quota, "n": len(winner_ids)}
            }
        )
    if not top_ids <= winner_ids:
        raise ValidationError({"winners": _("Only winners can receive the top grade.")})
    cap = offer.top_grade_cap(len(winner_ids))
    if cap is not None and len(top_ids) > cap:
        raise ValidationError(
            {
                "winners": _("At most %(cap)s of %(n)s winners may receive “%(grade)s”.")
                % {"cap": cap, "n": len(winner_ids), "grade": offer.top_grade_label or _("the top grade")}
            }
        )
    for pk, nomination in candidates.items():
        nomination.status = NominationStatus.WINNER if pk in winner_ids else NominationStatus.NOMINATED
        nomination.is_top_grade = pk in top_ids
    Nomination.objects.bulk_update(candidates.values(), ["status", "is_top_grade"])
    record(
        event=Event.UPDATE,
        user=by,
        obj=campaign,
        detail={"offer": offer.award.name, "winners": sorted(winner_ids), "top": sorted(top_ids)},
    )
    return [candidates[pk] for pk in sorted(winner_ids)]


# --- honours -----------------------------------------------------------------------------


@transaction.atomic
def honor_create_external(*, by, data: Mapping[str, Any], certificate=None) -> Honor:
    """Enter an honour granted outside the portal (e.g. 省级先进党组织), with its certificate image."""
    from projects import files as checks
    from projects.models import AttachmentKind

    kind = data.get("recipient_kind")
    if kind not in RECIPIENT_FIELDS:
        raise ValidationError({"recipient_kind": _("Choose who received the honour.")})
    recipient = data.get(RECIPIENT_FIELDS[kind])
    if recipient is None:
        raise ValidationError({RECIPIENT_FIELDS[kind]: _("Choose who received the honour.")})
    organization = recipient if kind == RecipientKind.BRANCH else recipient.organization
    if not can(by, "honor.create", organization):
        raise TransitionError(_("Honours are entered by the committee office, for recipients in its scope."))
    honor = Honor(
        title=(data.get("title") or "").strip(),
        level=data.get("level"),
        year=data.get("year"),
        quarter=data.get("quarter"),
        granted_by=(data.get("granted_by") or "").strip(),
        granted_on=data.get("granted_on"),
        source=HonorSource.EXTERNAL,
        recipient_kind=kind,
        **{RECIPIENT_FIELDS[kind]: recipient},
        organization=organization,
        citation=(data.get("citation") or "").strip(),
        created_by=by,
    )
    if honor.granted_on and honor.granted_on > timezone.localdate():
        raise ValidationError({"granted_on": _("The date cannot be in the future.")})
    if honor.granted_on and honor.year and honor.granted_on.year != honor.year:
        raise ValidationError({"year": _("The year does not match the date granted.")})
    honor.full_clean(exclude=["certificate"])
    if certificate is not None:
        checked = certificate if isinstance(certificate, checks.CheckedFile) else checks.check_upload(certificate)
        if checked.kind != AttachmentKind.PHOTO:
            raise ValidationError(
                {"certificate": _("The certificate must be an image (a photo or scan: JPEG or PNG).")}
            )
        content = checked.stored_file()
        honor.certificate.save(content.name, content, save=False)
        honor.certificate_name, honor.certificate_type = checked.name, checked.content_type
    honor.save()
    record(event=Event.CREATE, user=by, obj=honor, detail={"source": honor.source, "level": honor.level})
    return honor


@transaction.atomic
def honor_revoke(*, honor: Honor, by, reason: str) -> Honor:
    locked = Honor.objects.select_for_update().get(pk=honor.pk)
    if not can(by, "honor.revoke", locked):
        raise TransitionError(_("Honours are revoked by the committee office, in its scope."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    if not locked.is_active:
        raise TransitionError(_("This honour is already revoked."))
    locked.is_active, locked.revoked_reason = False, reason[:300]
    locked.save(update_fields=["is_active", "revoked_reason"])
    record(event=Event.DEACTIVATE, user=by, obj=locked, detail={"reason": reason[:300]})
    return locked


# --- grading, appraisal, liaison -------------------------------------------------------------


def _check_graded_org(*, by, organization: Organization) -> None:
    if not can(by, "grade.manage", organization):
        raise TransitionError(
            _("Grades, appraisals and liaison points are kept by the committee office, in its scope.")
        )
    if organization.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        raise ValidationError(
            {"organization": _("Branches and general branches are graded, not committees or groups.")}
        )


@transaction.atomic
def grade_record(
    *, by, organization: Organization, year: int, grade: GradeLevel, building_title: str = "", comments: str = ""
) -> BranchGrade:
    """Record (or correct) a branch's grade for a year; corrections keep the earlier value in history."""
    _check_graded_org(by=by, organization=organization)
    if not grade.is_active:
        raise ValidationError({"grade": _("This grade is no longer in use.")})
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A year that has not begun cannot be graded.")})
    row = BranchGrade.objects.select_for_update().filter(organization=organization, year=year).first()
    before = {"grade": row.grade.code, "building_title": row.building_title} if row else {}
    row = row or BranchGrade(organization=organization, year=year)
    row.grade, row.building_title, row.comments = grade, building_title or "", (comments or "").strip()
    row.recorded_by, row.recorded_at = by, timezone.now()
    _full_clean_save(row)
    record(
        event=Event.UPDATE if before else Event.CREATE,
        user=by,
        obj=row,
        detail={"year": year, "before": before, "grade": grade.code, "building_title": row.building_title},
    )
    return row


@transaction.atomic
def appraisal_record(
    *,
    by,
    organization: Organization,
    year: int,
    raters: int,
    satisfied: int,
    basically_satisfied: int,
    dissatisfied: int,
    post: DemonstrationPost | None = None,
) -> Appraisal:
    """Record the 群众评议 tally of a branch (or one of its posts) for a year."""
    _check_graded_org(by=by, organization=organization)
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A year that has not begun cannot be appraised.")})
    if post is not None and post.organization_id != organization.pk:
        raise ValidationError({"post": _("The post is not of this branch.")})
    counts = {
        "raters": raters,
        "satisfied": satisfied,
        "basically_satisfied": basically_satisfied,
        "dissatisfied": dissatisfied,
    }
    if any(v is None or int(v) < 0 for v in counts.values()):
        raise ValidationError({"raters": _("Counts are whole numbers, zero or more.")})
    if raters < 1:
        raise ValidationError({"raters": _("At least one rater is needed.")})
    if satisfied + basically_satisfied + dissatisfied > raters:
        raise ValidationError(
            {
                "raters": _("%(votes)s votes were counted but only %(raters)s people rated.")
                % {"votes": satisfied + basically_satisfied + dissatisfied, "raters": raters}
            }
        )
    row = Appraisal.objects.select_for_update().filter(organization=organization, year=year, post=post).first()
    created = row is None
    row = row or Appraisal(organization=organization, year=year, post=post)
    for field, value in counts.items():
        setattr(row, field, value)
    row.recorded_by, row.recorded_at = by, timezone.now()
    _full_clean_save(row)
    record(event=Event.CREATE if created else Event.UPDATE, user=by, obj=row, detail={"year": year, **counts})
    return row


@transaction.atomic
def liaison_assign(*, by, organization: Organization, member: Member, since: dt.date, note: str = "") -> Liaison:
    """Assign a committee member to follow a branch (联系点)."""
    _check_graded_org(by=by, organization=organization)
    if not member.is_active or not in_scope_of(by, member.organization):
        raise ValidationError({"member": _("Choose an active person in your scope.")})
    if Liaison.objects.filter(organization=organization, member=member, until__isnull=True).exists():
        raise ValidationError({"member": _("%(name)s already follows this branch.") % {"name": member.name}})
    row = Liaison(organization=organization, member=member, since=since, note=(note or "").strip(), recorded_by=by)
    _full_clean_save(row)
    record(event=Event.CREATE, user=by, obj=row)
    return row


@transaction.atomic
def liaison_end(*, liaison: Liaison, by, until: dt.date) -> Liaison:
    locked = Liaison.objects.select_for_update().get(pk=liaison.pk)
    _check_graded_org(by=by, organization=locked.organization)
    if locked.until is not None:
        raise TransitionError(_("This liaison point has already ended."))
    if until < locked.since:
        raise ValidationError({"until": _("The end cannot be before the start.")})
    locked.until = until
    _full_clean_save(locked)
    record(event=Event.UPDATE, user=by, obj=locked, detail={"until": until.isoformat()})
    return locked
