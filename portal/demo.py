"""The demo company that `manage.py load_demo` builds (issue 2; later issues add projects, posts, honours).

红星装备制造有限公司党委 is invented, but its shape and its words come from the field articles
(../shared/seeds): a defence division with 制造部 and a 601-style final-assembly workshop (003, 001),
the welding-materials divisions of a research institute (000: 实心药芯焊丝事业部, 焊条焊剂事业部),
a 五分厂党总支 working on dangerous-process safety (002), an office general branch with 质量安全部,
运营管理部 (设备 TPM), 党群工作部, and a 采购仓储配送中心直属党支部 that sits directly under the
committee (002).

Two steps: ``plan_people`` turns the fixed tree below and a fixed random seed into the same people
on every machine (pure Python, no database); ``load_demo`` writes the tree, the people and one login
per role in one transaction, and does nothing when the company is already there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import (
    Gender,
    LeaderLevel,
    Member,
    Organization,
    OrgKind,
    PartyPost,
    PartyStatus,
)
from portal.accounts.models import Role, User
from portal.accounts.services import user_save
from portal.audit.log import record
from portal.audit.models import Event

DEMO_PASSWORD = "Demo@2026!"
DEMO_SEED = 20260701
COMPANY_CODE = "HX"
COMPANY_NAME = "红星装备制造有限公司党委"

# --- skill grades ---------------------------------------------------------------------------------
# pool -> (grade, weight). Workers carry 职业技能等级, the others 专业技术职称.
GRADE_POOLS: dict[str, tuple[tuple[str, int], ...]] = {
    "worker": (("高级技师", 2), ("技师", 5), ("高级工", 7), ("中级工", 4)),
    "engineer": (("正高级工程师", 1), ("高级工程师", 6), ("工程师", 8), ("助理工程师", 3)),
    "economist": (("高级经济师", 1), ("经济师", 3), ("助理经济师", 1)),
    "political": (("高级政工师", 1), ("政工师", 3)),
    "accountant": (("高级会计师", 1), ("会计师", 3), ("助理会计师", 1)),
    "auditor": (("高级审计师", 1), ("审计师", 3)),
}

# Share of men by kind of unit (workshops are mostly men, offices about half).
MALE_SHARE = {"workshop": 0.82, "research": 0.7, "office": 0.5}


# --- the organization tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    name: str
    jobs: tuple[tuple[str, str], ...]  # (job title, grade pool)
    # (login username, job title): the people the demo logins are linked to.
    reserved: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BranchSpec:
    key: str
    name: str
    profile: str  # workshop / research / office
    head: tuple[str, str]  # the department head: (job title, grade pool)
    deputy_head: str  # title a secretary who is also a department leader carries, e.g. 副主任
    size: int  # people of this branch, company-level leaders apart
    groups: tuple[GroupSpec, ...]
    deputy: bool = False  # has a 副书记
    company_leaders: tuple[tuple[str, str], ...] = ()  # (job title, grade) of 公司领导 in this branch


@dataclass(frozen=True)
class GeneralBranchSpec:
    key: str
    name: str
    branches: tuple[BranchSpec, ...]


W, E, EC, P, A, AU = "worker", "engineer", "economist", "political", "accountant", "auditor"

TREE: tuple[GeneralBranchSpec | BranchSpec, ...] = (
    GeneralBranchSpec(
        "G01",
        "防务事业部党总支",
        (
            BranchSpec(
                "B01",
                "制造部党支部",
                "workshop",
                ("制造部部长", E),
                "副部长",
                22,
                (
                    GroupSpec("航相机装调党小组", (("装调钳工", W), ("光学装调工", W), ("电装工", W), ("检验员", W))),
                    GroupSpec("精密机加党小组", (("数控车工", W), ("数控铣工", W), ("磨工", W), ("工装钳工", W))),
                    GroupSpec("工艺技术党小组", (("工艺工程师", E), ("工艺员", E), ("质量工程师", E), ("计划员", EC))),
                ),
                deputy=True,
                company_leaders=(("副总经理", "高级工程师"),),
            ),
            BranchSpec(
                "B02",
                "科研生产部党支部",
                "research",
                ("科研生产部部长", E),
                "副部长",
                15,
                (
                    GroupSpec(
                        "产品研发党小组",
                        (("主任设计师", E), ("结构设计师", E), ("电气设计师", E), ("软件工程师", E)),
                    ),
                    GroupSpec("计划调度党小组", (("计划调度员", EC), ("科研管理员", E), ("生产调度员", EC))),
                ),
            ),
            BranchSpec(
                "B03",
                "总装调试车间党支部",
                "workshop",
                ("车间主任", E),
                "副主任",
                20,
                (
                    GroupSpec("电器总装党小组", (("电装工", W), ("装配钳工", W), ("调试工", W))),
                    GroupSpec(
                        "液压装调党小组",
                        (("液压装配工", W), ("液压调试工", W), ("试验工", W)),
                        reserved=(("staff", "液压调试工"),),
                    ),
                    GroupSpec("环境试验党小组", (("环境试验员", W), ("检验员", W), ("试验工程师", E))),
                ),
                deputy=True,
            ),
        ),
    ),
    GeneralBranchSpec(
        "G02",
        "焊接材料事业部党总支",
        (
            BranchSpec(
                "B04",
                "实心药芯焊丝事业部党支部",
                "workshop",
                ("事业部部长", E),
                "副部长",
                19,
                (
                    GroupSpec("药芯焊丝生产党小组", (("药芯焊丝成型工", W), ("拉丝工", W), ("层绕工", W))),
                    GroupSpec("实心焊丝党小组", (("拉丝工", W), ("镀铜工", W), ("设备维修工", W))),
                    GroupSpec("质检化验党小组", (("化验员", W), ("检验员", W), ("焊材工程师", E))),
                ),
                deputy=True,
            ),
            BranchSpec(
                "B05",
                "焊条焊剂事业部党支部",
                "workshop",
                ("事业部部长", E),
                "副部长",
                16,
                (
                    GroupSpec("技术部党小组", (("焊材工程师", E), ("工艺员", E), ("核电焊材工程师", E))),
                    GroupSpec("生产部党小组", (("焊条压涂工", W), ("烘焙工", W), ("焊剂烧结工", W), ("包装工", W))),
                ),
            ),
            BranchSpec(
                "B06",
                "焊接技术研究所党支部",
                "research",
                ("所长", E),
                "副所长",
                15,
                (
                    GroupSpec("焊接工艺研究党小组", (("焊接工艺工程师", E), ("研究员", E), ("焊接试验工", W))),
                    GroupSpec(
                        "焊接装备研究党小组", (("机器人焊接工程师", E), ("电气工程师", E), ("焊接设备调试工", W))
                    ),
                ),
                company_leaders=(("总工程师", "正高级工程师"),),
            ),
        ),
    ),
    GeneralBranchSpec(
        "G03",
        "五分厂党总支",
        (
            BranchSpec(
                "B07",
                "五分厂第一党支部",
                "workshop",
                ("分厂厂长", E),
                "副厂长",
                19,
                (
                    GroupSpec("机加工党小组", (("数控车工", W), ("铣工", W), ("钳工", W))),
                    GroupSpec("热处理党小组", (("热处理工", W), ("表面处理工", W), ("检验员", W))),
                ),
                deputy=True,
            ),
            BranchSpec(
                "B08",
                "五分厂第二党支部",
                "workshop",
                ("分厂副厂长", E),
                "副主任",
                17,
                (
                    GroupSpec("装配党小组", (("装配钳工", W), ("装配工", W), ("调试工", W))),
                    GroupSpec("人机隔离改造党小组", (("安全工程师", E), ("设备维修电工", W), ("自动化工程师", E))),
                    GroupSpec("检测党小组", (("无损检测工", W), ("理化检验员", W), ("计量员", W))),
                ),
                deputy=True,
            ),
            BranchSpec(
                "B09",
                "动力能源车间党支部",
                "workshop",
                ("车间主任", E),
                "副主任",
                16,
                (
                    GroupSpec("供电党小组", (("变配电运行值班员", W), ("维修电工", W))),
                    GroupSpec("供热供气党小组", (("锅炉运行值班员", W), ("空压机操作工", W), ("管道工", W))),
                ),
            ),
        ),
    ),
    GeneralBranchSpec(
        "G04",
        "机关党总支",
        (
            BranchSpec(
                "B10",
                "质量安全部党支部",
                "office",
                ("质量安全部部长", E),
                "副部长",
                13,
                (
                    GroupSpec("质量管理党小组", (("质量工程师", E), ("计量工程师", E), ("质量体系管理员", E))),
                    GroupSpec("安全环保党小组", (("安全工程师", E), ("环保工程师", E), ("职业健康管理员", E))),
                ),
            ),
            BranchSpec(
                "B11",
                "运营管理部党支部",
                "office",
                ("运营管理部部长", EC),
                "副部长",
                13,
                (
                    GroupSpec("设备管理党小组", (("设备工程师", E), ("TPM推进专员", E))),
                    GroupSpec(
                        "信息化党小组",
                        (("信息化工程师", E), ("网络管理员", E), ("系统运维工程师", E)),
                        reserved=(("sysadmin", "系统运维工程师"),),
                    ),
                ),
                company_leaders=(("总经理、党委副书记", "正高级工程师"),),
            ),
            BranchSpec(
                "B12",
                "党群工作部党支部",
                "office",
                ("党群工作部部长", P),
                "副部长",
                12,
                (
                    GroupSpec(
                        "组织宣传党小组",
                        (("组织干事", P), ("宣传干事", P), ("党务专员", P)),
                        reserved=(("committee", "党务专员"),),
                    ),
                    GroupSpec("工会团委党小组", (("工会干事", P), ("团委干事", P), ("纪检干事", P))),
                ),
                company_leaders=(("党委书记、董事长", "高级政工师"),),
            ),
            BranchSpec(
                "B13",
                "财务审计部党支部",
                "office",
                ("财务审计部部长", A),
                "副部长",
                12,
                (
                    GroupSpec("财务党小组", (("会计", A), ("成本会计", A), ("出纳", A))),
                    GroupSpec(
                        "审计党小组",
                        (("内审专员", AU), ("审计师", AU)),
                        reserved=(("auditor", "内审专员"),),
                    ),
                ),
                company_leaders=(("纪委书记", "高级政工师"),),
            ),
        ),
    ),
    BranchSpec(
        "B14",
        "采购仓储配送中心直属党支部",
        "office",
        ("中心主任", EC),
        "副主任",
        15,
        (
            GroupSpec("采购党小组", (("采购员", EC), ("供应商管理专员", EC), ("采购工程师", E))),
            GroupSpec("仓储配送党小组", (("仓库保管员", W), ("配送员", W), ("叉车司机", W))),
        ),
    ),
)


def branch_code(key: str) -> str:
    return f"{COMPANY_CODE}-{key}"


def group_code(branch_key: str, index: int) -> str:
    return f"{COMPANY_CODE}-{branch_key}-P{index}"


def all_branches() -> list[BranchSpec]:
    found: list[BranchSpec] = []
    for node in TREE:
        found.extend(node.branches if isinstance(node, GeneralBranchSpec) else (node,))
    return found


# --- the logins -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    scope_code: str | None
    # The Member the login belongs to: the branch secretary, or a person reserved in a GroupSpec.
    secretary_of: str | None = None


LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec("staff", Role.STAFF, COMPANY_CODE),
    LoginSpec("secretary_a", Role.SECRETARY, branch_code("B01"), secretary_of="B01"),
    LoginSpec("secretary_b", Role.SECRETARY, branch_code("B04"), secretary_of="B04"),
    LoginSpec("reviewer", Role.REVIEWER, COMPANY_CODE),
    LoginSpec("committee", Role.COMMITTEE_ADMIN, COMPANY_CODE),
    LoginSpec("sysadmin", Role.SYSADMIN, None),
    LoginSpec("auditor", Role.AUDITOR, None),
)
# The reviewer is the head of the committee office (党群工作部部长).
HEAD_LOGINS = {"B12": "reviewer"}
SECRETARY_LOGINS = {spec.secretary_of: spec.username for spec in LOGINS if spec.secretary_of}


# --- names, phones, dates -------------------------------------------------------------------------

SURNAMES = (
    ("王", 10), ("李", 10), ("张", 9), ("刘", 7), ("陈", 6), ("杨", 5), ("赵", 4), ("黄", 3), ("周", 3),
    ("吴", 3), ("徐", 2), ("孙", 2), ("胡", 2), ("朱", 2), ("高", 2), ("林", 2), ("何", 2), ("郭", 2),
    ("马", 2), ("罗", 1), ("梁", 1), ("宋", 1), ("郑", 1), ("谢", 1), ("韩", 1), ("唐", 1), ("冯", 1),
    ("于", 1), ("董", 1), ("程", 1), ("曹", 1), ("袁", 1), ("邓", 1), ("许", 1), ("傅", 1), ("沈", 1),
    ("曾", 1), ("彭", 1), ("吕", 1), ("苏", 1), ("卢", 1), ("蒋", 1), ("蔡", 1), ("贾", 1), ("丁", 1),
    ("魏", 1), ("薛", 1), ("叶", 1), ("阎", 1), ("潘", 1), ("杜", 1), ("戴", 1), ("夏", 1), ("钟", 1),
    ("汪", 1), ("田", 1), ("任", 1), ("姜", 1), ("范", 1), ("方", 1), ("石", 1), ("姚", 1), ("谭", 1),
    ("邹", 1), ("熊", 1), ("金", 1), ("陆", 1), ("郝", 1), ("孔", 1), ("白", 1), ("崔", 1), ("康", 1),
    ("邵", 1), ("孟", 1), ("秦", 1), ("江", 1), ("史", 1), ("顾", 1), ("侯", 1), ("龙", 1), ("段", 1),
)  # fmt: skip
# Given names: one character (about a third of people) or a common two-character name.


def _pairs(text: str) -> tuple[str, ...]:
    return tuple(text[i : i + 2] for i in range(0, len(text), 2))


GIVEN_MALE_1 = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林海峰东亮成兵松"
GIVEN_MALE_2 = _pairs(
    "建国志强海涛永刚文博晓东国庆振华立新德胜明辉俊杰浩然宇航鹏飞建军志刚卫东春雷少华"
    "庆丰兴旺建华学军红兵国栋子健家豪天宇思远博文志远长青永生金龙海军忠诚文斌晓峰新民"
)
GIVEN_FEMALE_1 = "芳娜敏静丽艳娟霞秀英玲婷雪慧红梅琳燕颖洁倩萍莉晶兰琴云凤"
GIVEN_FEMALE_2 = _pairs(
    "丽娟秀英海燕晓燕春梅雪梅玉兰桂芳婷婷佳琪欣怡雅静淑珍丽华美玲晓红艳红静怡思雨梦瑶"
    "慧敏文静亚楠晓丽红霞秀兰凤霞丹丹雨欣诗涵"
)
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "158", "159", "177", "180", "182", "183", "186", "187", "188", "189", "199",
)  # fmt: skip


@dataclass
class PersonPlan:
    """One Member to create; ``login`` names the demo login linked to it."""

    employee_no: str
    name: str
    gender: str
    org_code: str
    party_status: str
    joined_party_on: date | None
    party_post: str
    job_title: str
    skill_grade: str
    leader_level: str
    on_duty: bool
    phone: str
    login: str = ""


@dataclass
class _Slot:
    org_code: str
    job_title: str
    skill_grade: str
    profile: str
    post: str = PartyPost.NONE
    leader_level: str = LeaderLevel.NONE
    status: str | None = None  # None: drawn from the branch's quota
    login: str = ""
    veteran: bool = False  # company leaders joined the Party early


@dataclass
class _Draw:
    """Everything random, from one seeded generator, in one fixed order."""

    rng: random.Random
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def grade(self, pool: str) -> str:
        grades, weights = zip(*GRADE_POOLS[pool], strict=True)
        return self.rng.choices(grades, weights=weights)[0]

    def job(self, group: GroupSpec) -> tuple[str, str]:
        title, pool = self.rng.choice(group.jobs)
        return title, self.grade(pool)

    def gender(self, profile: str) -> str:
        return Gender.MALE if self.rng.random() < MALE_SHARE[profile] else Gender.FEMALE

    def name(self, gender: str) -> str:
        surnames, weights = zip(*SURNAMES, strict=True)
        male = gender == Gender.MALE
        while True:
            if self.rng.random() < 0.35:
                given = self.rng.choice(GIVEN_MALE_1 if male else GIVEN_FEMALE_1)
            else:
                given = self.rng.choice(GIVEN_MALE_2 if male else GIVEN_FEMALE_2)
            name = self.rng.choices(surnames, weights=weights)[0] + given
            if name not in self.names:
                self.names.add(name)
                return name

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def joined(self, status: str, *, veteran: bool, today: date) -> date | None:
        if status == PartyStatus.NONE:
            return None
        if status == PartyStatus.PROBATIONARY:  # a probationary member joined less than a year ago
            return today - timedelta(days=self.rng.randint(30, 330))
        first, last = (date(1985, 7, 1), date(1996, 7, 1)) if veteran else (date(1992, 7, 1), date(2023, 6, 30))
        return first + timedelta(days=self.rng.randint(0, (last - first).days))


def _statuses(size: int, open_slots: int) -> list[str]:
    """Statuses for a branch's remaining people, so the branch has about 65 % full members,
    8 % probationary members and 27 % non-party staff (everyone already placed is a full member)."""
    probationary = max(1, round(size * 0.08))
    non_party = min(round(size * 0.27), open_slots - probationary)
    full = open_slots - probationary - non_party
    return [PartyStatus.FULL] * full + [PartyStatus.PROBATIONARY] * probationary + [PartyStatus.NONE] * non_party


def _branch_slots(spec: BranchSpec, draw: _Draw) -> list[_Slot]:
    code = branch_code(spec.key)
    groups = [(group_code(spec.key, i), group) for i, group in enumerate(spec.groups, start=1)]
    slots: list[_Slot] = []
    # 书记: at branch level; in the larger branches also a department leader.
    leads = spec.size >= 16
    slots.append(
        _Slot(
            code,
            f"党支部书记、{spec.deputy_head}" if leads else "党支部书记",
            draw.grade(P),
            spec.profile,
            post=PartyPost.SECRETARY,
            leader_level=LeaderLevel.DEPARTMENT if leads else LeaderLevel.NONE,
            status=PartyStatus.FULL,
            login=SECRETARY_LOGINS.get(spec.key, ""),
        )
    )
    # The department head sits on the branch committee (支委委员).
    head_title, head_pool = spec.head
    slots.append(
        _Slot(
            code,
            head_title,
            draw.grade(head_pool),
            spec.profile,
            post=PartyPost.COMMITTEE_MEMBER,
            leader_level=LeaderLevel.DEPARTMENT,
            status=PartyStatus.FULL,
            login=HEAD_LOGINS.get(spec.key, ""),
        )
    )
    officers = [PartyPost.DEPUTY, PartyPost.COMMITTEE_MEMBER] if spec.deputy else [PartyPost.COMMITTEE_MEMBER] * 2
    for i, post in enumerate(officers):
        group_org, group = groups[i % len(groups)]
        slots.append(_Slot(group_org, *draw.job(group), spec.profile, post=post, status=PartyStatus.FULL))
    for group_org, group in groups:
        slots.append(
            _Slot(group_org, *draw.job(group), spec.profile, post=PartyPost.GROUP_LEADER, status=PartyStatus.FULL)
        )
        for login, title in group.reserved:
            pool = dict(group.jobs)[title]
            slots.append(_Slot(group_org, title, draw.grade(pool), spec.profile, status=PartyStatus.FULL, login=login))
    statuses = _statuses(spec.size, spec.size - len(slots))
    draw.rng.shuffle(statuses)
    for i, status in enumerate(statuses):
        group_org, group = groups[i % len(groups)]
        slots.append(_Slot(group_org, *draw.job(group), spec.profile, status=status))
    for title, grade in spec.company_leaders:
        slots.append(
            _Slot(
                code,
                title,
                grade,
                spec.profile,
                leader_level=LeaderLevel.COMPANY,
                status=PartyStatus.FULL,
                veteran=True,
            )
        )
    return slots


def plan_people(*, seed: int = DEMO_SEED, today: date | None = None) -> list[PersonPlan]:
    """The demo company's people: the same list for the same seed and day, on any machine."""
    today = today or timezone.localdate()
    draw = _Draw(random.Random(seed))
    slots = [slot for spec in all_branches() for slot in _branch_slots(spec, draw)]
    people: list[PersonPlan] = []
    for number, slot in enumerate(slots, start=10001):
        gender = draw.gender(slot.profile)
        status = slot.status or PartyStatus.FULL
        people.append(
            PersonPlan(
                employee_no=f"{COMPANY_CODE}{number}",
                name=draw.name(gender),
                gender=gender,
                org_code=slot.org_code,
                party_status=status,
                joined_party_on=draw.joined(status, veteran=slot.veteran, today=today),
                party_post=slot.post,
                job_title=slot.job_title,
                skill_grade=slot.skill_grade,
                leader_level=slot.leader_level,
                on_duty=True,
                phone=draw.phone(),
                login=slot.login,
            )
        )
    # A few people are away (long sick leave, seconded elsewhere): not on duty.
    ordinary = [p for p in people if not (p.party_post or p.leader_level or p.login)]
    for person in draw.rng.sample(ordinary, 6):
        person.on_duty = False
    return people


