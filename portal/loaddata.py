"""A large invented company for performance work (`manage.py generate_load_data`, docs/performance.md).

Rows are written with ``bulk_create`` in batches, NOT through the services: no per-row audit events,
no simple-history rows, no notifications. Every row still satisfies the model constraints and
``full_clean()`` (tests/test_generate_load_data.py checks a sample), and the shape follows the demo:
a committee → general branches → branches → party groups tree, people of every party status and
leader level, projects over several years whose statuses follow their age, teams with one leader,
quarterly reports, results with values, the timeline of transitions, evaluations, a few published
projects and one open review round. Project numbers continue ``ProjectNumberSequence`` and the
sequence rows are moved past them, so later approvals through the services carry on after them.

One audit event (object.create, detail ``{"action": "generate_load_data", …}``) records the run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from branches.models import Gender, LeaderLevel, Member, Organization, OrgKind, PartyPost, PartyStatus
from portal.accounts.models import Role, User
from portal.audit.log import record
from portal.audit.models import AuditEvent, Event
from projects.models import (
    Category,
    Evaluation,
    EvaluationScore,
    ProgrammeSettings,
    ProgressReport,
    Project,
    ProjectNumberSequence,
    ProjectTransition,
    Result,
    ResultType,
    RubricItem,
    Status,
    TeamMember,
    TeamRole,
    TopicSource,
)
from projects.round_models import ChecklistItem, ProjectCheck, ReviewRound, RoundKind, RoundStatus, RoundTransition
from projects.round_services import DEFAULT_ITEMS

BENCH_USERNAME = "bench"
BENCH_PASSWORD = "Bench-Load#2026"  # documented in docs/performance.md; a throw-away load database only

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏建国志文斌辉宇浩凯晨欣怡思雨婷博然泽睿涵嘉琪子轩佳鑫海波东亮成林峰"
UNITS = (
    "制造部",
    "装配车间",
    "机加车间",
    "质量安全部",
    "研发中心",
    "工艺所",
    "运营管理部",
    "采购中心",
    "动力厂",
    "检测站",
)
GROUP_KINDS = ("生产", "技术", "质量", "设备", "综合")
TITLE_VERBS = ("提升", "优化", "攻关", "降低", "缩短", "改进", "推行", "建立")
TITLE_OBJECTS = (
    "焊接一次合格率",
    "装配周期",
    "设备综合效率",
    "刀具寿命",
    "检验工时",
    "物料配送准时率",
    "危险工序安全管控",
    "工艺文件编制效率",
    "能源消耗",
    "返修率",
    "精益看板管理",
    "党员责任区示范效应",
)
JOBS = (("钳工", "技师"), ("数控车工", "高级工"), ("工艺工程师", "工程师"), ("检验员", "中级工"), ("计划员", "经济师"))


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    root: Organization | None = None


def has_data() -> bool:
    """Anything beyond the configuration rows of the migrations."""
    return Organization.objects.exists() or Member.objects.exists() or Project.objects.exists() or User.objects.exists()


def _batched(model, rows: list, batch_size: int) -> list:
    return model.objects.bulk_create(rows, batch_size=batch_size)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _status_for(rng: random.Random, age: int) -> str:
    """Older years are mostly completed or evaluated; this year is mostly in progress."""
    if age >= 2:
        table = ((Status.EVALUATED, 62), (Status.COMPLETED, 18), (Status.TERMINATED, 5), (Status.REJECTED, 15))
    elif age == 1:
        table = (
            (Status.EVALUATED, 30),
            (Status.COMPLETED, 30),
            (Status.COMPLETION_REVIEW, 8),
            (Status.IN_PROGRESS, 12),
            (Status.TERMINATED, 5),
            (Status.REJECTED, 15),
        )
    else:
        table = (
            (Status.DRAFT, 8),
            (Status.SUBMITTED, 8),
            (Status.APPROVED, 6),
            (Status.IN_PROGRESS, 58),
            (Status.COMPLETION_REVIEW, 5),
            (Status.COMPLETED, 3),
            (Status.TERMINATED, 2),
            (Status.REJECTED, 10),
        )
    statuses, weights = zip(*table, strict=True)
    return rng.choices(statuses, weights)[0]


# The path a project takes to reach each status: (action, from, to).
PATHS: dict[str, list[tuple[str, str, str]]] = {
    Status.DRAFT: [],
    Status.SUBMITTED: [("submit", Status.DRAFT, Status.SUBMITTED)],
    Status.REJECTED: [("submit", Status.DRAFT, Status.SUBMITTED), ("reject", Status.SUBMITTED, Status.REJECTED)],
    Status.APPROVED: [("submit", Status.DRAFT, Status.SUBMITTED), ("approve", Status.SUBMITTED, Status.APPROVED)],
}
PATHS[Status.IN_PROGRESS] = PATHS[Status.APPROVED] + [("start", Status.APPROVED, Status.IN_PROGRESS)]
PATHS[Status.TERMINATED] = PATHS[Status.IN_PROGRESS] + [("terminate", Status.IN_PROGRESS, Status.TERMINATED)]
PATHS[Status.COMPLETION_REVIEW] = PATHS[Status.IN_PROGRESS] + [
    ("request_completion", Status.IN_PROGRESS, Status.COMPLETION_REVIEW)
]
PATHS[Status.COMPLETED] = PATHS[Status.COMPLETION_REVIEW] + [("accept", Status.COMPLETION_REVIEW, Status.COMPLETED)]
PATHS[Status.EVALUATED] = PATHS[Status.COMPLETED] + [("evaluate", Status.COMPLETED, Status.EVALUATED)]


class Generator:
    def __init__(
        self,
        *,
        branches: int,
        people: int,
        projects: int,
        years: int,
        seed: int,
        batch_size: int,
        today: date | None = None,
        log: Callable[[str], None] = lambda s: None,
    ) -> None:
        self.n_branches = max(1, branches)
        self.n_people = max(people, self.n_branches * 4)
        self.n_projects = projects
        self.years = max(1, years)
        self.rng = random.Random(seed)
        self.batch = batch_size
        self.today = today or timezone.localdate()
        self.log = log
        self.counts: dict[str, int] = {}

    # --- helpers -------------------------------------------------------------------------------
    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def _day(self, start: date, end: date) -> date:
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    # --- the tree --------------------------------------------------------------------------------
    def tree(self) -> None:
        last_root = Organization.objects.get_last_root_node()
        root_no = (Organization._str2int(last_root.path[: Organization.steplen]) + 1) if last_root else 1
        self.tag = f"L{root_no}"
        now = timezone.now()
        root = Organization(
            name=f"负载测试集团党委（{self.tag}）",
            kind=OrgKind.COMMITTEE,
            code=f"{self.tag}-ROOT",
            path=Organization._get_path(None, 1, root_no),
            depth=1,
            numchild=0,
            created_at=now,
        )
        n_general = max(1, self.n_branches // 10) if self.n_branches >= 3 else 0
        direct = max(1, self.n_branches // 20) if n_general else self.n_branches
        orgs: list[Organization] = []
        generals = []
        for g in range(n_general):
            gen = Organization(
                name=f"{UNITS[g % len(UNITS)]}{g + 1}党总支",
                kind=OrgKind.GENERAL_BRANCH,
                code=f"{self.tag}-G{g + 1:03d}",
                path=Organization._get_path(root.path, 2, g + 1),
                depth=2,
                numchild=0,
                order=g + 1,
                created_at=now,
            )
            generals.append(gen)
        root.numchild = n_general
        orgs.append(root)
        orgs += generals
        branches: list[Organization] = []
        for b in range(self.n_branches):
            if b < direct or not generals:
                parent, depth = root, 2
                step = n_general + b + 1
            else:
                parent = generals[(b - direct) % len(generals)]
                depth = 3
                step = parent.numchild + 1
            parent.numchild += 1
            unit = UNITS[b % len(UNITS)]
            branches.append(
                Organization(
                    name=f"{unit}第{b + 1}党支部",
                    kind=OrgKind.BRANCH,
                    code=f"{self.tag}-B{b + 1:04d}",
                    path=Organization._get_path(parent.path, depth, step),
                    depth=depth,
                    numchild=0,
                    order=b + 1,
                    created_at=now,
                )
            )
        groups: dict[int, list[Organization]] = {}
        for i, branch in enumerate(branches):
            k = self.rng.choice((2, 2, 3))
            branch.numchild = k
            groups[i] = [
                Organization(
                    name=f"{GROUP_KINDS[j % len(GROUP_KINDS)]}党小组",
                    kind=OrgKind.PARTY_GROUP,
                    path=Organization._get_path(branch.path, branch.depth + 1, j + 1),
                    depth=branch.depth + 1,
                    numchild=0,
                    order=j + 1,
                    created_at=now,
                )
                for j in range(k)
            ]
        orgs += branches
        for gs in groups.values():
            orgs += gs
        _batched(Organization, orgs, self.batch)
        self.root, self.branches, self.groups = root, branches, groups
        self.counts.update(
            general_branches=n_general, branches=len(branches), party_groups=len(orgs) - 1 - n_general - len(branches)
        )

    # --- people -----------------------------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        per_branch = [self.n_people // len(self.branches)] * len(self.branches)
        for i in range(self.n_people - sum(per_branch)):
            per_branch[i] += 1
        members: list[Member] = []
        self.branch_members: list[list[int]] = []  # indexes into members, per branch
        now = timezone.now()
        n = 0
        for b, branch in enumerate(self.branches):
            idx = []
            group_list = self.groups[b]
            for k in range(per_branch[b]):
                n += 1
                # the first people of a branch hold its posts; they are always full members
                if k == 0:
                    status, post = PartyStatus.FULL, PartyPost.SECRETARY
                elif k == 1:
                    status, post = PartyStatus.FULL, PartyPost.COMMITTEE_MEMBER
                elif 2 <= k < 2 + len(group_list):
                    status, post = PartyStatus.FULL, PartyPost.GROUP_LEADER
                else:
                    r = rng.random()
                    status = PartyStatus.FULL if r < 0.6 else PartyStatus.PROBATIONARY if r < 0.66 else PartyStatus.NONE
                    post = PartyPost.NONE
                if k == 0 or k >= 2 + len(group_list):
                    org = branch if k == 0 or rng.random() < 0.2 else rng.choice(group_list)
                else:
                    org = branch if k == 1 else group_list[k - 2]
                leader = LeaderLevel.NONE
                r = rng.random()
                if r < 0.003:
                    leader = LeaderLevel.COMPANY
                elif r < 0.06 or k == 0 and r < 0.5:
                    leader = LeaderLevel.DEPARTMENT
                job, grade = rng.choice(JOBS)
                joined = None
                if status != PartyStatus.NONE:
                    joined = self.today - timedelta(days=rng.randrange(200, 12000))
                members.append(
                    Member(
                        name=self._name(),
                        gender=Gender.MALE if rng.random() < 0.72 else Gender.FEMALE,
                        employee_no=f"{self.tag}-{n:06d}",
                        organization=org,
                        party_status=status,
                        joined_party_on=joined,
                        party_post=post,
                        job_title=job,
                        skill_grade=grade,
                        leader_level=leader,
                        on_duty=k < 2 + len(group_list) or rng.random() < 0.93,
                        # never a real number: the reserved 138-0000-xxxx block, or none
                        phone=f"138{n:08d}" if rng.random() < 0.3 else "",
                        created_at=now,
                    )
                )
                idx.append(len(members) - 1)
            self.branch_members.append(idx)
        _batched(Member, members, self.batch)
        self.members = members
        self.counts.update(
            people=len(members),
            full=sum(m.party_status == PartyStatus.FULL for m in members),
            probationary=sum(m.party_status == PartyStatus.PROBATIONARY for m in members),
            non_party=sum(m.party_status == PartyStatus.NONE for m in members),
        )

    # --- users -------------------------------------------------------------------------------------
    def users(self) -> None:
        users = []
        self.secretaries: list[User] = []
        for b, branch in enumerate(self.branches):
            sec = self.members[self.branch_members[b][0]]
            u = User(
                username=f"{self.tag.lower()}.sec{b + 1:04d}",
                full_name=sec.name,
                role=Role.SECRETARY,
                scope=branch,
                member=sec,
                must_change_password=True,
            )
            u.set_unusable_password()
            users.append(u)
        for role, count in ((Role.REVIEWER, 3), (Role.COMMITTEE_ADMIN, 2), (Role.STAFF, 5)):
            for i in range(count):
                u = User(
                    username=f"{self.tag.lower()}.{role.value.replace('_', '')}{i + 1}",
                    role=role,
                    scope=self.root if role != Role.STAFF else self.branches[i % len(self.branches)],
                    must_change_password=True,
                )
                u.set_unusable_password()
                users.append(u)
        _batched(User, users, self.batch)
        self.secretaries = users[: len(self.branches)]
        self.reviewers = [u for u in users if u.role == Role.REVIEWER]
        self.admins = [u for u in users if u.role == Role.COMMITTEE_ADMIN]
        bench = User.objects.filter(username=BENCH_USERNAME).first()
        if bench is None:
            bench = User(
                username=BENCH_USERNAME,
                full_name="Benchmark",
                role=Role.COMMITTEE_ADMIN,
                scope=self.root,
                must_change_password=False,
                password_changed_at=timezone.now(),
            )
            bench.set_password(BENCH_PASSWORD)
            bench.save()
            users.append(bench)
        self.bench = bench
        self.counts["users"] = len(users)

    # --- projects ------------------------------------------------------------------------------------
    def projects(self) -> None:
        rng = self.rng
        categories = list(Category.objects.filter(is_active=True))
        sources = list(TopicSource.objects.filter(is_active=True))
        rtypes = list(ResultType.objects.filter(is_active=True))
        rubric = list(RubricItem.objects.filter(is_active=True))
        prefix = ProgrammeSettings.load().number_prefix
        this_year = self.today.year
        first_year = this_year - self.years + 1
        seq = {s.year: s.last for s in ProjectNumberSequence.objects.filter(year__gte=first_year)}
        party_by_branch = [
            [i for i in idx if self.members[i].party_status != PartyStatus.NONE] for idx in self.branch_members
        ]
        projects: list[Project] = []
        plans: list[tuple[int, int, str, date, date]] = []  # (branch, leader idx, status, start, end)
        led_done: set[tuple[int, int]] = set()
        for p in range(self.n_projects):
            year = first_year + p * self.years // max(1, self.n_projects)
            b = rng.randrange(len(self.branches))
            branch = self.branches[b]
            leader_i = rng.choice(party_by_branch[b])
            status = _status_for(rng, this_year - year)
            start = date(year, rng.randint(1, 4), rng.randint(1, 28))
            end = start + timedelta(days=rng.randint(150, 330))
            if year == this_year and start > self.today:
                start = date(year, 1, rng.randint(1, 28))
                end = start + timedelta(days=rng.randint(150, 330))
            filed = _aware(
                date(year, 1, 1) + timedelta(days=rng.randrange(max(1, (start - date(year, 1, 1)).days + 1)))
            )
            number = None
            approved_at = None
            publicity_ends = None
            if status not in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED):
                seq[year] = seq.get(year, 0) + 1
                number = f"{year}-{prefix}-{seq[year]:04d}"
                approved_at = min(filed + timedelta(days=rng.randint(5, 15)), timezone.now())
                publicity_ends = approved_at.date() + timedelta(days=5)
            branch_led = (b, year) not in led_done and rng.random() < 0.4
            if branch_led:
                led_done.add((b, year))
            obj = f"{rng.choice(TITLE_VERBS)}{rng.choice(TITLE_OBJECTS)}"
            projects.append(
                Project(
                    number=number,
                    year=year,
                    title=f"{obj}（{branch.name[:8]}）",
                    organization=branch,
                    category=rng.choice(categories),
                    topic_source=rng.choice(sources),
                    leader=self.members[leader_i],
                    problem=f"{obj}方面存在短板，影响生产任务按期完成。",
                    goals=f"通过党员攻关，年内{obj}取得可量化改进。",
                    indicators="合格率提升 5 个百分点；周期缩短 10%。",
                    planned_start=start,
                    planned_end=end,
                    expected_value=Decimal(rng.randint(0, 500)) / 10,
                    is_branch_led=branch_led,
                    status=status,
                    publicity_ends_on=publicity_ends,
                    approved_at=approved_at,
                    completion_summary="按计划完成各项指标。" if status in (Status.COMPLETED, Status.EVALUATED) else "",
                    is_public=status in (Status.COMPLETED, Status.EVALUATED) and rng.random() < 0.1,
                    created_by=self.secretaries[b],
                    created_at=filed,
                )
            )
            plans.append((b, leader_i, status, start, end))
        self.log(f"  {len(projects)} projects planned")
        _batched(Project, projects, self.batch)
        for year, last in seq.items():
            ProjectNumberSequence.objects.update_or_create(year=year, defaults={"last": last})

        team: list[TeamMember] = []
        through = Project.expected_result_types.through
        expected = []
        transitions: list[ProjectTransition] = []
        reports: list[ProgressReport] = []
        results: list[Result] = []
        evaluations: list[Evaluation] = []
        for project, (b, leader_i, status, start, end) in zip(projects, plans, strict=True):
            team.append(
                TeamMember(project=project, member=self.members[leader_i], role=TeamRole.LEADER, duty="总体负责")
            )
            pool = self.branch_members[b]
            for i in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
                if i != leader_i:
                    team.append(
                        TeamMember(
                            project=project,
                            member=self.members[i],
                            role=TeamRole.CORE if rng.random() < 0.3 else TeamRole.MEMBER,
                            duty="技术攻关",
                        )
                    )
            for rt in rng.sample(rtypes, min(len(rtypes), rng.randint(1, 2))):
                expected.append(through(project_id=project.pk, resulttype_id=rt.pk))
            sec = self.secretaries[b]
            at = project.created_at
            transitions.append(
                ProjectTransition(
                    project=project, action="create", from_status="", to_status=Status.DRAFT, by=sec, at=at
                )
            )
            for action, src, dst in PATHS[status]:
                if action == "approve":
                    at = project.approved_at
                    by = rng.choice(self.reviewers)
                    detail = {"number": project.number}
                elif action == "start":
                    at = min(_aware(project.publicity_ends_on), timezone.now())
                    by, detail = rng.choice(self.admins), {}
                elif action == "submit":
                    at = project.created_at + timedelta(days=rng.randint(0, 4))
                    by, detail = sec, {}
                else:
                    at = min(at + timedelta(days=rng.randint(2, 60)), timezone.now())
                    by = sec if action in ("submit", "request_completion") else rng.choice(self.reviewers)
                    detail = {}
                comment = "不符合立项条件。" if action in ("reject", "terminate") else ""
                transitions.append(
                    ProjectTransition(
                        project=project,
                        action=action,
                        from_status=src,
                        to_status=dst,
                        by=by,
                        at=at,
                        comment=comment,
                        detail=detail,
                    )
                )
            if status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.APPROVED):
                continue
            # quarterly progress: up to four quarters from the start
            q_day = start
            done = status in (Status.COMPLETION_REVIEW, Status.COMPLETED, Status.EVALUATED)
            quarters = []
            while q_day <= min(end, self.today) and len(quarters) < 4:
                quarters.append((q_day.year, (q_day.month - 1) // 3 + 1))
                q_day = date(q_day.year + (q_day.month > 9), (q_day.month + 2) % 12 + 1, 1)
            for n, (yy, qq) in enumerate(quarters, start=1):
                final = done and n == len(quarters)
                reports.append(
                    ProgressReport(
                        project=project,
                        year=yy,
                        quarter=qq,
                        progress=100 if final else min(95, n * 25),
                        work_done="完成阶段性攻关任务，数据已复核。",
                        next_steps="" if final else "推进下一阶段试验。",
                        is_final=final,
                        submitted_by=sec,
                        submitted_at=_aware(min(date(yy, qq * 3, 28), self.today)),
                    )
                )
            if status == Status.TERMINATED:
                continue
            for _k in range(rng.choice((0, 1, 1, 2, 3)) if not done else rng.randint(1, 3)):
                rt = rng.choice(rtypes)
                achieved = self._day(start, end)
                results.append(
                    Result(
                        project=project,
                        result_type=rt,
                        title=f"{rt.name}：{project.title[:30]}",
                        achieved_on=achieved,
                        value=(Decimal(rng.randint(5, 3000)) / 10) if rt.carries_value else Decimal("0"),
                        reference=f"ZL{project.year}{rng.randint(100000, 999999)}" if rt.needs_reference else "",
                        description="已在本单位推广应用。",
                        created_at=_aware(achieved),
                    )
                )
            if status == Status.EVALUATED and rubric:
                fraction = Decimal(rng.randint(55, 98)) / 100
                scores = [(item, (item.max_score * fraction).quantize(Decimal("0.1"))) for item in rubric]
                total = sum((s for _i, s in scores), Decimal("0"))
                evaluation = Evaluation(
                    project=project,
                    year=project.year,
                    total=total,
                    grade=self.grade(total),
                    comments="完成情况良好。",
                    evaluator=rng.choice(self.reviewers),
                    created_at=min(at, timezone.now()),
                )
                evaluation._scores = scores
                evaluations.append(evaluation)
        for model, rows, key in (
            (TeamMember, team, "team_members"),
            (through, expected, "expected_result_types"),
            (ProjectTransition, transitions, "transitions"),
            (ProgressReport, reports, "reports"),
            (Result, results, "results"),
            (Evaluation, evaluations, "evaluations"),
        ):
            model.objects.bulk_create(rows, batch_size=self.batch)
            self.counts[key] = len(rows)
            self.log(f"  {len(rows)} {key}")
        scores = [
            EvaluationScore(evaluation=e, rubric_item=item, max_score=item.max_score, score=s)
            for e in evaluations
            for item, s in e._scores
        ]
        EvaluationScore.objects.bulk_create(scores, batch_size=self.batch)
        self.counts["projects"] = len(projects)
        self.counts["public_projects"] = sum(p.is_public for p in projects)
        self.projects_list = projects

    def grade(self, total: Decimal) -> str:
        if not hasattr(self, "_settings"):
            self._settings = ProgrammeSettings.load()
        return self._settings.grade_for(total)

    # --- one open review round --------------------------------------------------------------------------
    def review_round(self) -> None:
        year = self.today.year
        quarter = (self.today.month - 1) // 3 + 1
        if ReviewRound.objects.filter(
            organization=self.root, year=year, quarter=quarter, kind=RoundKind.QUARTERLY
        ).exists():
            return
        deadline = self.today + timedelta(days=10)
        round_ = ReviewRound.objects.create(
            organization=self.root,
            year=year,
            quarter=quarter,
            kind=RoundKind.QUARTERLY,
            title=f"{year}年第{quarter}季度项目进展检查",
            report_deadline=deadline,
            review_deadline=deadline + timedelta(days=10),
            status=RoundStatus.OPEN,
            created_by=self.bench,
            opened_at=timezone.now(),
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(round=round_, order=n, text=text, guidance=guidance)
            for n, (text, guidance) in enumerate(DEFAULT_ITEMS, start=1)
        )
        active = [p for p in self.projects_list if p.status in (Status.APPROVED, Status.IN_PROGRESS)]
        ProjectCheck.objects.bulk_create(
            (ProjectCheck(round=round_, project=p, organization=p.organization) for p in active), batch_size=self.batch
        )
        RoundTransition.objects.create(
            round=round_,
            action="open",
            from_status=RoundStatus.DRAFT,
            to_status=RoundStatus.OPEN,
            by=self.bench,
            detail={"checks": len(active)},
        )
        self.counts["review_rounds"] = 1
        self.counts["round_checks"] = len(active)

    def run(self) -> LoadResult:
        started = time.monotonic()
        steps: Iterable[tuple[str, Callable[[], None]]] = (
            ("organization tree", self.tree),
            ("people", self.people),
            ("users", self.users),
            ("projects", self.projects),
            ("review round", self.review_round),
        )
        with transaction.atomic():
            for label, step in steps:
                t = time.monotonic()
                step()
                self.log(f"{label}: {time.monotonic() - t:.1f} s")
            seconds = time.monotonic() - started
            record(
                event=Event.CREATE,
                obj=self.root,
                username="generate_load_data",
                detail={"action": "generate_load_data", "seconds": round(seconds, 1), **self.counts},
            )
        return LoadResult(counts=dict(self.counts), seconds=time.monotonic() - started, root=self.root)


def generate(**options) -> LoadResult:
    return Generator(**options).run()


__all__ = ["BENCH_PASSWORD", "BENCH_USERNAME", "AuditEvent", "Generator", "LoadResult", "generate", "has_data"]
