"""Review rounds: create, open, start review, close; checks, findings, branch comments.

The round's state machine is ROUND_TRANSITIONS; ``round_transition`` is the one
function that applies it. Every change to anything inside a round goes through
``_require_unfrozen``: a closed round refuses all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.log import record
from portal.audit.models import Event
from portal.exceptions import ConflictError
from portal.permissions import can

from .models import (
    Answer,
    BranchComment,
    CheckAnswer,
    ChecklistItem,
    Finding,
    FindingStatus,
    Project,
    ProjectCheck,
    Rating,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundTransition,
    Status,
)
from .workflow import TransitionError

DEFAULT_ITEMS = [
    ("按计划节点推进，进度符合预期", "对照立项申报表中的计划节点"),
    ("季度进展按时报送，内容真实完整", ""),
    ("项目组成员分工明确，党员发挥带头作用", ""),
    ("阶段性成果有佐证材料", "图纸、报告、试验记录等"),
    ("上轮问题已按期整改", "无上轮问题时视为符合"),
]


@dataclass(frozen=True)
class RoundStep:
    action: str
    label: Any
    source: str
    target: str


ROUND_TRANSITIONS = {
    s.action: s
    for s in [
        RoundStep("open", gettext_lazy("Open the round"), RoundStatus.DRAFT, RoundStatus.OPEN),
        RoundStep("start_review", gettext_lazy("Start the review"), RoundStatus.OPEN, RoundStatus.REVIEWING),
        RoundStep("close", gettext_lazy("Close the round"), RoundStatus.REVIEWING, RoundStatus.CLOSED),
    ]
}


def available_round_actions(round_: ReviewRound) -> list[RoundStep]:
    return [s for s in ROUND_TRANSITIONS.values() if s.source == round_.status]


def _require_unfrozen(round_: ReviewRound) -> None:
    if round_.status == RoundStatus.CLOSED:
        raise TransitionError(_("This round is closed: nothing in it can be changed."))


def _lock_round(round_: ReviewRound) -> ReviewRound:
    return ReviewRound.objects.select_for_update().select_related("organization").get(pk=round_.pk)


@transaction.atomic
def round_create(
    *,
    by,
    organization,
    year: int,
    quarter: int,
    kind: str,
    report_deadline: dt.date,
    review_deadline: dt.date,
    title: str = "",
) -> ReviewRound:
    """A draft round; its checklist items are copied from the latest earlier round in scope (or the defaults)."""
    if not can(by, "round.manage", organization):
        raise TransitionError(_("Only the committee office may create review rounds."))
    if not title:
        kind_label = RoundKind(kind).label
        title = _("%(year)s Q%(quarter)s %(kind)s check") % {"year": year, "quarter": quarter, "kind": kind_label}
    round_ = ReviewRound(
        organization=organization,
        year=year,
        quarter=quarter,
        kind=kind,
        title=title,
        report_deadline=report_deadline,
        review_deadline=review_deadline,
        created_by=by,
    )
    round_.full_clean()
    round_.save()
    previous = (
        ReviewRound.objects.filter(organization=organization).exclude(pk=round_.pk).order_by("-year", "-quarter", "-id")
    ).first()
    if previous is not None and previous.items.exists():
        items = [
            ChecklistItem(round=round_, order=i.order, text=i.text, guidance=i.guidance) for i in previous.items.all()
        ]
    else:
        items = [
            ChecklistItem(round=round_, order=n, text=text, guidance=guidance)
            for n, (text, guidance) in enumerate(DEFAULT_ITEMS, start=1)
        ]
    ChecklistItem.objects.bulk_create(items)
    record(event=Event.CREATE, user=by, obj=round_, detail={"items": len(items)})
    return round_


@transaction.atomic
def round_transition(*, round_: ReviewRound, action: str, by, at: dt.datetime | None = None) -> ReviewRound:
    """Apply one step of ROUND_TRANSITIONS (``at`` back-dates it, for demo and imported history)."""
    now = at or timezone.now()
    step = ROUND_TRANSITIONS.get(action)
    if step is None:
        raise TransitionError(_("Unknown action."))
    locked = _lock_round(round_)
    if not can(by, "round.manage", locked.organization):
        raise TransitionError(_("Only the committee office may run review rounds."))
    if locked.status != step.source:
        raise TransitionError(
            _("The round is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": locked.get_status_display(), "action": step.label}
        )
    detail: dict[str, Any] = {}
    if action == "open":
        if not locked.items.exists():
            raise TransitionError(_("Add at least one checklist item before opening the round."))
        projects = Project.objects.filter(
            status__in=[Status.APPROVED, Status.IN_PROGRESS],
            organization__path__startswith=locked.organization.path,
        ).select_related("organization")
        checks = [ProjectCheck(round=locked, project=p, organization=p.organization) for p in projects]
        ProjectCheck.objects.bulk_create(checks, ignore_conflicts=True)
        locked.opened_at = now
        detail["checks"] = len(checks)
        _notify_branches(round_=locked)
    elif action == "close":
        locked.closed_at = now
    from_status = locked.status
    locked.status = step.target
    locked.version += 1
    locked.save()
    RoundTransition.objects.create(
        round=locked, action=action, from_status=from_status, to_status=locked.status, by=by, at=now, detail=detail
    )
    record(event=Event.TRANSITION, user=by, obj=locked, detail={"action": action, **detail})
    return locked


def _notify_branches(*, round_: ReviewRound) -> None:
    from portal.workbench.services import branch_secretaries, notify

    branches = {c.organization for c in round_.checks.select_related("organization")}
    text = _("%(round)s is open: file a progress report for each project by %(deadline)s.") % {
        "round": round_.title,
        "deadline": round_.report_deadline,
    }
    for branch in branches:
        notify(users=branch_secretaries(branch), text=text, url="")


@transaction.atomic
def check_save(
    *,
    check: ProjectCheck,
    by,
    answers: dict[int, tuple[str, str]],
    rating: str,
    comment: str = "",
    expected_version: int,
) -> ProjectCheck:
    """Fill the checklist of one project: every item answered, an overall rating. Stale versions are refused."""
    locked = ProjectCheck.objects.select_for_update().select_related("round", "project__organization").get(pk=check.pk)
    _require_unfrozen(locked.round)
    if locked.round.status not in (RoundStatus.OPEN, RoundStatus.REVIEWING):
        raise TransitionError(_("Checks are filled once the round is open."))
    if not can(by, "round.review", locked.project):
        raise TransitionError(_("Your role may not fill this checklist."))
    if locked.version != expected_version:
        raise ConflictError(
            _("Another reviewer saved this check after you opened it. Reload the page to see their answers.")
        )
    items = list(locked.round.items.all())
    errors = []
    for item in items:
        answer = answers.get(item.pk)
        if answer is None or answer[0] not in Answer.values:
            errors.append(_("Answer the item “%(item)s”.") % {"item": item.text})
    if rating not in Rating.values:
        errors.append(_("Choose an overall rating."))
    if errors:
        raise ValidationError(errors)
    CheckAnswer.objects.filter(check_row=locked).delete()
    CheckAnswer.objects.bulk_create(
        [
            CheckAnswer(check_row=locked, item=item, answer=answers[item.pk][0], note=(answers[item.pk][1] or "")[:500])
            for item in items
        ]
    )
    locked.rating = rating
    locked.comment = (comment or "").strip()[:2000]
    locked.reviewer = by
    locked.reviewed_at = timezone.now()
    locked.version += 1
    locked.save()
    record(event=Event.UPDATE, user=by, obj=locked, detail={"rating": rating})
    return locked


@transaction.atomic
def finding_raise(*, check: ProjectCheck, by, text: str, deadline: dt.date) -> Finding:
    locked = ProjectCheck.objects.select_for_update().select_related("round", "project__organization").get(pk=check.pk)
    _require_unfrozen(locked.round)
    if not can(by, "round.review", locked.project):
        raise TransitionError(_("Your role may not raise findings."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the problem found.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The rectification deadline cannot be in the past.")})
    finding = Finding(check_row=locked, text=text, deadline=deadline, raised_by=by)
    finding.full_clean()
    finding.save()
    record(event=Event.CREATE, user=by, obj=finding, detail={"check": locked.pk})
    return finding


def _lock_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update()
        .select_related("check_row__round", "check_row__project__organization")
        .get(pk=finding.pk)
    )


@transaction.atomic
def finding_answer(*, finding: Finding, by, response: str) -> Finding:
    locked = _lock_finding(finding)
    _require_unfrozen(locked.check_row.round)
    if not can(by, "round.answer", locked.check_row.project):
        raise TransitionError(_("Findings are answered by the project's branch."))
    if locked.status == FindingStatus.CONFIRMED:
        raise TransitionError(_("This finding is already confirmed as rectified."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Describe the rectification.")})
    locked.response = response[:2000]
    locked.responded_by = by
    locked.responded_at = timezone.now()
    locked.status = FindingStatus.ANSWERED
    locked.save()
    record(event=Event.UPDATE, user=by, obj=locked, detail={"status": locked.status})
    return locked


@transaction.atomic
def finding_confirm(*, finding: Finding, by, confirm: bool) -> Finding:
    """The reviewer confirms the rectification, or reopens the finding."""
    locked = _lock_finding(finding)
    _require_unfrozen(locked.check_row.round)
    if not can(by, "round.review", locked.check_row.project):
        raise TransitionError(_("Your role may not confirm rectifications."))
    if locked.status != FindingStatus.ANSWERED:
        raise TransitionError(_("Only a finding with a reported rectification can be confirmed or reopened."))
    if confirm:
        locked.status = FindingStatus.CONFIRMED
        locked.confirmed_by = by
        locked.confirmed_at = timezone.now()
    else:
        locked.status = FindingStatus.OPEN
    locked.save()
    record(event=Event.UPDATE, user=by, obj=locked, detail={"status": locked.status})
    return locked


@transaction.atomic
def branch_comment_save(*, round_: ReviewRound, organization, by, text: str) -> BranchComment:
    """半年点评 (half-year rounds only)."""
    locked = _lock_round(round_)
    _require_unfrozen(locked)
    if locked.kind != RoundKind.HALF_YEAR:
        raise TransitionError(_("Written branch comments belong to half-year rounds."))
    if not can(by, "round.manage", organization):
        raise TransitionError(_("Only the committee office may write branch comments."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    comment, _created = BranchComment.objects.update_or_create(
        round=locked, organization=organization, defaults={"text": text[:3000], "by": by, "at": timezone.now()}
    )
    record(event=Event.UPDATE, user=by, obj=comment)
    return comment


def projects_missing_reports(*, round_: ReviewRound):
    """Checks of this round whose project has no progress report for the round's quarter."""
    from .models import ProgressReport

    reported = ProgressReport.objects.filter(year=round_.year, quarter=round_.quarter).values("project_id")
    return round_.checks.exclude(project_id__in=reported)


