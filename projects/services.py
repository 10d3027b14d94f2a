"""State changes of innovation projects. Each is atomic, checks state, role and scope, and is logged.

The transition table is projects/workflow.py; ``project_transition`` is the one
function that applies it. Other services (approve, request completion, evaluate)
collect their extra data and then call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member
from portal.audit.log import diff, record
from portal.audit.models import Event
from portal.exceptions import ConflictError  # noqa: F401  (re-exported)
from portal.permissions import can

from .models import (
    Attachment,
    AttachmentKind,
    Evaluation,
    EvaluationScore,
    Extension,
    ExtensionStatus,
    ImprovementPlan,
    Objection,
    ObjectionStatus,
    ProgrammeSettings,
    ProgressReport,
    Project,
    ProjectNumberSequence,
    ProjectTransition,
    Result,
    RubricItem,
    Status,
    TeamMember,
    TeamRole,
)
from .workflow import TRANSITIONS, TransitionError


@dataclass(frozen=True)
class TeamEntry:
    member: Member
    role: str = TeamRole.MEMBER
    duty: str = ""


PROJECT_FIELDS = (
    "year",
    "title",
    "organization",
    "category",
    "topic_source",
    "leader",
    "problem",
    "goals",
    "indicators",
    "planned_start",
    "planned_end",
    "expected_value",
    "is_branch_led",
)


def _snapshot(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in PROJECT_FIELDS}


def _notify(*, project: Project, action: str, by) -> None:
    from portal.workbench.services import notify_project_transition

    notify_project_transition(project=project, action=action, by=by)


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("organization").get(pk=project.pk)


# --- team --------------------------------------------------------------------------------


def _validate_team(*, project: Project, team: Sequence[TeamEntry]) -> None:
    seen: set[int] = set()
    errors: list[str] = []
    for entry in team:
        if entry.member.pk in seen:
            errors.append(_("%(name)s is in the team twice.") % {"name": entry.member.name})
        seen.add(entry.member.pk)
        if not entry.member.is_active:
            errors.append(_("%(name)s is no longer active.") % {"name": entry.member.name})
    if project.leader_id in seen:
        errors.append(_("The project leader is already in the team; list the other members only."))
    if len(team) > 30:
        errors.append(_("A team has at most 30 members besides the leader."))
    if errors:
        raise ValidationError({"team": errors})


def _save_team(*, project: Project, team: Sequence[TeamEntry]) -> None:
    TeamMember.objects.filter(project=project).delete()
    rows = [TeamMember(project=project, member=project.leader, role=TeamRole.LEADER, duty=_("Project leader"))]
    rows += [
        TeamMember(
            project=project, member=e.member, role=e.role if e.role != TeamRole.LEADER else TeamRole.CORE, duty=e.duty
        )
        for e in team
    ]
    TeamMember.objects.bulk_create(rows)


# --- filing ------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, by, data: dict[str, Any], team: Sequence[TeamEntry] = (), result_types: Iterable = ()) -> Project:
    """A secretary files a new project (草稿)."""
    project = Project(created_by=by, status=Status.DRAFT, **{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    if not can(by, "project.create_in", project.organization):
        raise TransitionError(_("You may file projects only for your own branch."))
    project.full_clean()
    _validate_team(project=project, team=team)
    project.save()
    project.expected_result_types.set(list(result_types))
    _save_team(project=project, team=team)
    record(event=Event.CREATE, user=by, obj=project, detail={"changes": diff({}, _snapshot(project))})
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    by,
    data: dict[str, Any],
    expected_version: int,
    team: Sequence[TeamEntry] | None = None,
    result_types: Iterable | None = None,
) -> Project:
    """Edit a draft (or a returned project). A stale version is refused, never silently overwritten."""
    locked = _lock(project)
    if locked.version != expected_version:
        raise ConflictError(
            _("Someone else changed this project after you opened it. Reload the page to see their changes.")
        )
    if not can(by, "project.edit", locked):
        raise TransitionError(_("Only the filing branch may edit a draft or a returned project."))
    before = _snapshot(locked)
    for key, value in data.items():
        if key in PROJECT_FIELDS and key != "organization":
            setattr(locked, key, value)
    locked.full_clean()
    if team is not None:
        _validate_team(project=locked, team=team)
    locked.version += 1
    locked.save()
    locked.refresh_from_db()
    if result_types is not None:
        locked.expected_result_types.set(list(result_types))
    if team is not None or before["leader"] != locked.leader:
        current = [
            TeamEntry(t.member, t.role, t.duty)
            for t in locked.team.select_related("member").exclude(role=TeamRole.LEADER)
            if t.member_id != locked.leader_id
        ]
        _save_team(project=locked, team=team if team is not None else current)
    changes = diff(before, _snapshot(locked))
    if changes:
        record(event=Event.UPDATE, user=by, obj=locked, detail={"changes": changes})
    return locked


# --- the one transition function ----------------------------------------------------------


@transaction.atomic
def project_transition(
    *, project: Project, action: str, by, comment: str = "", detail: dict[str, Any] | None = None
) -> Project:
    """Apply one transition of the table, or refuse it with a clear message. Logs and notifies."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    locked = _lock(project)
    if locked.status not in transition.sources:
        raise TransitionError(
            _("This project is “%(status)s”: “%(action)s” is not possible now (perhaps someone already did it).")
            % {"status": locked.get_status_display(), "action": transition.label}
        )
    if by is not None and (by.role not in transition.roles or not can(by, "project.act", locked)):
        raise TransitionError(_("Your role may not take this step on this project."))
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise TransitionError(_("Please give a reason in the comment."))
    if len(comment) > 2000:
        raise TransitionError(_("The comment is too long (at most 2000 characters)."))

    from_status = locked.status
    detail = dict(detail or {})
    _before_transition(project=locked, action=action, by=by, detail=detail)
    locked.status = transition.target
    locked.returned = action == "return"
    locked.version += 1
    locked.save()
    ProjectTransition.objects.create(
        project=locked,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        by=by,
        comment=comment,
        detail=detail,
    )
    record(
        event=Event.TRANSITION,
        user=by,
        obj=locked,
        detail={"action": action, "from": from_status, "to": locked.status},
    )
    _notify(project=locked, action=action, by=by)
    return locked


