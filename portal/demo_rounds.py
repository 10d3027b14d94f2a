"""The demo company's review rounds (issue 4), built by `manage.py load_demo` after the projects.

Two rounds of the programme year (portal.demo_projects.programme_year), both played through
projects/round_services.py by ``committee`` (the office) and ``reviewer``, the branches answering
through their secretaries (the login, or the branch's service account that filed the project):

* **the half-year round (Q2), closed**: every check filled with a mix of ratings, findings raised,
  rectified and confirmed, a written comment (点评) on each branch, then closed in late July;
* **the Q3 round, open**: opened in early October; the branches' Q3 reports are those the projects'
  story filed (the late ones are missing), some checks are done, one finding has been answered and
  waits for confirmation, one is open. Its deadlines lie a few days ahead of the day of the load, so
  the dashboard, the to-dos and ``remind_round_deadlines`` have something to show.

Opening a round checks every project approved or in progress *now*; projects the story approved
after the round opened are then taken out of it again (they join the next round), so each round holds
the projects that were running when it opened. Times are re-dated to the story's days at the end
(audit rows keep the real time of the load, as for the projects).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from branches.models import Organization
from portal.accounts.models import User
from portal.workbench.models import Notification
from projects import round_services as rsv
from projects.models import (
    Answer,
    BranchComment,
    Finding,
    ProjectCheck,
    Rating,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundTransition,
)

from .demo import COMPANY_CODE, DEMO_SEED
from .demo_projects import programme_year

RATING_WEIGHTS = ((Rating.GOOD, 35), (Rating.FAIRLY_GOOD, 40), (Rating.AVERAGE, 20), (Rating.POOR, 5))
NOTES = ("佐证材料不够齐全", "进度略滞后于计划节点", "成员分工记录不完整", "阶段成果尚待验证", "台账更新不及时")
FINDINGS = (
    "项目进度滞后于立项计划节点，需说明原因并制定赶工措施。",
    "阶段性成果缺少试验记录等佐证材料，请补充。",
    "项目组成员分工不明确，党员带头作用体现不充分。",
    "季度进展内容过于简略，请补充具体数据。",
)
RESPONSES = (
    "已补充试验记录和数据分析报告，并上传佐证材料。",
    "已召开项目组会议明确分工，调整计划节点，下季度追回进度。",
    "已完善季度进展内容，补充关键指标数据。",
)
BRANCH_COMMENTS = (
    "上半年项目推进有序，党员带头攻关作用明显，成果转化仍需加强。",
    "项目进度总体符合计划，佐证材料规范完整，个别项目需加快进度。",
    "支部书记亲自抓项目，阶段成果突出；建议加强过程资料管理。",
)


@dataclass
class DemoRound:
    title: str
    status: str
    checks: int
    done: int
    findings: int


@dataclass
class DemoRoundsResult:
    created: bool
    rounds: list[DemoRound] = field(default_factory=list)


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Rounds:
    def __init__(self, *, committee: Organization, seed: int, today: date) -> None:
        self.rng = random.Random(seed + 4)
        self.committee = committee
        self.today = today
        self.now = timezone.now()
        self.year = programme_year(today)
        users = {u.username: u for u in User.objects.filter(username__in=["committee", "reviewer"])}
        self.office, self.reviewer = users["committee"], users["reviewer"]

    # --- helpers ----------------------------------------------------------------------------------

    def _create(self, *, quarter: int, kind: str, title: str, report: date, review: date) -> ReviewRound:
        return rsv.round_create(
            by=self.office,
            organization=self.committee,
            year=self.year,
            quarter=quarter,
            kind=kind,
            title=title,
            report_deadline=report,
            review_deadline=review,
        )

    def _open(self, round_: ReviewRound, opened: date) -> ReviewRound:
        round_ = rsv.round_transition(round_=round_, action="open", by=self.office)
        # Projects approved after the story's opening day were not running then: they join the next round.
        round_.checks.filter(project__approved_at__gte=_moment(opened, 0)).delete()
        return round_

    def _fill(self, check: ProjectCheck, rating: str | None = None) -> ProjectCheck:
        rating = rating or self.rng.choices([r for r, _w in RATING_WEIGHTS], [w for _r, w in RATING_WEIGHTS])[0]
        items = list(check.round.items.all())
        weak = {Rating.GOOD: 0, Rating.FAIRLY_GOOD: 1, Rating.AVERAGE: 2, Rating.POOR: 3}[Rating(rating)]
        weak_items = set(self.rng.sample([i.pk for i in items], min(weak, len(items))))
        answers = {}
        for item in items:
            if item.pk in weak_items:
                answer = Answer.FAILS if rating == Rating.POOR and self.rng.random() < 0.6 else Answer.MOSTLY
                answers[item.pk] = (answer, self.rng.choice(NOTES))
            else:
                answers[item.pk] = (Answer.CONFORMS, "")
        return rsv.check_save(
            check=check, by=self.reviewer, answers=answers, rating=rating, expected_version=check.version
        )

    def _raise(self, check: ProjectCheck, text: str) -> Finding:
        return rsv.finding_raise(check=check, by=self.reviewer, text=text, deadline=self.today)

    def _answer(self, finding: Finding) -> Finding:
        by = finding.check_row.project.created_by
        return rsv.finding_answer(finding=finding, by=by, response=self.rng.choice(RESPONSES))

    def _checks(self, round_: ReviewRound) -> list[ProjectCheck]:
        return list(
            round_.checks.select_related("round", "project__created_by", "organization").order_by(
                "organization__path", "project__number"
            )
        )

    # --- the closed half-year round ------------------------------------------------------------------

    def half_year(self) -> ReviewRound:
        y = self.year
        round_ = self._create(
            quarter=2,
            kind=RoundKind.HALF_YEAR,
            title=f"{y}年上半年党员创新工程项目进展检查",
            report=date(y, 7, 10),
            review=date(y, 7, 25),
        )
        round_ = self._open(round_, date(y, 7, 1))
        round_ = rsv.round_transition(round_=round_, action="start_review", by=self.office)
        checks = self._checks(round_)
        findings = []
        for n, check in enumerate(checks):
            check = self._fill(check)
            if check.rating in (Rating.AVERAGE, Rating.POOR) or n % 5 == 0:
                findings.append(self._raise(check, self.rng.choice(FINDINGS)))
        for finding in findings:
            finding = self._answer(finding)
            rsv.finding_confirm(finding=finding, by=self.reviewer, confirm=True)
        for org in {c.organization for c in checks}:
            rsv.branch_comment_save(
                round_=round_, organization=org, by=self.office, text=self.rng.choice(BRANCH_COMMENTS)
            )
        # Dates first: once closed, the round is frozen (the database refuses any change to it).
        self._redate(
            round_,
            created=date(y, 6, 24),
            steps={"open": date(y, 7, 1), "start_review": date(y, 7, 11)},
            reviewed=(date(y, 7, 12), date(y, 7, 22)),
            finding_days=(date(y, 7, 15), date(y, 7, 25), date(y, 7, 21), date(y, 7, 24)),
            comments=date(y, 7, 29),
            read=True,
        )
        return rsv.round_transition(round_=round_, action="close", by=self.office, at=_moment(date(y, 7, 31), 16))

    # --- the open Q3 round -------------------------------------------------------------------------------

    def third_quarter(self) -> ReviewRound:
        y = self.year
        round_ = self._create(
            quarter=3,
            kind=RoundKind.QUARTERLY,
            title=f"{y}年第三季度党员创新工程项目进展检查",
            report=self.today + timedelta(days=3),
            review=self.today + timedelta(days=20),
        )
        opened = date(y, 10, 8)
        round_ = self._open(round_, opened)
        missing = set(rsv.projects_missing_reports(round_=round_).values_list("pk", flat=True))
        reported = [c for c in self._checks(round_) if c.pk not in missing]
        done = [self._fill(c) for c in reported[: max(2, len(reported) * 2 // 5)]]
        by_login = sorted(done, key=lambda c: c.project.created_by.username != "secretary_a")
        answered = self._raise(by_login[0], FINDINGS[1])
        self._answer(answered)
        self._raise(by_login[-1], FINDINGS[0])
        Finding.objects.filter(check_row__round=round_).update(deadline=self.today + timedelta(days=2))
        self._redate(
            round_,
            created=opened - timedelta(days=2),
            steps={"open": opened},
            reviewed=None,
            finding_days=None,
            comments=None,
            read=False,
        )
        return round_

    # --- dates ---------------------------------------------------------------------------------------------

    def _redate(self, round_, *, created, steps, reviewed, finding_days, comments, read: bool) -> None:
        ReviewRound.objects.filter(pk=round_.pk).update(
            created_at=_moment(created),
            opened_at=_moment(steps["open"], 9),
        )
        for transition in RoundTransition.objects.filter(round=round_):
            RoundTransition.objects.filter(pk=transition.pk).update(at=_moment(steps[transition.action], 9))
        opened_notices = Notification.objects.filter(text__contains=round_.title, created_at__gte=self.now)
        opened_notices.update(
            created_at=_moment(steps["open"], 9), read_at=_moment(steps["open"], 14) if read else None
        )
        if reviewed:
            first, last = reviewed
            for check in round_.checks.exclude(reviewed_at=None):
                day = first + timedelta(days=self.rng.randint(0, (last - first).days))
                ProjectCheck.objects.filter(pk=check.pk).update(reviewed_at=_moment(day, self.rng.randint(9, 17)))
        if finding_days:
            raised, due, responded, confirmed = finding_days
            Finding.objects.filter(check_row__round=round_).update(
                raised_at=_moment(raised),
                deadline=due,
                responded_at=_moment(responded),
                confirmed_at=_moment(confirmed),
            )
        if comments:
            BranchComment.objects.filter(round=round_).update(at=_moment(comments))


def _summary(committee: Organization) -> list[DemoRound]:
    rounds = ReviewRound.objects.filter(organization=committee).order_by("year", "quarter", "id")
    return [
        DemoRound(
            title=r.title,
            status=r.status,
            checks=r.checks.count(),
            done=r.checks.exclude(rating="").count(),
            findings=Finding.objects.filter(check_row__round=r).count(),
        )
        for r in rounds
    ]


@transaction.atomic
def load_demo_rounds(*, seed: int = DEMO_SEED, today: date | None = None) -> DemoRoundsResult:
    """Build the two demo rounds, unless the company (or its projects) is missing or it has rounds already."""
    today = today or timezone.localdate()
    committee = Organization.objects.filter(code=COMPANY_CODE).first()
    if committee is None:
        return DemoRoundsResult(created=False)
    if ReviewRound.objects.filter(organization=committee).exists():
        return DemoRoundsResult(created=False, rounds=_summary(committee))
    from projects.models import Project, Status

    running = Project.objects.filter(
        organization__path__startswith=committee.path, status__in=[Status.APPROVED, Status.IN_PROGRESS]
    )
    if not running.exists():
        return DemoRoundsResult(created=False)
    with translation.override(settings.LANGUAGE_CODE):
        builder = _Rounds(committee=committee, seed=seed, today=today)
        builder.half_year()
        builder.third_quarter()
    return DemoRoundsResult(created=True, rounds=_summary(committee))


__all__ = ["DemoRound", "DemoRoundsResult", "RoundStatus", "load_demo_rounds"]
