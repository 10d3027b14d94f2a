"""Spreadsheet format of the project ledger (issue 7): columns and cell words, shared by export and import."""

from __future__ import annotations

from portal.spreadsheets.columns import YES_NO, Column

from .models import Status

PROJECT_SHEET = "项目"

# The words of the 状态 column. The first seven are the offices' own (issue 7); 结题审核 and 未通过 are the
# portal's further states, so that every exported project re-imports.
STATUS_BY_WORD = {
    "草稿": Status.DRAFT,
    "待审核": Status.SUBMITTED,
    "已立项": Status.APPROVED,
    "实施中": Status.IN_PROGRESS,
    "已结题": Status.COMPLETED,
    "已评估": Status.EVALUATED,
    "中止": Status.TERMINATED,
    "结题审核": Status.COMPLETION_REVIEW,
    "未通过": Status.REJECTED,
}
STATUS_WORDS = {str(value): word for word, value in STATUS_BY_WORD.items()}

PROJECT_COLUMNS = (
    Column("number", "项目编号", width=14, note="可选；已立项及以后的项目留空时自动编号（如 2026-CX-0001）"),
    Column("year", "年度", required=True, width=8, note="如 2026"),
    Column("title", "项目名称", required=True, width=36),
    Column(
        "organization",
        "所在党支部",
        required=True,
        width=24,
        note="党支部名称；名称重复时写成路径，如：机关党总支/第一党支部",
    ),
    Column(
        "category", "项目类别", required=True, width=12, note="如：科研生产、安全质量、精益管理、深化改革、党的建设"
    ),
    Column("topic_source", "选题来源", required=True, width=12, note="如：行政点题、党组织选题、向党员征题"),
    Column("leader", "负责人工号", required=True, width=12, note="本支部中共党员（含预备党员）的工号"),
    Column("team", "成员工号", width=28, note="多个工号用 、 , ， ; 或空格分隔"),
    Column("planned_start", "计划开始", required=True, width=12, note="日期，如 2026-03-01、2026/3/1、2026年3月1日"),
    Column("planned_end", "计划完成", required=True, width=12, note="日期，不早于计划开始"),
    Column(
        "status",
        "状态",
        required=True,
        width=10,
        note="草稿 / 待审核 / 已立项 / 实施中 / 已结题 / 已评估 / 中止（另有 结题审核、未通过）",
        choices=tuple(STATUS_BY_WORD),
    ),
    Column("result_types", "预期成果形式", width=22, note="如：专利、论文、制度；多个用 、 分隔"),
    Column("expected_value", "节创价值（万元）", width=12, note="数字，最多两位小数，如 35.5；可留空（0）"),
    Column("is_branch_led", "党组织引领行动", width=10, note="是 / 否（留空即“否”）", choices=YES_NO),
)