def _before_transition(*, project: Project, action: str, by, detail: dict[str, Any]) -> None:
    """Side conditions and effects of particular steps."""
    if action == "submit":
        if not project.team.filter(role=TeamRole.LEADER).exists():
            raise TransitionError(_("The project needs a leader before it can be submitted."))
    elif action == "approve":
        settings = ProgrammeSettings.load()
        project.number = _next_number(year=project.year, prefix=settings.number_prefix)
        project.approved_at = timezone.now()
        project.publicity_ends_on = timezone.localdate() + dt.timedelta(days=settings.publicity_days)
        detail["number"] = project.number
    elif action == "start":
        if project.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise TransitionError(_("An objection is still open: the committee must resolve it first."))
    elif action == "request_completion":
        errors = []
        if not project.results.exists():
            errors.append(_("at least one result"))
        if not project.completion_summary.strip():
            errors.append(_("a completion summary"))
        if not project.reports.filter(is_final=True).exists():
            errors.append(_("the final progress report"))
        if errors:
            raise TransitionError(_("Completion needs %(missing)s.") % {"missing": "、".join(str(e) for e in errors)})
    elif action == "evaluate" and not Evaluation.objects.filter(project=project).exists():
        raise TransitionError(_("Fill in the evaluation form to evaluate a project."))


def _next_number(*, year: int, prefix: str) -> str:
    """2026-CX-0042: the sequence row is locked, so two approvals never take the same number."""
    try:
        with transaction.atomic():
            ProjectNumberSequence.objects.get_or_create(year=year)
    except IntegrityError:
        pass
    seq = ProjectNumberSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{year}-{prefix}-{seq.last:04d}"