@transaction.atomic
def round_items_save(
    *, round_: ReviewRound, by, items: list[tuple[str, str]], expected_version: int
) -> list[ChecklistItem]:
    """Replace the checklist of a draft round with ``items`` ((text, guidance) in order)."""
    locked = _lock_round(round_)
    _require_unfrozen(locked)
    if locked.status != RoundStatus.DRAFT:
        raise TransitionError(_("Checklist items can be changed only while the round is a draft."))
    if not can(by, "round.manage", locked.organization):
        raise TransitionError(_("Only the committee office may change the checklist."))
    if locked.version != expected_version:
        raise ConflictError(_("Someone else changed this round after you opened it. Reload the page."))
    cleaned = [((text or "").strip(), (guidance or "").strip()) for text, guidance in items]
    cleaned = [(text, guidance) for text, guidance in cleaned if text]
    if not cleaned:
        raise ValidationError(_("The checklist needs at least one item."))
    before = list(locked.items.values_list("text", flat=True))
    locked.items.all().delete()
    created = [
        ChecklistItem(round=locked, order=n, text=text, guidance=guidance)
        for n, (text, guidance) in enumerate(cleaned, start=1)
    ]
    for item in created:
        item.full_clean(exclude=["round"])
    ChecklistItem.objects.bulk_create(created)
    locked.version += 1
    locked.save(update_fields=["version"])
    record(
        event=Event.UPDATE, user=by, obj=locked, detail={"items": {"before": before, "after": [t for t, _g in cleaned]}}
    )
    return created