# --- writing it -----------------------------------------------------------------------------------


class DemoPasswordError(Exception):
    """The documented demo password no longer passes the password validators."""


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str  # organization name, "" for system-wide roles
    full_name: str
    password: str  # the demo password, or a note when it was changed since
    created: bool


@dataclass
class DemoResult:
    created: bool  # False: the company was already there and nothing was written
    company: str
    counts: dict[str, int]
    logins: list[DemoLogin]


def check_demo_password() -> None:
    for spec in LOGINS:
        try:
            validate_password(DEMO_PASSWORD, User(username=spec.username, role=spec.role))
        except ValidationError as exc:
            raise DemoPasswordError(
                f"The demo password {DEMO_PASSWORD!r} is refused for {spec.username!r}: {' '.join(exc.messages)}"
            ) from exc


def _add(parent: Organization | None, *, name: str, kind: str, code: str, order: int) -> Organization:
    node = Organization(name=name, kind=kind, code=code, order=order)
    node.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=node)
    # The manager re-reads the parent row (locked), so its path and child count are fresh.
    return Organization.objects.add_child(parent, instance=node)


def _build_tree() -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    committee = _add(None, name=COMPANY_NAME, kind=OrgKind.COMMITTEE, code=COMPANY_CODE, order=1)
    orgs[COMPANY_CODE] = committee

    def add_branch(parent: Organization, spec: BranchSpec, order: int) -> None:
        branch = _add(parent, name=spec.name, kind=OrgKind.BRANCH, code=branch_code(spec.key), order=order)
        orgs[branch.code] = branch
        for i, group in enumerate(spec.groups, start=1):
            code = group_code(spec.key, i)
            orgs[code] = _add(branch, name=group.name, kind=OrgKind.PARTY_GROUP, code=code, order=i)

    for order, node in enumerate(TREE, start=1):
        if isinstance(node, GeneralBranchSpec):
            code = f"{COMPANY_CODE}-{node.key}"
            general = _add(committee, name=node.name, kind=OrgKind.GENERAL_BRANCH, code=code, order=order)
            orgs[code] = general
            for sub_order, spec in enumerate(node.branches, start=1):
                add_branch(general, spec, sub_order)
        else:
            add_branch(committee, node, order)
    return orgs


