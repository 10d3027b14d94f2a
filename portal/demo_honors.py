"""The demo company's demonstration posts, award campaigns, honours and branch grading (issue 5),
built by `manage.py load_demo` after the projects and the review rounds.

Everything goes through honors/services.py, so every row has its log, history and audit rows:

* **demonstration posts** of every kind in every state — applied, being built (one after a failed
  acceptance), titled (last year, this year, or last year and kept at this year's review), revoked
  at this year's review, rejected — applied for by the branch secretaries, decided and assessed on the
  post rubric by ``reviewer``, with members, pledge, plan and activity records;
* **last year's 七一表彰**, finished: 优秀共产党员 (8 places), 先进基层党组织 (2), 优秀党员创新项目 (3);
  every branch nominates, ``reviewer`` and ``committee`` judge on the award rubric (both are people of
  党群工作部党支部, so that branch's candidate is judged by nobody: recusal), the committee office picks
  the best-scored within quota, publishes and finalizes: about half the nominees become honours, as in
  the field article (44 nominated, 23 awarded);
* **this quarter's 党员先锋岗**, open for nominations around today: some branches have nominated a post,
  制造部党支部 (``secretary_a``) still may;
* honours entered by hand (省级, 集团级, 全国), last year's grades and building titles ("1+2+N": one
  标杆, two 示范, the rest 标准), staff appraisal tallies, and company leaders following branches (联系点).

Dates: the services stamp "now"; each step runs at a moment of the story and what it wrote is re-dated
to that moment at the end (as in portal/demo_projects.py). Audit rows keep the real time of the load.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from branches.models import LeaderLevel, Member, Organization, PartyPost, PartyStatus
from honors import selectors, services
from honors.models import (
    Appraisal,
    Award,
    BranchGrade,
    BuildingTitle,
    Campaign,
    CampaignTransition,
    DemonstrationPost,
    GradeLevel,
    Honor,
    HonorSource,
    Judgement,
    Level,
    Liaison,
    Nomination,
    PostActivity,
    PostAssessment,
    PostKind,
    PostStatus,
    PostTransition,
    Rubric,
    RubricUse,
)
from portal.accounts.models import Role, User
from portal.accounts.services import user_save
from portal.audit.log import record
from portal.audit.models import Event
from portal.workbench.models import Notification

from .demo import COMPANY_CODE, DEMO_SEED, SECRETARY_LOGINS, all_branches, branch_code
from .demo_projects import SERVICE_PREFIX

# --- the posts -------------------------------------------------------------------------------------

# Stories: how far a post went, and when.
APPLIED = "applied"  # applied for in the last weeks
REJECTED = "rejected"  # applied for this spring, rejected
BUILDING = "building"  # accepted this spring, being built
FAILED = "failed"  # accepted last year, failed this year's acceptance: still building
TITLED_LAST = "titled_last"  # titled last year: this year's review is due
TITLED_THIS = "titled_this"  # accepted last year, titled this year
KEPT = "kept"  # titled last year, kept at this year's review
REVOKED = "revoked"  # titled last year, revoked at this year's review


@dataclass(frozen=True)
class PostSpec:
    branch: str
    kind: str
    name: str
    story: str
    pledge: str
    plan: str
    activities: tuple[str, ...] = ()


POSTS: tuple[PostSpec, ...] = (
    PostSpec(
        "B01", PostKind.INNOVATION, "航相机装调党员创新示范岗", TITLED_LAST,
        "装调一次合格率不低于98%，新产品样机按节点交付，关键装调工序党员全覆盖。",
        "成立由5名党员组成的装调攻关小组；梳理光学装调难点清单，逐项攻关；总结形成装调操作法并在班组推广；"
        "每月开展一次装调技能交流。",
        ("光轴校准操作法现场交流", "新产品样机装调攻关", "装调难点清单季度复盘"),
    ),
    PostSpec(
        "B01", PostKind.VANGUARD, "精密机加党员先锋岗", BUILDING,
        "薄壁件返修率降至3%以下，刀具消耗降低15%，带出两名数控骨干。",
        "党员骨干包机床、包工序；建立刀具寿命台账；开展“党员师带徒”。",
        ("薄壁件变形控制技术交流", "党员师带徒结对仪式"),
    ),
    PostSpec(
        "B01", PostKind.COMMANDO, "工装快换党员突击队", APPLIED,
        "三个月内完成常用工装快换改造，换型时间缩短到15分钟以内。",
        "梳理换型频次最高的20套工装；设计快换定位结构；分批试制验证。",
    ),
    PostSpec(
        "B02", PostKind.TACKLING, "科研节点管控攻关小组", TITLED_THIS,
        "在研项目节点按期完成率达到95%，拖期预警提前10天。",
        "建立覆盖全部在研项目的节点看板；每周节点例会；拖期项目党员包保。",
        ("节点看板上线试运行", "拖期项目包保推进会"),
    ),
    PostSpec(
        "B03", PostKind.AREA, "总装调试党员责任区", FAILED,
        "责任区内产品一次交检合格率99%，现场5S达标，安全零事故。",
        "划分电器总装、液压装调、环境试验三个责任区，党员挂牌上岗，每日巡检。",
        ("责任区挂牌上岗", "现场5S交叉检查"),
    ),
    PostSpec(
        "B04", PostKind.INNOVATION, "药芯焊丝党员创新示范岗", KEPT,
        "药芯焊丝成型一次合格率提升到98.5%，开发两个新牌号，年节创价值30万元。",
        "围绕成型、拉拔、层绕三道关键工序开展攻关；党员领衔新牌号开发；成果形成工艺规程。",
        ("新牌号焊丝工艺试验", "成型工序质量攻关会", "创新成果发布会"),
    ),
    PostSpec(
        "B04", PostKind.AREA, "实心焊丝质量党员责任区", APPLIED,
        "镀铜焊丝表面质量投诉为零，责任区产品抽检合格率100%。",
        "党员分片包保镀铜、拉丝工序；建立质量问题快速响应机制。",
    ),
    PostSpec(
        "B05", PostKind.STUDIO, "核电焊材劳模创新工作室", TITLED_LAST,
        "完成核电焊材国产化攻关两项，培养高级技师3名，成果推广到兄弟单位。",
        "以劳动模范领衔，吸收党员和技术骨干组成工作室；承接核电焊材攻关课题；每季度开放交流一次。",
        ("核电焊条试制", "工作室开放日", "焊材技能培训"),
    ),
    PostSpec(
        "B06", PostKind.TACKLING, "焊接机器人应用攻关小组", REVOKED,
        "机器人焊接工艺覆盖三条产线，焊缝一次合格率98%。",
        "组建机器人焊接攻关小组；开发离线编程工艺库；培训操作人员。",
        ("离线编程工艺库建设", "机器人焊接现场验证"),
    ),
    PostSpec(
        "B07", PostKind.COMMANDO, "危险工序人机隔离党员突击队", KEPT,
        "完成12道危险工序人机隔离改造，危险工序作业人员减少一半，安全零事故。",
        "党员突击队分工序包保；先试点后推广；每道工序改造后组织安全验收。",
        ("危险工序隐患排查", "人机隔离改造试点验收", "安全操作规程修订"),
    ),
    PostSpec(
        "B08", PostKind.VANGUARD, "装配调试党员先锋岗", REJECTED,
        "装配一次合格率提升到99%。",
        "党员骨干带班，开展装配质量攻关。",
    ),
    PostSpec(
        "B09", PostKind.AREA, "供电保障党员责任区", BUILDING,
        "全年供电零非计划停电，变配电设备巡检率100%。",
        "党员分片包保变配电室；建立设备隐患台账；汛期和迎峰度夏专项保障。",
        ("迎峰度夏专项巡检",),
    ),
    PostSpec(
        "B11", PostKind.VANGUARD, "设备TPM党员先锋岗", TITLED_THIS,
        "关键设备综合效率提升10%，设备故障停机时间降低20%。",
        "推行全员生产维护，党员带头开展自主保全；建立设备点检标准。",
        ("TPM自主保全推进会", "设备点检标准发布"),
    ),
    PostSpec(
        "B14", PostKind.AREA, "仓储配送党员责任区", APPLIED,
        "配送及时率99%，库存准确率100%，仓储安全零事故。",
        "党员包保库区和配送线路；推行定置管理；每月库存盘点。",
    ),
)  # fmt: skip

ONE = Decimal("1")
REJECT_REASON = "创建目标不够具体，缺少量化指标和非党员群众参与的安排，请完善后明年再申报。"
FAIL_REASON = "创新成果尚未形成，群众评价一般；请补充阶段成果和佐证材料，明年再行验收。"
REVOKE_REASON = "本年度未履行公开承诺，攻关小组长期未开展活动，经年度复核撤销命名。"
DUTIES = ("技术骨干", "质量员", "安全员", "记录员", "宣传员", "骨干成员")

# --- the campaigns -----------------------------------------------------------------------------------

MEMBER_AWARD, BRANCH_AWARD, PROJECT_AWARD, POST_AWARD = (
    "优秀共产党员",
    "先进基层党组织",
    "优秀党员创新项目",
    "季度党员先锋岗",
)
# award -> (quota, nominations per branch); the branches nominating two members for 优秀共产党员.
JULY_OFFERS = {MEMBER_AWARD: (8, 2), BRANCH_AWARD: (2, 1), PROJECT_AWARD: (3, 1)}
TWO_MEMBERS = ("B01", "B04")
BRANCH_NOMINEES = ("B01", "B04", "B05", "B07", "B11")
PROJECT_NOMINEES = 5
QUARTER_NOMINEES = ("B02", "B04", "B07")  # 制造部 (secretary_a) has not nominated yet

CITATIONS = (
    "{name}同志担任{job}，立足岗位攻坚克难，带领班组完成多项急难险重任务，全年无质量事故，在党员创新工程中发挥了先锋模范作用。",
    "{name}同志牢记党员身份，主动承担新产品试制任务，总结形成的操作法在班组推广应用，带动身边职工共同提高技能水平。",
    "{name}同志爱岗敬业、甘于奉献，牵头开展技术攻关，解决生产瓶颈问题，累计创造节创价值十余万元，群众评价好。",
    "{name}同志坚持“党员身边无事故、无差错”，在安全生产和质量提升中以身作则，所在班组连续获评先进班组。",
)
BRANCH_CITATION = (
    "{name}坚持党建与生产经营深度融合，扎实开展党员创新工程和示范岗创建，全年圆满完成科研生产任务，"
    "支部战斗堡垒作用突出，分类定级为A级。"
)
PROJECT_CITATION = "“{title}”项目由党员骨干领衔攻关，按期完成立项目标，形成可推广的成果，创造了显著的经济效益。"
POST_CITATION = "{name}践行公开承诺，本季度围绕生产难题开展攻关，完成多项急难险重任务，示范带动作用明显，群众评价好。"

# (title, level, years ago, recipient: branch key or (branch key, job title), granted by)
EXTERNAL = (
    ("省级先进基层党组织", Level.PROVINCIAL, 1, "B07", "中共省国资委委员会"),
    ("省级工人先锋号", Level.PROVINCIAL, 2, "B04", "省总工会"),
    ("集团公司劳动模范", Level.GROUP, 1, ("B01", "高级技师"), "集团公司"),
    ("集团公司优秀共产党员", Level.GROUP, 1, ("B04", ""), "中共集团公司委员会"),
    ("全国五一劳动奖章", Level.NATIONAL, 2, ("B05", "核电焊材工程师"), "中华全国总工会"),
)

# --- grading ----------------------------------------------------------------------------------------

GRADE_B = ("B03", "B08", "B09", "B10", "B13", "B14")
BENCHMARK, MODELS = "B01", ("B04", "B07")
RATERS = {"B01": 56}
# company leader (job title) -> branches followed
LIAISONS = {
    "党委书记、董事长": ("B01", "B07"),
    "总经理、党委副书记": ("B04", "B09"),
    "纪委书记": ("B10", "B14"),
    "副总经理": ("B03", "B08"),
    "总工程师": ("B05", "B02"),
}


# --- result --------------------------------------------------------------------------------------------


@dataclass
class DemoCampaign:
    name: str
    status: str
    nominated: int
    awarded: int
    closes_on: date


@dataclass
class DemoHonorsResult:
    created: bool
    posts: dict[str, int] = field(default_factory=dict)
    campaigns: list[DemoCampaign] = field(default_factory=list)
    honors: dict[str, int] = field(default_factory=dict)
    grades: int = 0
    appraisals: int = 0
    liaisons: int = 0
    year: int = 0


# --- building ---------------------------------------------------------------------------------------------


def _moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


STAMPED: tuple[tuple[Any, str], ...] = (
    (DemonstrationPost, "created_at"),
    (DemonstrationPost.history.model, "history_date"),
    (PostTransition, "at"),
    (PostActivity, "created_at"),
    (PostAssessment, "assessed_at"),
    (Campaign, "created_at"),
    (Campaign.history.model, "history_date"),
    (CampaignTransition, "at"),
    (Nomination, "nominated_at"),
    (Judgement, "judged_at"),
    (Honor, "created_at"),
    (Honor.history.model, "history_date"),
    (BranchGrade, "recorded_at"),
    (BranchGrade.history.model, "history_date"),
    (Appraisal, "recorded_at"),
    (Appraisal.history.model, "history_date"),
    (Liaison.history.model, "history_date"),
    (Notification, "created_at"),
)


class _Clock:
    """Re-dates what each step wrote to the step's story moment, at the end (the same idea as
    portal.demo_projects._Clock, over the honours tables).

    The steps' real time spans go into a temporary table, and one ``UPDATE … FROM`` per stamped column
    moves every row written during a span to that span's story moment: a few cheap statements, where
    a CASE of one branch per step would cost more to build than the whole campaign takes to play.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.steps: list[tuple[datetime, datetime, datetime]] = []

    def run(self, when: datetime, fn, **kwargs):
        began = timezone.now()
        out = fn(**kwargs)
        self.steps.append((began, timezone.now(), min(when, self.now - timedelta(minutes=1))))
        return out

    def apply(self) -> None:
        if not self.steps:
            return
        read_before = self.now - timedelta(days=14)  # older notifications have been read
        if connection.vendor != "postgresql":  # SQLite (the zero-setup `make run`): portable CASE updates
            self._apply_portable(read_before)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE demo_honors_clock (began timestamptz, ended timestamptz, story timestamptz)"
                " ON COMMIT DROP"
            )
            cursor.executemany("INSERT INTO demo_honors_clock VALUES (%s, %s, %s)", self.steps)
            quote = connection.ops.quote_name
            for model, name in STAMPED:
                # Identifiers from the models' own metadata, values as parameters.
                table, column = quote(model._meta.db_table), quote(model._meta.get_field(name).column)
                read = ""
                if model is Notification:
                    read = (
                        ', "read_at" = CASE WHEN c.story < %s THEN c.story + interval \'2 hours\' ELSE t."read_at" END'
                    )
                sql = (
                    f"UPDATE {table} AS t SET {column} = c.story{read} FROM demo_honors_clock AS c "  # noqa: S608
                    f"WHERE t.{column} BETWEEN c.began AND c.ended"
                )
                cursor.execute(sql, [read_before] if read else [])
            cursor.execute("DROP TABLE demo_honors_clock")

    def _apply_portable(self, read_before: datetime) -> None:
        """The same re-dating with ``CASE`` updates (portal.demo_projects.redate), for other databases."""
        from portal.demo_projects import redate

        redate(self.steps, STAMPED, read_before=read_before)