# --- named steps with extra data ---------------------------------------------------------------


def project_submit(*, project: Project, by) -> Project:
    return project_transition(project=project, action="submit", by=by)


def project_approve(*, project: Project, by, comment: str = "", meeting: dict[str, Any] | None = None) -> Project:
    """Approve; optionally record the committee meeting that decided it (date, meeting, attendees, vote)."""
    detail = {"meeting": {k: str(v) for k, v in (meeting or {}).items() if v not in (None, "")}}
    if not detail["meeting"]:
        detail = {}
    return project_transition(project=project, action="approve", by=by, comment=comment, detail=detail)


@transaction.atomic
def project_request_completion(*, project: Project, by, summary: str) -> Project:
    summary = (summary or "").strip()
    if not summary:
        raise TransitionError(_("Write a completion summary."))
    locked = _lock(project)
    locked.completion_summary = summary[:5000]
    locked.save(update_fields=["completion_summary"])
    return project_transition(project=locked, action="request_completion", by=by)


@transaction.atomic
def project_evaluate(*, project: Project, by, scores: dict[int, Decimal], comments: str = "") -> Evaluation:
    """Score on the active rubric; total and grade (thresholds from ProgrammeSettings)."""
    locked = _lock(project)
    if locked.status != Status.COMPLETED:
        raise TransitionError(_("Only a completed project can be evaluated."))
    if not can(by, "project.evaluate", locked):
        raise TransitionError(_("Your role may not evaluate this project."))
    items = list(RubricItem.objects.filter(is_active=True))
    errors = []
    total = Decimal("0")
    for item in items:
        score = scores.get(item.pk)
        if score is None:
            errors.append(_("Give a score for “%(item)s”.") % {"item": item.name})
        elif score < 0 or score > item.max_score:
            errors.append(
                _("The score for “%(item)s” must be between 0 and %(max)s.")
                % {"item": item.name, "max": item.max_score}
            )
        else:
            total += score
    if errors:
        raise ValidationError(errors)
    grade = ProgrammeSettings.load().grade_for(total)
    evaluation = Evaluation.objects.create(
        project=locked,
        year=timezone.localdate().year,
        total=total,
        grade=grade,
        comments=(comments or "").strip(),
        evaluator=by,
    )
    EvaluationScore.objects.bulk_create(
        [
            EvaluationScore(evaluation=evaluation, rubric_item=i, max_score=i.max_score, score=scores[i.pk])
            for i in items
        ]
    )
    project_transition(
        project=locked,
        action="evaluate",
        by=by,
        comment=comments,
        detail={"total": str(total), "grade": grade},
    )
    return evaluation


# --- publicity and objections -------------------------------------------------------------------