def _build_people(orgs: dict[str, Organization], people: list[PersonPlan]) -> dict[str, Member]:
    """Create the members (with their history rows); return the ones demo logins link to, by username."""
    taken = set(
        Member.objects.filter(employee_no__in=[p.employee_no for p in people]).values_list("employee_no", flat=True)
    )
    new: list[Member] = []
    for person in people:
        if person.employee_no in taken:
            continue
        member = Member(
            name=person.name,
            gender=person.gender,
            employee_no=person.employee_no,
            organization=orgs[person.org_code],
            party_status=person.party_status,
            joined_party_on=person.joined_party_on,
            party_post=person.party_post,
            job_title=person.job_title,
            skill_grade=person.skill_grade,
            leader_level=person.leader_level,
            on_duty=person.on_duty,
            phone=person.phone,
        )
        # Field rules and Member.clean(). Skipped, to save a query per person: the organization
        # lookup (created just above), uniqueness (checked above in one query) and the post/status
        # constraint (the same rule as clean(), and the database enforces it too).
        member.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
        new.append(member)
    bulk_create_with_history(new, Member, batch_size=500)
    logins = {p.employee_no: p.login for p in people if p.login}
    return {
        logins[m.employee_no]: m for m in Member.objects.filter(employee_no__in=logins).select_related("organization")
    }


