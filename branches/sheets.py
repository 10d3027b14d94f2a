"""Spreadsheet format of the organization tree and the roster (issue 7): columns and cell words.

Used by the ledgers (export) and the import, so that an export re-imports unchanged.
"""

from __future__ import annotations

from portal.spreadsheets.columns import YES_NO, Column

from .models import Gender, LeaderLevel, OrgKind, PartyPost, PartyStatus

ORGANIZATION_SHEET = "党组织"
MEMBER_SHEET = "人员"

# cell word → stored value (and back with the *_WORDS dicts)
ORG_KIND_BY_WORD = {
    "党委": OrgKind.COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "党小组": OrgKind.PARTY_GROUP,
}
GENDER_BY_WORD = {"男": Gender.MALE, "女": Gender.FEMALE}
PARTY_STATUS_BY_WORD = {
    "中共党员": PartyStatus.FULL,
    "中共预备党员": PartyStatus.PROBATIONARY,
    "群众": PartyStatus.NONE,
}
PARTY_POST_BY_WORD = {
    "书记": PartyPost.SECRETARY,
    "副书记": PartyPost.DEPUTY,
    "委员": PartyPost.COMMITTEE_MEMBER,
    "党小组长": PartyPost.GROUP_LEADER,
    "无": PartyPost.NONE,
}
LEADER_LEVEL_BY_WORD = {"公司级": LeaderLevel.COMPANY, "部门级": LeaderLevel.DEPARTMENT, "否": LeaderLevel.NONE}


def _words(mapping: dict) -> dict:
    """The reverse map: stored value → cell word."""
    return {str(value): word for word, value in mapping.items()}


ORG_KIND_WORDS = _words(ORG_KIND_BY_WORD)
GENDER_WORDS = _words(GENDER_BY_WORD)
PARTY_STATUS_WORDS = _words(PARTY_STATUS_BY_WORD)
PARTY_POST_WORDS = {**_words(PARTY_POST_BY_WORD), "": ""}  # no post: an empty cell
LEADER_LEVEL_WORDS = _words(LEADER_LEVEL_BY_WORD)

ORGANIZATION_COLUMNS = (
    Column("name", "名称", required=True, width=28, note="党组织名称，如：制造部党支部"),
    Column(
        "kind", "类别", required=True, width=10, note="党委 / 党总支 / 党支部 / 党小组", choices=tuple(ORG_KIND_BY_WORD)
    ),
    Column(
        "parent",
        "上级党组织",
        width=32,
        note="上级党组织的名称；最上级党委留空。名称重复时写成路径，如：公司党委/机关党总支/第一党支部",
    ),
    Column("code", "编码", width=14, note="可选；填写时不得重复"),
)

MEMBER_COLUMNS = (
    Column("name", "姓名", required=True, width=10),
    Column("gender", "性别", required=True, width=6, note="男 / 女", choices=tuple(GENDER_BY_WORD)),
    Column("employee_no", "工号", required=True, width=12, note="唯一；字母、数字或连字符，2–20 位"),
    Column(
        "organization",
        "所在党组织",
        required=True,
        width=28,
        note="所在党支部或党小组的名称；名称重复时写成路径，如：机关党总支/第一党支部",
    ),
    Column(
        "party_status",
        "政治面貌",
        required=True,
        width=12,
        note="中共党员 / 中共预备党员 / 群众",
        choices=tuple(PARTY_STATUS_BY_WORD),
    ),
    Column("joined_party_on", "入党时间", width=12, note="日期，如 2015-07-01、2015/7/1、2015年7月1日；群众留空"),
    Column(
        "party_post",
        "党内职务",
        width=10,
        note="书记 / 副书记 / 委员 / 党小组长，无职务留空或填“无”",
        choices=tuple(PARTY_POST_BY_WORD),
    ),
    Column("job_title", "岗位", width=14),
    Column("skill_grade", "技能等级", width=10),
    Column(
        "leader_level",
        "领导人员",
        width=10,
        note="公司级 / 部门级 / 否（留空即“否”）",
        choices=tuple(LEADER_LEVEL_BY_WORD),
    ),
    Column("on_duty", "在岗", width=6, note="是 / 否（留空即“是”）", choices=YES_NO),
    Column("phone", "手机号", width=14, note="11 位手机号，可留空"),
)