@transaction.atomic
def objection_lodge(*, project: Project, by, text: str) -> Objection:
    locked = _lock(project)
    if locked.status != Status.APPROVED:
        raise TransitionError(_("Objections can be raised only while the project is in publicity."))
    if not can(by, "project.object", locked):
        raise TransitionError(_("Your role may not raise an objection."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what the objection is about.")})
    # A double-submitted form (same person, same words, still open) records one objection, not two.
    same = Objection.objects.filter(project=locked, raised_by=by, text=text, status=ObjectionStatus.OPEN).first()
    if same is not None:
        return same
    objection = Objection(project=locked, raised_by=by, text=text)
    objection.full_clean()
    objection.save()
    record(event=Event.CREATE, user=by, obj=objection, detail={"project": locked.pk})
    from portal.workbench.services import notify_objection

    notify_objection(objection=objection)
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, by, upheld: bool, resolution: str) -> Objection:
    locked = Objection.objects.select_for_update().select_related("project__organization").get(pk=objection.pk)
    if locked.status != ObjectionStatus.OPEN:
        raise TransitionError(_("This objection has already been resolved."))
    if not can(by, "project.resolve_objection", locked.project):
        raise TransitionError(_("Only the committee office may resolve objections."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Write how the objection was resolved.")})
    locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    locked.resolution = resolution
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    locked.save()
    ProjectTransition.objects.create(
        project=locked.project,
        action="objection_resolved",
        from_status=locked.project.status,
        to_status=locked.project.status,
        by=by,
        comment=resolution,
        detail={"upheld": upheld},
    )
    record(event=Event.UPDATE, user=by, obj=locked, detail={"status": locked.status})
    return locked


def projects_start_due(*, today: dt.date | None = None) -> list[Project]:
    """Publicity over and no open objection: in progress. Run by cron (start_due_projects) and lazily on view."""
    today = today or timezone.localdate()
    due = Project.objects.filter(status=Status.APPROVED, publicity_ends_on__lt=today).exclude(
        objections__status=ObjectionStatus.OPEN
    )
    started = []
    for project in due:
        try:
            started.append(
                project_transition(project=project, action="start", by=None, comment=_("Publicity period ended."))
            )
        except TransitionError:
            continue
    return started


def project_start_if_due(*, project: Project) -> Project:
    """The lazy check on view: one cheap comparison, a transition only when due."""
    if (
        project.status == Status.APPROVED
        and project.publicity_ends_on is not None
        and project.publicity_ends_on < timezone.localdate()
        and not project.objections.filter(status=ObjectionStatus.OPEN).exists()
    ):
        try:
            return project_transition(project=project, action="start", by=None, comment=_("Publicity period ended."))
        except TransitionError:
            return project
    return project


# --- progress, results, extension, termination ---------------------------------------------------


@transaction.atomic
def report_file(*, project: Project, by, data: dict[str, Any], files: Sequence = ()) -> ProgressReport:
    """File a quarterly report with its evidence files (checked uploads), all or nothing."""
    locked = _lock(project)
    if not can(by, "project.report", locked):
        raise TransitionError(_("Progress reports are filed by the project's branch while it is in progress."))
    report = ProgressReport(project=locked, submitted_by=by, **data)
    report.clean_fields()
    # Before full_clean(), so the message names the quarter rather than the bare unique constraint.
    if ProgressReport.objects.filter(project=locked, year=report.year, quarter=report.quarter).exists():
        raise ValidationError({"quarter": _("A report for this quarter has already been filed.")})
    report.full_clean()
    report.save()
    ProjectTransition.objects.create(
        project=locked,
        action="report",
        from_status=locked.status,
        to_status=locked.status,
        by=by,
        comment=_("%(year)s Q%(quarter)s progress %(progress)s%%")
        % {"year": report.year, "quarter": report.quarter, "progress": report.progress},
        detail={"report": report.pk, "final": report.is_final},
    )
    record(event=Event.CREATE, user=by, obj=report, detail={"project": locked.pk})
    for upload in files:
        attachment_add(project=locked, by=by, upload=upload, report=report)
    return report


@transaction.atomic
def result_add(*, project: Project, by, data: dict[str, Any], files: Sequence = ()) -> Result:
    """Record a result with its evidence files (checked uploads), all or nothing."""
    locked = _lock(project)
    if not can(by, "project.report", locked):
        raise TransitionError(_("Results are recorded by the project's branch while it is in progress."))
    result = Result(project=locked, **data)
    result.full_clean()
    result.save()
    record(event=Event.CREATE, user=by, obj=result, detail={"project": locked.pk, "value": str(result.value)})
    for upload in files:
        attachment_add(project=locked, by=by, upload=upload, result=result)
    return result


@transaction.atomic
def extension_request(*, project: Project, by, new_end: dt.date, reason: str) -> Extension:
    locked = _lock(project)
    if not can(by, "project.report", locked):
        raise TransitionError(_("Extensions are requested by the project's branch while it is in progress."))
    if locked.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise TransitionError(_("An extension request is already waiting for the committee."))
    if new_end <= locked.planned_end:
        raise ValidationError({"new_end": _("The new end must be after the current planned end.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    ext = Extension(project=locked, old_end=locked.planned_end, new_end=new_end, reason=reason, requested_by=by)
    ext.full_clean()
    ext.save()
    record(event=Event.CREATE, user=by, obj=ext, detail={"project": locked.pk, "new_end": str(new_end)})
    return ext


@transaction.atomic
def extension_decide(*, extension: Extension, by, approve: bool, comment: str = "") -> Extension:
    ext = Extension.objects.select_for_update().get(pk=extension.pk)
    project = _lock(ext.project)
    if ext.status != ExtensionStatus.PENDING:
        raise TransitionError(_("This extension request has already been decided."))
    if not can(by, "project.decide_extension", project):
        raise TransitionError(_("Only the committee office may decide extension requests."))
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_by = by
    ext.decided_at = timezone.now()
    ext.decision_comment = (comment or "").strip()
    ext.save()
    if approve:
        project.planned_end = ext.new_end
        project.version += 1
        project.save(update_fields=["planned_end", "version"])
    ProjectTransition.objects.create(
        project=project,
        action="extension_approved" if approve else "extension_refused",
        from_status=project.status,
        to_status=project.status,
        by=by,
        comment=ext.decision_comment,
        detail={"old_end": str(ext.old_end), "new_end": str(ext.new_end)},
    )
    record(event=Event.UPDATE, user=by, obj=ext, detail={"status": ext.status})
    return ext


def project_terminate(*, project: Project, by, reason: str) -> Project:
    return project_transition(project=project, action="terminate", by=by, comment=reason)


# --- member improvement plans -----------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    by,
    member: Member,
    year: int,
    goal: str,
    result: str = "",
    value: Decimal = Decimal("0"),
    is_done: bool = False,
) -> ImprovementPlan:
    branch = member.organization.branch()
    if branch is None or not can(by, "plan.create_in", branch):
        raise TransitionError(_("You may file plans only for people of your own branch."))
    plan = ImprovementPlan(
        member=member,
        organization=branch,
        year=year,
        goal=goal,
        result=result,
        value=value,
        is_done=is_done,
        filed_by=by,
    )
    plan.full_clean()
    plan.save()
    record(event=Event.CREATE, user=by, obj=plan)
    return plan


# --- attachments ------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *,
    project: Project,
    by,
    upload,
    kind: str | None = None,
    result: Result | None = None,
    report: ProgressReport | None = None,
) -> Attachment:
    """Store one checked file (projects/files.py) for a project, a result or a progress report.

    ``upload`` is a ``files.CheckedFile`` (already checked by a form) or an uploaded file, which is
    checked here: no caller can store a file that did not pass the content checks.
    """
    from . import files

    locked = _lock(project)
    if not can(by, "project.attach", locked):
        raise TransitionError(_("Files are added by the project's branch, and not once the project is closed."))
    if (result is not None and result.project_id != locked.pk) or (
        report is not None and report.project_id != locked.pk
    ):
        raise ValidationError(_("The file must belong to a result or report of the same project."))
    checked = upload if isinstance(upload, files.CheckedFile) else files.check_upload(upload)
    if kind == AttachmentKind.PHOTO and checked.kind != AttachmentKind.PHOTO:
        raise ValidationError(
            {"file": _("“%(name)s” is not an image; photos must be images.") % {"name": checked.name}}
        )
    limit = files.max_per_project()
    if Attachment.objects.filter(project=locked, is_active=True).count() >= limit:
        raise ValidationError(
            {"file": _("A project holds at most %(limit)s files; this one is full.") % {"limit": limit}}
        )
    attachment = Attachment(
        project=locked,
        result=result,
        report=report,
        kind=checked.kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    stored = checked.stored_file()
    attachment.file.save(stored.name, stored, save=False)
    try:
        attachment.full_clean()
        attachment.save()
        record(
            event=Event.CREATE,
            user=by,
            obj=attachment,
            detail={"project": locked.pk, "size": attachment.size, "type": attachment.content_type},
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