def _build_users(orgs: dict[str, Organization], linked: dict[str, Member]) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    now = timezone.now()
    for spec in LOGINS:
        existing = User.objects.filter(username=spec.username).select_related("scope").first()
        if existing is not None:  # never touch an account someone already has
            logins.append(_login_row(existing, created=False))
            continue
        member = linked.get(spec.username)
        user = User(
            username=spec.username,
            full_name=member.name if member else spec.username,
            role=spec.role,
            scope=orgs[spec.scope_code] if spec.scope_code else None,
            member=member,
            must_change_password=False,
            password_changed_at=now,
            date_joined=now,
        )
        user.set_password(DEMO_PASSWORD)
        user_save(user=user, before=None, by=None)
        logins.append(_login_row(user, created=True))
    return logins


def _password_note(user: User) -> str:
    """The demo password, unless the account's password was changed or reset after loading."""
    unchanged = (
        not user.must_change_password
        and user.password_changed_at is not None
        and abs(user.password_changed_at - user.date_joined) < timedelta(minutes=5)
    )
    return DEMO_PASSWORD if unchanged else "(changed)"


def _login_row(user: User, *, created: bool) -> DemoLogin:
    return DemoLogin(
        username=user.username,
        role=user.role,
        scope=user.scope.name if user.scope_id else "",
        full_name=user.full_name,
        password=_password_note(user),
        created=created,
    )