@dataclass
class _Branch:
    org: Organization
    actor: User
    secretary: Member
    party: list[Member]  # full members on duty, company leaders apart
    everyone: list[Member]  # on duty, company leaders apart
    leaders: list[Member]  # company leaders of this branch


class _Builder:
    def __init__(self, *, committee: Organization, seed: int, today: date) -> None:
        self.rng = random.Random(seed + 5)
        self.committee = committee
        self.today = today
        self.year = today.year
        self.last_year = today.year - 1
        self.now = timezone.now()
        self.clock = _Clock(self.now)
        users = {u.username: u for u in User.objects.filter(username__in=["reviewer", "committee"])}
        self.reviewer, self.office = users["reviewer"], users["committee"]
        self.post_rubric = (
            Rubric.objects.filter(use=RubricUse.POST, is_active=True).prefetch_related("criteria").first()
        )
        self.branches = self._branches()
        # The judges are people of 党群工作部党支部: they never judge its candidates.
        by_member = {m.pk: b.org.pk for b in self.branches.values() for m in b.everyone + b.leaders}
        self.own_branch = {u.pk: by_member.get(u.member_id) for u in (self.reviewer, self.office)}

    # --- people ------------------------------------------------------------------------------------

    def _branches(self) -> dict[str, _Branch]:
        orgs = {o.code: o for o in Organization.objects.branches().filter(self.committee.subtree_q(), is_active=True)}
        by_key: dict[str, list[Member]] = {}
        members = Member.objects.filter(is_active=True, organization__code__startswith=f"{COMPANY_CODE}-")
        for member in members.select_related("organization").order_by("employee_no"):
            by_key.setdefault(member.organization.code.split("-")[1], []).append(member)
        found = {}
        for spec in all_branches():
            org = orgs.get(branch_code(spec.key))
            people = by_key.get(spec.key, [])
            secretary = next((m for m in people if m.party_post == PartyPost.SECRETARY), None)
            if org is None or secretary is None:
                continue
            usable = [m for m in people if m.on_duty and m.leader_level != LeaderLevel.COMPANY]
            found[spec.key] = _Branch(
                org=org,
                actor=self._actor(spec.key, org, secretary),
                secretary=secretary,
                party=[m for m in usable if m.party_status == PartyStatus.FULL and m != secretary],
                everyone=usable,
                leaders=[m for m in people if m.leader_level == LeaderLevel.COMPANY],
            )
        return found

    def _actor(self, key: str, org: Organization, secretary: Member) -> User:
        """The branch's secretary login, or its service account (made by the projects' demo, else here)."""
        login = SECRETARY_LOGINS.get(key)
        if login:
            user = User.objects.filter(username=login, role=Role.SECRETARY, scope=org, is_active=True).first()
            if user is not None:
                return user
        username = f"{SERVICE_PREFIX}{org.code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=secretary.name,
                role=Role.SECRETARY,
                scope=org,
                member=None if User.objects.filter(member=secretary).exists() else secretary,
                must_change_password=True,
            )
            user.set_unusable_password()
            user_save(user=user, before=None, by=None)
        return user

    def _day(self, first: date, last: date) -> date:
        last = min(last, self.today - timedelta(days=1))
        first = min(first, last)
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _at(self, day: date) -> datetime:
        return _moment(day, self.rng.randint(9, 16), self.rng.randint(0, 59))

    def _step(self, day: date, fn, **kwargs):
        return self.clock.run(self._at(day), fn, **kwargs)

    # --- posts -------------------------------------------------------------------------------------

    def _scores(self, total: int) -> dict[int, Decimal]:
        """Scores on the post rubric adding up to about ``total`` (of the rubric's maximum)."""
        criteria = list(self.post_rubric.criteria.all())
        maximum = sum(c.max_score for c in criteria)
        share = Decimal(total) / maximum
        return {c.pk: min(c.max_score, (c.max_score * share).quantize(ONE)) for c in criteria}

    def post(self, spec: PostSpec) -> DemonstrationPost:
        branch = self.branches[spec.branch]
        y, ly = self.year, self.last_year
        leader = self.rng.choice(branch.party)
        others = self.rng.sample([m for m in branch.everyone if m != leader], min(4, len(branch.everyone) - 1))
        members = [services.PostMemberEntry(leader, "岗长")] + [
            services.PostMemberEntry(m, self.rng.choice(DUTIES)) for m in others
        ]
        early = spec.story in (FAILED, TITLED_LAST, TITLED_THIS, KEPT, REVOKED)
        applied = self._day(date(ly, 3, 1), date(ly, 4, 20)) if early else None
        if spec.story in (BUILDING, REJECTED):
            applied = self._day(date(y, 3, 1), date(y, 4, 20))
        elif spec.story == APPLIED:
            applied = self._day(self.today - timedelta(days=20), self.today - timedelta(days=3))
        data = dict(
            kind=spec.kind,
            name=spec.name,
            organization=branch.org,
            leader=leader,
            pledge=spec.pledge,
            plan=spec.plan,
            year=applied.year,
        )
        post = self._step(applied, services.post_create, by=branch.actor, data=data, members=members)
        if spec.story == APPLIED:
            return post
        decided = applied + timedelta(days=self.rng.randint(10, 20))
        if spec.story == REJECTED:
            return self._step(
                decided, services.post_transition, post=post, action="reject", by=self.reviewer, comment=REJECT_REASON
            )
        post = self._step(decided, services.post_transition, post=post, action="accept", by=self.reviewer)
        acceptance = date(decided.year, 11, 5) if early else None
        self._activities(spec, post, branch, decided, acceptance or self.today)
        if spec.story == BUILDING:
            return post
        if spec.story == FAILED:
            self._assess(post, date(y, 9, 10), total=68, year=y, comments=FAIL_REASON)
            return post
        if spec.story == TITLED_THIS:
            self._assess(post, date(y, 9, 15), total=self.rng.randint(84, 94), year=y)
            return post
        self._assess(post, acceptance, total=self.rng.randint(85, 95), year=ly)
        if spec.story == KEPT:
            self._assess(post, date(y, 11, 10), total=self.rng.randint(86, 96), year=y)
        elif spec.story == REVOKED:
            self._assess(post, date(y, 11, 12), total=62, year=y, comments=REVOKE_REASON)
        return post

    def _activities(self, spec: PostSpec, post, branch: _Branch, after: date, before: date) -> None:
        for title in spec.activities:
            day = self._day(after + timedelta(days=7), before - timedelta(days=3))
            data = {
                "date": day,
                "title": title,
                "description": f"{spec.name}组织开展“{title}”活动，岗位党员带头，带动职工群众共同参与，形成问题清单和改进措施。",
            }
            self._step(day, services.activity_add, post=post, by=branch.actor, data=data)

    def _assess(self, post, day: date, *, total: int, year: int, comments: str = "") -> None:
        self._step(
            day,
            services.post_assess,
            post=post,
            by=self.reviewer,
            scores=self._scores(total),
            comments=comments,
            year=year,
        )

    # --- last year's 七一表彰 ---------------------------------------------------------------------------

    def _member_nominees(self, key: str, count: int, taken: set[int]) -> list[Member]:
        pool = [m for m in self.branches[key].party if m.pk not in taken]
        chosen = self.rng.sample(pool, min(count, len(pool)))
        taken.update(m.pk for m in chosen)
        return chosen

    def _judge_scores(self, criteria, strength: float) -> dict[int, Decimal]:
        return {
            c.pk: min(
                c.max_score,
                max(Decimal("0"), (c.max_score * Decimal(str(strength + self.rng.uniform(-0.05, 0.05)))).quantize(ONE)),
            )
            for c in criteria
        }

    def july_campaign(self) -> Campaign:
        ly, today = self.last_year, self.today
        office = self.office
        campaign = self._step(
            date(ly, 5, 20),
            services.campaign_create,
            by=office,
            data={
                "name": f"{ly}年七一表彰",
                "organization": self.committee,
                "year": ly,
                "description": (
                    f"为庆祝中国共产党成立{ly - 1921}周年，党委决定评选表彰一批优秀共产党员、先进基层党组织和"
                    "优秀党员创新项目。请各党支部按分配名额推荐，并提交事迹材料。"
                ),
                "nomination_opens_on": today - timedelta(days=1),
                "nomination_closes_on": today + timedelta(days=10),
                "publicity_days": 5,
            },
            judges=[self.reviewer, office],
        )
        awards = {a.name: a for a in Award.objects.filter(name__in=JULY_OFFERS).select_related("rubric")}
        offers = {}
        for name, (quota, per_branch) in JULY_OFFERS.items():
            offers[name] = self._step(
                date(ly, 5, 21),
                services.offer_save,
                campaign=campaign,
                by=office,
                award=awards[name],
                quota=quota,
                branch_quota=per_branch,
            )
        campaign = self._step(date(ly, 6, 1), services.campaign_transition, campaign=campaign, action="open", by=office)

        strength: dict[int, float] = {}
        nominations = []
        taken: set[int] = set()

        def nominate(key: str, offer, candidate, citation: str) -> None:
            branch = self.branches[key]
            nomination = self._step(
                self._day(date(ly, 6, 2), date(ly, 6, 10)),
                services.nomination_create,
                offer=offer,
                by=branch.actor,
                organization=branch.org,
                candidate=candidate,
                citation=citation,
            )
            strength[nomination.pk] = self.rng.uniform(0.72, 0.95)
            nominations.append(nomination)

        for key in self.branches:
            for member in self._member_nominees(key, 2 if key in TWO_MEMBERS else 1, taken):
                citation = self.rng.choice(CITATIONS).format(name=member.name, job=member.job_title)
                nominate(key, offers[MEMBER_AWARD], member, citation)
        for key in BRANCH_NOMINEES:
            if key in self.branches:
                org = self.branches[key].org
                nominate(key, offers[BRANCH_AWARD], org, BRANCH_CITATION.format(name=org.name))
        for project in self._project_nominees():
            key = project.organization.code.split("-")[1]
            nominate(key, offers[PROJECT_AWARD], project, PROJECT_CITATION.format(title=project.title))

        campaign = self._step(
            date(ly, 6, 11), services.campaign_transition, campaign=campaign, action="close", by=office
        )
        criteria_of = {o.pk: list(awards[name].rubric.criteria.all()) for name, o in offers.items()}
        for nomination in nominations:
            criteria = criteria_of[nomination.offer_id]
            for judge in (self.reviewer, office):
                if nomination.organization_id == self.own_branch.get(judge.pk):
                    continue  # recused: the judge is of the nominating branch (judgement_save checks it too)
                self._step(
                    self._day(date(ly, 6, 12), date(ly, 6, 17)),
                    services.judgement_save,
                    nomination=nomination,
                    judge=judge,
                    scores=self._judge_scores(criteria, strength[nomination.pk]),
                )
        for offer in offers.values():
            ranked = [n.pk for n in selectors.ranking(offer) if n.average is not None]
            self._step(
                date(ly, 6, 19), services.winners_select, offer=offer, by=office, winner_ids=ranked[: offer.quota]
            )
        campaign = self._step(
            date(ly, 6, 20), services.campaign_transition, campaign=campaign, action="publish", by=office
        )
        campaign = self._step(
            date(ly, 6, 28),
            services.campaign_transition,
            campaign=campaign,
            action="finalize",
            by=office,
            comment="公示期满无异议，经党委会审定，予以表彰。",
        )
        dates = {
            "nomination_opens_on": date(ly, 6, 1),
            "nomination_closes_on": date(ly, 6, 10),
            "publicity_ends_on": date(ly, 6, 25),
        }
        Campaign.objects.filter(pk=campaign.pk).update(**dates)
        Campaign.history.model.objects.filter(id=campaign.pk).update(**dates)
        return campaign

    def _project_nominees(self) -> list:
        """One published project of last year (or before) from each of a few branches, the best first."""
        from projects.models import PUBLISHED_STATUSES, Project, Status

        order = {Status.EVALUATED: 0, Status.COMPLETED: 1, Status.COMPLETION_REVIEW: 2}
        projects = Project.objects.filter(
            organization__path__startswith=self.committee.path,
            year__lte=self.last_year,
            status__in=PUBLISHED_STATUSES,
        ).select_related("organization")
        best: dict[int, Any] = {}
        for project in sorted(projects, key=lambda p: (order.get(p.status, 9), p.pk)):
            key = project.organization.code.split("-")[1]
            if key in self.branches:
                best.setdefault(project.organization_id, project)
        return list(best.values())[:PROJECT_NOMINEES]

    # --- this quarter's 党员先锋岗 -------------------------------------------------------------------------

    def quarter_campaign(self) -> Campaign:
        today, office = self.today, self.office
        quarter = (today.month - 1) // 3 + 1
        opens = today - timedelta(days=6)
        campaign = self._step(
            opens - timedelta(days=2),
            services.campaign_create,
            by=office,
            data={
                "name": f"{today.year}年第{'一二三四'[quarter - 1]}季度党员先锋岗",
                "organization": self.committee,
                "year": today.year,
                "quarter": quarter,
                "description": "各党支部推荐本季度表现突出的示范岗（每支部限报1个），经评议后命名为季度党员先锋岗。",
                "nomination_opens_on": opens,
                "nomination_closes_on": today + timedelta(days=8),
                "publicity_days": 5,
            },
            judges=[self.reviewer, office],
        )
        offer = self._step(
            opens - timedelta(days=2),
            services.offer_save,
            campaign=campaign,
            by=office,
            award=Award.objects.get(name=POST_AWARD),
            quota=3,
            branch_quota=1,
        )
        campaign = self._step(opens, services.campaign_transition, campaign=campaign, action="open", by=office)
        posts = {
            p.organization_id: p
            for p in DemonstrationPost.objects.filter(
                status=PostStatus.TITLED, organization__path__startswith=self.committee.path
            )
        }
        for key in QUARTER_NOMINEES:
            branch = self.branches.get(key)
            post = posts.get(branch.org.pk) if branch else None
            if post is None:
                continue
            self._step(
                self._day(opens, today),
                services.nomination_create,
                offer=offer,
                by=branch.actor,
                organization=branch.org,
                candidate=post,
                citation=POST_CITATION.format(name=post.name),
            )
        return campaign

    # --- honours entered by hand, grades, appraisals, liaison points -----------------------------------------

    def external_honors(self) -> None:
        for title, level, years_ago, recipient, granted_by in EXTERNAL:
            year = self.year - years_ago
            if isinstance(recipient, str):
                if recipient not in self.branches:
                    continue
                data = {"recipient_kind": "branch", "branch": self.branches[recipient].org}
            else:
                key, job = recipient
                if key not in self.branches:
                    continue
                pool = [m for m in self.branches[key].party if not job or m.job_title == job] or self.branches[
                    key
                ].party
                data = {"recipient_kind": "member", "member": pool[0]}
            granted = date(year, self.rng.choice((4, 5, 12)), self.rng.randint(1, 28))
            data.update(
                title=title,
                level=level,
                year=year,
                granted_by=granted_by,
                granted_on=granted,
                citation=f"荣获{title}称号。",
            )
            self._step(granted, services.honor_create_external, by=self.office, data=data)

    def grading(self) -> None:
        ly = self.last_year
        levels = {g.code: g for g in GradeLevel.objects.filter(code__in=["A", "B"])}
        for key, branch in self.branches.items():
            title = (
                BuildingTitle.BENCHMARK
                if key == BENCHMARK
                else BuildingTitle.MODEL
                if key in MODELS
                else BuildingTitle.STANDARD
            )
            day = self._day(date(self.year, 1, 10), date(self.year, 1, 25))
            self._step(
                day,
                services.grade_record,
                by=self.office,
                organization=branch.org,
                year=ly,
                grade=levels["B" if key in GRADE_B else "A"],
                building_title=title,
            )
            raters = RATERS.get(key) or self.rng.randint(30, 60)
            dissatisfied = self.rng.choice((0, 0, 1, 2)) if key in GRADE_B else self.rng.choice((0, 0, 0, 1))
            abstained = self.rng.choice((0, 0, 1))
            basically = max(1, round(raters * self.rng.uniform(0.05, 0.15)))
            satisfied = raters - basically - dissatisfied - abstained
            self._step(
                day,
                services.appraisal_record,
                by=self.office,
                organization=branch.org,
                year=ly,
                raters=raters,
                satisfied=satisfied,
                basically_satisfied=basically,
                dissatisfied=dissatisfied,
            )

    def liaisons(self) -> None:
        leaders = {m.job_title: m for b in self.branches.values() for m in b.leaders}
        for job, keys in LIAISONS.items():
            member = leaders.get(job)
            if member is None:
                continue
            for key in keys:
                if key in self.branches:
                    self._step(
                        date(self.last_year, 3, 1),
                        services.liaison_assign,
                        by=self.office,
                        organization=self.branches[key].org,
                        member=member,
                        since=date(self.last_year, 3, 1),
                        note="党委委员基层党建联系点",
                    )

    # --- all of it -------------------------------------------------------------------------------------------

    def run(self) -> None:
        if self.post_rubric is None:
            raise RuntimeError("no active post rubric: honors/migrations/0002 seeds one")
        for spec in POSTS:
            if spec.branch in self.branches:
                self.post(spec)
        self.july_campaign()
        self.quarter_campaign()
        self.external_honors()
        self.grading()
        self.liaisons()
        self.clock.apply()
        # Granted on the day the honour was made (the post titled, the campaign finalized).
        Honor.objects.filter(
            organization__path__startswith=self.committee.path, source__in=[HonorSource.POST, HonorSource.CAMPAIGN]
        ).update(granted_on=TruncDate("created_at"))


