"""Spreadsheets shaped like an office's own (the source articles' programmes), written the way people do.

A committee with four general branches and branches directly under it, branch names that repeat under
different general branches (so references need paths), party groups; a roster of a few hundred people
with party members, probationary members, non-party staff, leaders and people off duty; over a hundred
projects across the categories and statuses of two years. Cells are written in the mixed ways offices
write them: a title row above the header, dates as text in three forms and as real dates, 工号 typed as
numbers, lists with 、 , ； and spaces, columns in another order and an extra remarks column.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tests.spreadsheet_support import MEMBER_HEADERS, ORG_HEADERS, PROJECT_HEADERS, xlsx

ROOT = "红星机械公司党委"
CATEGORIES = ["科研生产", "安全质量", "精益管理", "深化改革", "党的建设"]
SOURCES = ["行政点题", "党组织选题", "向党员征题"]
STATUSES = ["草稿", "待审核", "已立项", "实施中", "已结题", "已评估", "中止"]
RESULT_TYPES = ["专利", "论文", "制度", "流程", "节创价值", "操作法"]
SEPARATORS = ["、", ",", "，", ";", " "]


@dataclass
class Programme:
    org_rows: list[list] = field(default_factory=list)
    member_rows: list[dict] = field(default_factory=list)
    project_rows: list[dict] = field(default_factory=list)

    def org_file(self) -> bytes:
        return xlsx(ORG_HEADERS, self.org_rows, sheet="党组织", title=f"{ROOT}组织架构（2026年）")

    def member_file(self) -> bytes:
        headers = ["序号", *MEMBER_HEADERS[::-1]]  # another order, an extra column
        rows = [[i, *(row[h] for h in MEMBER_HEADERS[::-1])] for i, row in enumerate(self.member_rows, 1)]
        return xlsx(headers, rows, sheet="人员", title="党员及职工花名册")

    def project_file(self) -> bytes:
        headers = [*PROJECT_HEADERS, "备注"]
        rows = [[row[h] for h in PROJECT_HEADERS] + ["历史台账"] for row in self.project_rows]
        return xlsx(headers, rows, sheet="项目", title="党员创新工程项目台账")

    # --- what the file itself says (computed from the rows, not from the database) -------------

    def category_counts(self, year: int) -> dict[str, int]:
        counts = dict.fromkeys(CATEGORIES, 0)
        for row in self.project_rows:
            if row["年度"] == year and row["状态"] != "草稿":
                counts[row["项目类别"]] += 1
        return counts

    def party_participation(self, year: int) -> tuple[int, int]:
        approved = {"已立项", "实施中", "已结题", "已评估", "中止"}
        party = {
            str(r["工号"])
            for r in self.member_rows
            if r["政治面貌"] in ("中共党员", "中共预备党员") and r["在岗"] == "是"
        }
        taking_part: set[str] = set()
        for row in self.project_rows:
            if row["年度"] == year and row["状态"] in approved:
                taking_part.add(str(row["负责人工号"]))
                team = str(row["成员工号"])
                for sep in SEPARATORS:
                    team = team.replace(sep, " ")
                taking_part.update(team.split())
        return len(party & taking_part), len(party)


def _date_cell(rng: random.Random, day: dt.date):
    form = rng.randrange(4)
    if form == 0:
        return day.isoformat()
    if form == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if form == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    return dt.datetime(day.year, day.month, day.day)


def build(
    seed: int = 7, *, people: int = 360, projects: int = 140, root: str = ROOT, root_code: str = "HX"
) -> Programme:
    rng = random.Random(seed)
    p = Programme()
    p.org_rows.append([root, "党委", "", root_code])
    branches: list[tuple[str, str]] = []  # (reference, name)
    groups: dict[str, str] = {}  # branch reference → its party group's reference
    for g, general in enumerate(["机关党总支", "制造党总支", "研发党总支", "保障党总支"], 1):
        p.org_rows.append([general, "党总支", root, f"HX-G{g}"])
        for b, name in enumerate(
            ["第一党支部", "第二党支部", "第三党支部", f"{general[:2]}直属党支部"][: 3 + g % 2], 1
        ):
            ref = f"{general}/{name}"
            p.org_rows.append([name, "党支部", general, ""])
            branches.append((ref, name))
            if b == 1:
                p.org_rows.append([f"{general[:2]}一组", "党小组", ref, ""])
                groups[ref] = f"{ref}/{general[:2]}一组"
    for name in ["物流中心党支部", "质检中心党支部", "动力能源党支部", "信息中心党支部", "后勤服务党支部"]:
        p.org_rows.append([name, "党支部", root, ""])
        branches.append((name, name))
    by_branch: dict[str, list[dict]] = {ref: [] for ref, _name in branches}
    for i in range(people):
        ref, _name = branches[i % len(branches)]
        status = rng.choices(["中共党员", "中共预备党员", "群众"], [62, 6, 32])[0]
        row = {
            "姓名": f"职工{i:03d}",
            "性别": rng.choice(["男", "女"]),
            "工号": 700000 + i if i % 3 else f"HX{700000 + i}",  # numbers typed as numbers, some with letters
            "所在党组织": groups[ref] if ref in groups and i % 10 == 0 else ref,
            "政治面貌": status,
            "入党时间": ""
            if status == "群众"
            else _date_cell(rng, dt.date(rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 28))),
            "党内职务": "书记" if status != "群众" and len(by_branch[ref]) == 0 else "",
            "岗位": rng.choice(["钳工", "车工", "工程师", "质检员", "调度员", "技术员"]),
            "技能等级": rng.choice(["", "高级工", "技师", "高级技师"]),
            "领导人员": rng.choices(["否", "部门级", "公司级"], [90, 9, 1])[0],
            "在岗": rng.choices(["是", "否"], [93, 7])[0],
            "手机号": f"1380013{i:04d}" if i % 2 else "",
        }
        p.member_rows.append(row)
        by_branch[ref].append(row)
    for i in range(projects):
        ref, name = branches[i % len(branches)]
        roster = by_branch[ref]
        leaders = [r for r in roster if r["政治面貌"] != "群众"]
        leader = rng.choice(leaders)
        others = [r for r in roster if r is not leader]
        team = rng.sample(others, k=min(len(others), rng.randint(0, 4)))
        year = rng.choice([2025, 2026])
        start = dt.date(year, rng.randint(1, 6), rng.randint(1, 28))
        end = start + dt.timedelta(days=rng.randint(90, 400))
        sep = rng.choice(SEPARATORS)
        status = rng.choices(STATUSES, [5, 8, 10, 30, 25, 17, 5])[0]
        p.project_rows.append(
            {
                "项目编号": f"{year}-CX-{i + 1:04d}" if status not in ("草稿", "待审核") and i % 4 else "",
                "年度": year,
                "项目名称": f"{name[:2]}创新项目{i:03d}",
                "所在党支部": ref,
                "项目类别": CATEGORIES[rng.randrange(5) if i % 7 else 0],
                "选题来源": rng.choice(SOURCES),
                "负责人工号": leader["工号"],
                "成员工号": sep.join(str(r["工号"]) for r in team),
                "计划开始": _date_cell(rng, start),
                "计划完成": _date_cell(rng, end),
                "状态": status,
                "预期成果形式": sep.join(rng.sample(RESULT_TYPES, k=rng.randint(0, 3))),
                "节创价值（万元）": rng.choice(["", 0, 12.5, "35.5", 100, "8.25"]),
                "党组织引领行动": "是" if i < len(branches) else rng.choice(["否", ""]),
            }
        )
    return p


def planted_mistakes(programme: Programme) -> tuple[bytes, list[int]]:
    """A second project ledger: 40 new rows, 20 of them with one mistake each. Returns the file and the
    spreadsheet rows (title row 1, header row 2) that hold a mistake."""
    base = [dict(row, 项目编号="", 项目名称=f"{row['项目名称']}（续）") for row in programme.project_rows[:40]]
    non_party = next(r for r in programme.member_rows if r["政治面貌"] == "群众")
    other_branch_leader = next(
        r
        for r in programme.member_rows
        if r["政治面貌"] != "群众" and not r["所在党组织"].startswith(base[5]["所在党支部"])
    )
    mistakes = [
        {"所在党支部": "不存在的党支部"},
        {"负责人工号": non_party["工号"]},
        {"负责人工号": other_branch_leader["工号"]},
        {"负责人工号": "999999"},
        {"成员工号": "888888、777777"},
        {"计划开始": "2025-02-30"},
        {"计划完成": "2024-01-01"},
        {"项目类别": "技术革新"},
        {"选题来源": "自主选题"},
        {"状态": "进行中"},
        {"预期成果形式": "奖杯"},
        {"节创价值（万元）": "-5"},
        {"节创价值（万元）": "十万"},
        {"党组织引领行动": "不知道"},
        {"年度": "明年"},
        {"项目名称": ""},
        {"所在党支部": "第一党支部"},  # a name that several branches share, without its path
        {"所在党支部": "机关党总支"},  # a general branch, not a branch
        {"计划开始": ""},
        {"项目编号": "X" * 25},
    ]
    rows, bad = [], []
    for index, row in enumerate(base):
        if index % 2 == 1:
            row = {**row, **mistakes[index // 2]}
            bad.append(index + 3)
        rows.append([row[h] for h in PROJECT_HEADERS])
    return xlsx(PROJECT_HEADERS, rows, sheet="项目", title="补报项目台账"), bad