def _counts(committee: Organization) -> dict[str, int]:
    subtree = Organization.objects.filter(committee.subtree_q(), is_active=True)
    members = Member.objects.filter(committee.subtree_q("organization"), is_active=True)
    return {
        "general_branches": subtree.filter(kind=OrgKind.GENERAL_BRANCH).count(),
        "branches": subtree.filter(kind=OrgKind.BRANCH).count(),
        "party_groups": subtree.filter(kind=OrgKind.PARTY_GROUP).count(),
        "people": members.count(),
        "full": members.filter(party_status=PartyStatus.FULL).count(),
        "probationary": members.filter(party_status=PartyStatus.PROBATIONARY).count(),
        "non_party": members.filter(party_status=PartyStatus.NONE).count(),
    }


@transaction.atomic
def load_demo(*, seed: int = DEMO_SEED) -> DemoResult:
    """Build the demo company and its logins; when the company exists, write nothing."""
    committee = Organization.objects.filter(code=COMPANY_CODE).first()
    if committee is not None:
        users = User.objects.filter(username__in=[s.username for s in LOGINS]).select_related("scope")
        by_name = {u.username: u for u in users}
        logins = [_login_row(by_name[s.username], created=False) for s in LOGINS if s.username in by_name]
        return DemoResult(created=False, company=committee.name, counts=_counts(committee), logins=logins)

    check_demo_password()
    orgs = _build_tree()
    linked = _build_people(orgs, plan_people(seed=seed))
    logins = _build_users(orgs, linked)
    committee = orgs[COMPANY_CODE]
    counts = _counts(committee)
    record(event=Event.CREATE, obj=committee, detail={"source": "load_demo", "organizations": len(orgs), **counts})
    return DemoResult(created=True, company=committee.name, counts=counts, logins=logins)