def _summary(committee: Organization, today: date) -> DemoHonorsResult:
    inside = {"organization__path__startswith": committee.path}
    statuses = Counter(DemonstrationPost.objects.filter(**inside).values_list("status", flat=True))
    campaigns = []
    for campaign in Campaign.objects.filter(organization=committee).order_by("year", "quarter", "id"):
        figures = selectors.campaign_figures(campaign)
        campaigns.append(
            DemoCampaign(
                campaign.name, campaign.status, figures.nominated, figures.awarded, campaign.nomination_closes_on
            )
        )
    honors = Counter(Honor.objects.filter(**inside, is_active=True).values_list("source", flat=True))
    last_year = today.year - 1
    return DemoHonorsResult(
        created=False,
        posts={s.value: statuses.get(s.value, 0) for s in PostStatus},
        campaigns=campaigns,
        honors={s.value: honors.get(s.value, 0) for s in HonorSource},
        grades=BranchGrade.objects.filter(**inside, year=last_year).count(),
        appraisals=Appraisal.objects.filter(**inside, year=last_year).count(),
        liaisons=Liaison.objects.filter(**inside, until__isnull=True).count(),
        year=last_year,
    )


@transaction.atomic
def load_demo_honors(*, seed: int = DEMO_SEED) -> DemoHonorsResult:
    """Build the demo posts, campaigns, honours and grades, unless the company is missing or has them already."""
    today = timezone.localdate()
    committee = Organization.objects.filter(code=COMPANY_CODE).first()
    if committee is None:
        return DemoHonorsResult(created=False)
    if (
        Campaign.objects.filter(organization=committee).exists()
        or DemonstrationPost.objects.filter(organization__path__startswith=committee.path).exists()
    ):
        return _summary(committee, today)
    with translation.override(settings.LANGUAGE_CODE):
        _Builder(committee=committee, seed=seed, today=today).run()
    result = _summary(committee, today)
    result.created = True
    record(
        event=Event.CREATE,
        obj=committee,
        detail={"source": "load_demo.honors", "posts": result.posts, "honors": result.honors},
    )
    return result


__all__ = ["DemoCampaign", "DemoHonorsResult", "load_demo_honors"]
