"""The demo company's innovation projects (issue 3), built by `manage.py load_demo` after the company.

Every project goes through the real services of projects/services.py — filed and submitted by the
branch secretary, returned, approved or rejected by ``reviewer``, objected to by ``staff``, started
after publicity, reported on, extended or terminated by ``committee``, accepted and evaluated — so
each one has a genuine timeline, a number given at approval, audit rows and notifications.

The titles and numbers come from the field articles (../shared/seeds): 焊接工艺参数优化, 危险工序人机隔离
操作安全改造, 设备TPM管理改善, 拓展供应渠道降低采购成本, 某新产品装置装调工艺流程攻关, a test bench whose life
went from 100 to 800 hours, a category mix close to 60 科研生产 : 25 安全质量 : 62 精益管理 : 8 党建, values
in 万元, operation methods named after the people who found them, and 30 登高计划 (some by non-party staff).

Dates. The services stamp "now"; each step here runs at a day of the story and the rows it wrote
(timeline, reports, results, objections, extensions, evaluations, plans, notifications, history) are
then re-dated to that day, so the timeline reads like a year of work. Audit rows keep the real time
of the load (the audit log is append-only, and it is the truth about when the rows were written).
The programme year is the current year from 15 November on, the year before until then: its story
(filing in January to March, quarterly reports, acceptance by early November) has then always
happened. The year before it is closed (evaluated, terminated or rejected); fresh filings (drafts,
applications, publicity) are dated in the last weeks and start next month.

Branches without a demo login: the demo has two secretary logins (制造部, 实心药芯焊丝事业部). The
other branches' projects are filed by one service account per branch, ``sec_hx-b02`` …, linked to that
branch's secretary, with an unusable password (nobody can sign in with it until a system admin sets
one).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone, translation

from branches.models import LeaderLevel, Member, Organization, PartyPost, PartyStatus
from portal.accounts.models import Role, User
from portal.accounts.services import user_save
from portal.audit.log import record
from portal.audit.models import Event
from portal.workbench.models import Notification
from projects import services
from projects.models import (
    Category,
    Evaluation,
    Extension,
    Grade,
    ImprovementPlan,
    Objection,
    ProgrammeSettings,
    ProgressReport,
    Project,
    ProjectTransition,
    Result,
    ResultType,
    RubricItem,
    Status,
    TeamRole,
    TopicSource,
)

from .demo import COMPANY_CODE, DEMO_SEED, SECRETARY_LOGINS, all_branches, branch_code

FLAGSHIP_TITLE = "某新产品装置装调工艺流程攻关"
FLAGSHIP_VALUE = Decimal("35.50")
# Branches without a branch-led action (党组织引领行动) in the programme year: the dashboard shows them.
BRANCHES_WITHOUT_LED = ("B09", "B13")
SERVICE_PREFIX = "sec_"

# --- the catalogue -------------------------------------------------------------------------------------

KY, AQ, JY, DJ, GG = "科研生产", "安全质量", "精益管理", "党的建设", "深化改革"
XZ, ZZ, DY = "行政点题", "党组织选题", "向党员征题"
EXCELLENT, GOOD, PASS = Grade.EXCELLENT, Grade.GOOD, Grade.PASS


@dataclass(frozen=True)
class R:
    """A result (成果); ``{member}`` in the title becomes the name of a team member (操作法)."""

    type: str
    title: str
    value: str = "0"
    reference: str = ""


@dataclass(frozen=True)
class Spec:
    branch: str
    when: str  # prev: the closed year before; cur: the programme year; new: filed in the last weeks
    story: str  # the path through the workflow: _Builder.LONG or _Builder.RECENT
    category: str
    source: str
    title: str
    value: str  # expected value, 万元
    expects: tuple[str, ...]
    problem: str
    goals: str
    indicators: str
    team: int = 4  # people, the leader included
    led: bool = False  # 党组织引领行动
    grade: str = ""
    outcome: str = ""
    results: tuple[R, ...] = ()
    note: str = ""  # the comment the story needs: return, rejection, termination, objection, extension
    reply: str = ""  # how the committee answered (objection resolution, returned completion)
    returned_once: str = ""  # a return before the approval: the reviewer's comment
    flagship: bool = False


CATALOGUE: tuple[Spec, ...] = (
    # --- 制造部党支部 (secretary_a) -----------------------------------------------------------------
    Spec(
        "B01", "cur", "evaluated", KY, XZ, FLAGSHIP_TITLE, "30.00", ("专利", "节创价值", "操作法", "研制总结"),
        "某新产品装置采用全新光学系统，过去没有适用于该系统的装调方法和流程，样机装调“卡点”“难点”多，"
        "直接影响新产品研制节点。",
        "由5名党员组成攻关项目组，摸索出一套适合该系统的装调工艺流程，保证精度和效率，按期交付样机。",
        "样机一次装调合格；装调周期由12天缩短到8天以内；形成装调工艺规程和专用工装。",
        team=5, led=True, grade=EXCELLENT, flagship=True,
        outcome="摸索出一套适合该系统的装调工艺流程，样机一次装调合格并按期交付，装调周期由12天缩短至7天",
        results=(
            R("专利", "一种光学装置多自由度装调工装", reference="ZL202620456789.3"),
            R("操作法", "{member}光轴快速校准操作法"),
            R("研制总结", "某新产品装置装调工艺流程研制总结"),
            R("节创价值", "装调周期缩短、返修减少形成的节创价值", value="35.50"),
        ),
    ),
    Spec(
        "B01", "cur", "running", KY, DY, "航相机光学组件装调效率提升", "12.00", ("操作法", "节创价值"),
        "航相机光学组件装调依赖个人经验，一次装调合格率约93%，返调耗时长。",
        "总结骨干装调经验，形成标准化装调步骤，提高一次装调合格率。",
        "一次装调合格率达到98%；单件装调工时降低15%。",
    ),
    Spec(
        "B01", "cur", "review", KY, ZZ, "精密机加薄壁件加工变形控制", "18.00", ("技术图纸", "节创价值", "论文"),
        "薄壁铝合金壳体数控加工后变形超差，返修率高达12%。",
        "通过专用夹具和加工参数优化控制变形，降低返修率。",
        "变形量控制在0.05mm以内；返修率降至3%以下。",
        outcome="设计真空吸附专用夹具并优化切削参数，薄壁件返修率由12%降至2.6%",
        results=(
            R("技术图纸", "薄壁壳体真空吸附专用夹具图纸"),
            R("论文", "薄壁铝合金壳体数控加工变形控制研究", reference="《机械工人》2026年第9期"),
            R("节创价值", "返修减少节约的工时和材料", value="14.20"),
        ),
    ),
    Spec(
        "B01", "prev", "evaluated", JY, XZ, "数控加工程序标准化与刀具寿命管理", "20.00", ("制度", "节创价值"),
        "数控加工程序版本混乱，刀具凭经验更换，既有断刀风险又有浪费。",
        "建立程序标准化管理和刀具寿命台账，按寿命换刀。",
        "程序统一归档率100%；刀具消耗降低15%。",
        grade=GOOD,
        outcome="建立数控程序统一管理和刀具寿命台账，刀具消耗同比降低17%",
        results=(
            R("制度", "数控加工程序管理办法"),
            R("节创价值", "刀具消耗降低的节创价值", value="22.60"),
        ),
    ),
    Spec(
        "B01", "new", "returned", JY, ZZ, "装调车间“一个流”生产组织模式试点", "15.00", ("流程", "节创价值"),
        "装调工序批量流转，在制品积压，交付周期长。",
        "借鉴液压产品“一个流”经验，在装调车间试点单件流生产组织。",
        "在制品数量减少30%。",
        team=5,
        note="请补充现状节拍数据和量化目标（如生产效率提升比例），并明确非党员骨干的分工。",
    ),
    Spec(
        "B01", "new", "submitted", JY, DY, "工装夹具快换结构改进", "6.00", ("技术图纸", "节创价值"),
        "多品种小批量生产换型频繁，工装夹具更换一次需40分钟。",
        "设计快换定位结构，缩短换型时间。",
        "换型时间缩短到15分钟以内。",
        team=3,
    ),
    # --- 科研生产部党支部 -------------------------------------------------------------------------------
    Spec(
        "B02", "cur", "running", JY, XZ, "科研项目节点管控看板建设", "10.00", ("流程", "软件著作权"),
        "科研项目节点多、接口多，节点拖期发现晚，协调靠开会。",
        "建立覆盖全部在研项目的节点管控看板，节点状态一目了然，拖期提前预警。",
        "在研项目节点按期完成率达到95%；预警提前期不少于10天。",
        team=5, led=True,
    ),
    Spec(
        "B02", "prev", "evaluated", KY, ZZ, "某型产品电气设计规范与图纸模板统一", "8.00", ("标准", "技术图纸"),
        "各设计师电气图纸风格不一，校对返改多，图纸复用率低。",
        "编制电气设计规范，建立统一的图纸模板库。",
        "校对返改率降低50%；模板覆盖常用图纸类型30类以上。",
        grade=GOOD,
        outcome="编制电气原理图绘制规范并建立36类图纸模板，校对返改率降低56%",
        results=(
            R("标准", "电气原理图绘制规范", reference="Q/HX J 2025-031"),
            R("技术图纸", "电气设计模板库（36类）"),
        ),
    ),
    Spec(
        "B02", "new", "publicity", KY, ZZ, "研制试验报告编写规范化", "3.00", ("制度", "试验报告"),
        "研制试验报告格式和深度不一，评审时反复修改。",
        "编制试验报告编写规范和范本，开展培训。",
        "试验报告一次评审通过率达到90%。",
        team=3,
    ),
    Spec(
        "B02", "cur", "completed", KY, DY, "产品研发三维协同设计推广应用", "16.00", ("流程", "研制总结", "节创价值"),
        "二维图纸与三维模型并行，设计、工艺数据传递靠人工，差错多。",
        "在两个在研产品上推广三维协同设计，打通设计与工艺数据。",
        "设计更改单减少30%；研制周期缩短10%。",
        outcome="在两个在研产品上全面应用三维协同设计，设计更改单减少38%",
        results=(
            R("流程", "三维协同设计数据发放流程"),
            R("研制总结", "三维协同设计推广应用总结"),
            R("节创价值", "设计更改减少和周期缩短的节创价值", value="12.80"),
        ),
    ),
    # --- 总装调试车间党支部 ------------------------------------------------------------------------------
    Spec(
        "B03", "prev", "evaluated", KY, ZZ, "提升某试验台使用寿命", "45.00", ("专利", "节创价值", "试验报告"),
        "某液压试验台油温控制不稳，关键件磨损快，使用寿命仅100小时，频繁停台影响交付。",
        "技术党员牵头攻关油温控制和关键件结构，大幅延长试验台使用寿命。",
        "试验台使用寿命提高到500小时以上。",
        team=5, led=True, grade=EXCELLENT,
        outcome="试验台使用寿命由原来的100小时提高到800小时",
        results=(
            R("专利", "一种液压试验台油温自适应控制装置", reference="ZL202520876543.2"),
            R("试验报告", "某试验台寿命验证试验报告"),
            R("节创价值", "停台减少、备件节约形成的节创价值", value="48.30"),
        ),
    ),
    Spec(
        "B03", "cur", "running", JY, XZ, "建立液压某军品“一个流”生产组织模式", "40.00", ("流程", "节创价值"),
        "液压某军品按批次流转，工序间等待时间长，生产效率低。",
        "建立“一个流”生产组织模式，重新布置工位和节拍。",
        "生产效率提升100%以上；在制品减少50%。",
        team=6, led=True,
        returned_once="请把“一个流”改造涉及的工位、节拍和效率指标写具体，并补充安全措施。",
    ),
    Spec(
        "B03", "cur", "completed", KY, DY, "火炮液压系统调试工装改进", "12.00", ("技术图纸", "专利", "节创价值"),
        "火炮液压系统调试管路拆装频繁，接头易渗漏，调试一次需两个班。",
        "设计快速接头调试工装，减少拆装，提高调试效率。",
        "单台调试时间缩短40%；渗漏问题清零。",
        outcome="快速接头调试工装投入使用，单台调试时间由两个班缩短到一个班",
        results=(
            R("技术图纸", "火炮液压系统调试工装图纸"),
            R("专利", "一种火炮液压系统调试用快速接头工装", reference="ZL202620567890.4"),
            R("节创价值", "调试工时节约", value="9.60"),
        ),
    ),
    Spec(
        "B03", "new", "draft", AQ, ZZ, "环境试验设备预防性维护与安全联锁改进", "5.00", ("制度", "技术图纸"),
        "环境试验箱老化，缺少安全联锁，夜间试验无人值守存在隐患。",
        "建立预防性维护计划，加装超温、断水安全联锁。",
        "试验设备故障停机减少50%；安全联锁覆盖全部试验箱。",
        team=3,
    ),
    Spec(
        "B03", "new", "submitted", JY, DY, "调平防御车快速调平操作法推广", "4.00", ("操作法",),
        "调平防御车调平全凭经验，新员工上手慢。",
        "总结推广党员骨干的快速调平法，带出一批调平能手。",
        "调平时间缩短30%；培训新员工8名。",
    ),
    # --- 实心药芯焊丝事业部党支部 (secretary_b) ---------------------------------------------------------------
    Spec(
        "B04", "prev", "evaluated", KY, XZ, "水电和车辆重大工程用药芯焊丝制备工艺攻关", "80.00",
        ("专利", "论文", "节创价值"),
        "水电和车辆重大工程用高强钢药芯焊丝依赖进口，国产焊丝低温韧性不稳定。",
        "突破药芯配方和制备工艺难关，实现批量稳定供货。",
        "焊缝-40℃冲击功稳定达标；批量供货1000吨以上。",
        team=6, led=True, grade=EXCELLENT,
        outcome="突破水电和车辆重大工程用焊丝制备技术和工艺难关，实现批量稳定供货",
        results=(
            R("专利", "一种高韧性药芯焊丝及其制备方法", reference="ZL202510345678.9"),
            R("论文", "水电工程用高强钢药芯焊丝工艺研究", reference="《焊接》2025年第10期"),
            R("节创价值", "替代进口焊丝形成的节创价值", value="86.40"),
        ),
    ),
    Spec(
        "B04", "cur", "running_ext_pending", AQ, ZZ, "焊丝产品质量检验“变合格为优良”", "25.00",
        ("制度", "流程", "节创价值"),
        "焊丝产品出厂检验只卡合格线，用户对表面质量和层绕质量仍有意见。",
        "把好产品质量检验监督关，建立内控优良标准，变合格为优良。",
        "产品优良品率达到95%；用户质量投诉减少50%。",
        team=5, led=True,
        note="新增两条生产线的检验数据尚需一个完整季度跟踪验证，申请将计划完成时间延至次年3月底。",
    ),
    Spec(
        "B04", "cur", "evaluated", JY, DY, "拉丝工序断丝率降低", "15.00", ("操作法", "节创价值"),
        "拉丝工序断丝频繁，每次断丝停机穿模耗时，影响产量。",
        "分析断丝原因，改进模具配置和换模方法。",
        "断丝率降低50%以上。",
        grade=GOOD,
        outcome="断丝率由0.8次/吨降至0.3次/吨",
        results=(
            R("操作法", "{member}拉丝模具快速更换操作法"),
            R("节创价值", "断丝停机减少的节创价值", value="13.70"),
        ),
    ),
    Spec(
        "B04", "new", "objection", AQ, ZZ, "镀铜工序废液减排与回收利用", "20.00", ("流程", "节创价值"),
        "镀铜工序废液产生量大，处置费用高，环保压力大。",
        "改进镀铜液循环和回收工艺，减少废液排放。",
        "废液产生量减少40%；铜回收率提高到90%。",
        note="该项目与事业部去年实施的镀铜线环保改造内容有重叠，建议核实后再公示。",
    ),
    Spec(
        "B04", "new", "draft", JY, DY, "层绕焊丝包装自动化改进", "8.00", ("技术图纸", "节创价值"),
        "层绕焊丝包装靠人工搬运码垛，劳动强度大。",
        "加装自动码垛装置，减轻劳动强度。",
        "包装工位减少2人；码垛效率提高50%。",
        team=3,
    ),
    Spec(
        "B04", "cur", "review", KY, ZZ, "焊接工艺参数优化", "10.00", ("试验报告", "论文", "节创价值"),
        "用户反映部分焊丝推荐工艺参数窗口窄，现场焊接飞溅大。",
        "通过系统的工艺试验优化推荐焊接参数，编制工艺参数手册。",
        "飞溅率降低30%；形成覆盖主要牌号的参数手册。",
        outcome="完成6个牌号的工艺参数试验，推荐参数下飞溅率降低35%",
        results=(
            R("试验报告", "药芯焊丝焊接工艺参数优化试验报告"),
            R("论文", "药芯焊丝焊接工艺参数对飞溅的影响", reference="《电焊机》2026年第8期"),
            R("节创价值", "用户现场返修减少的节创价值", value="11.20"),
        ),
    ),
    # --- 焊条焊剂事业部党支部 ---------------------------------------------------------------------------------
    Spec(
        "B05", "prev", "evaluated", KY, XZ, "核电用焊条质量稳定性提升", "30.00", ("标准", "试验报告", "节创价值"),
        "核电高端领域对焊条质量稳定性要求极高，批次间性能波动时有发生。",
        "从原材料、压涂、烘焙全过程控制，确保核电用焊条质量稳定。",
        "核电用焊条质量问题为零；批次性能波动降低50%。",
        team=5, grade=GOOD,
        outcome="确保了核电用焊条全年无一质量问题，受到用户肯定",
        results=(
            R("标准", "核电用焊条过程控制规范", reference="Q/HX H 2025-008"),
            R("试验报告", "核电用焊条批次稳定性验证报告"),
            R("节创价值", "质量损失降低的节创价值", value="27.50"),
        ),
    ),
    Spec(
        "B05", "cur", "running", KY, ZZ, "焊条压涂偏心度在线控制", "18.00", ("专利", "操作法"),
        "焊条压涂偏心度靠抽检发现，超差时已生产一批。",
        "加装偏心度在线检测并形成调整操作法。",
        "偏心度合格率达到99.5%。",
        team=5, led=True,
    ),
    Spec(
        "B05", "cur", "completed", JY, DY, "焊剂烧结工序能耗降低", "22.00", ("节创价值", "制度"),
        "焊剂烧结炉能耗高，装炉量和升温曲线凭经验。",
        "优化装炉量和升温曲线，建立烧结炉经济运行规定。",
        "单位产品烧结能耗降低10%。",
        outcome="优化装炉和升温曲线，单位产品烧结能耗降低12.6%",
        results=(
            R("制度", "烧结炉经济运行管理规定"),
            R("节创价值", "烧结能耗降低的节创价值", value="24.80"),
        ),
    ),
    Spec(
        "B05", "prev", "terminated", KY, XZ, "新址焊条生产线自建项目安装调试", "10.00", ("研制总结",),
        "新址焊条生产线自建项目设备多、工期紧。",
        "党员骨干昼夜轮流值班，做好焊条生产线现场协调和安装调试。",
        "按期完成自建设备安装调试并试生产。",
        team=5,
        note="公司调整新址建设计划，焊条生产线改由设备供应商总包调试，本项目不再单独实施，已完成的调试记录移交生产部。",
    ),
    # --- 焊接技术研究所党支部 ---------------------------------------------------------------------------------
    Spec(
        "B06", "prev", "evaluated", KY, ZZ, "50米水深激光水下切割工艺试验", "60.00", ("专利", "论文", "试验报告"),
        "深水环境中的中、厚板切割是水下工程的难题，国内尚无成熟技术。",
        "支部书记亲自挂帅组建攻艰小组，实现50米水深环境中中、厚板激光高速优质切割。",
        "50米水深稳定切割；切割速度比预定目标提高一倍。",
        team=6, grade=EXCELLENT,
        outcome="实现了50米水深环境中中、厚板的激光高速优质切割，比预定目标提高了2倍多",
        results=(
            R("专利", "一种水下激光切割排水气罩", reference="ZL202520123456.7"),
            R("专利", "一种水下激光切割用随动喷嘴", reference="ZL202520123457.5"),
            R("论文", "50米水深激光切割工艺试验研究", reference="《焊接学报》2025年第11期"),
            R("试验报告", "50米水深激光水下切割工艺试验报告"),
        ),
    ),
    Spec(
        "B06", "cur", "running", KY, XZ, "6156铝合金带筋壁板激光焊接变形控制", "35.00", ("专利", "论文", "试验报告"),
        "大型客机机身带筋壁板激光整体焊接，6156铝合金焊接变形量大、气孔敏感性高，无参考资料。",
        "突破焊接变形和气孔控制难题，完成壁板模拟件焊接验证。",
        "壁板模拟件焊接变形控制在设计要求内；气孔合格率100%。",
        team=6, led=True,
        returned_once="请补充试验件数量和验证节点，说明与集团课题的分工，避免重复立项。",
    ),
    Spec(
        "B06", "cur", "review", KY, DY, "机器人焊接离线编程推广应用", "15.00", ("软件著作权", "操作法", "节创价值"),
        "焊接机器人示教编程占用设备时间长，小批量产品不划算。",
        "开发离线编程辅助软件，推广离线编程。",
        "示教占机时间减少60%。",
        outcome="离线编程在4类产品上应用，示教占机时间减少65%",
        results=(
            R("软件著作权", "焊接机器人离线编程辅助软件V1.0", reference="2026SR0456789"),
            R("操作法", "{member}离线程序现场快速标定操作法"),
            R("节创价值", "设备利用率提高的节创价值", value="16.30"),
        ),
    ),
    Spec(
        "B06", "cur", "rejected", JY, DY, "焊接试验数据管理系统开发", "12.00", ("软件著作权",),
        "焊接试验数据分散在个人电脑中，查找困难。",
        "开发试验数据管理系统。",
        "试验数据100%入库。",
        team=3,
        note="与公司信息化规划中的试验数据平台重复，建议纳入运营管理部统一建设，不单独立项。",
    ),
    # --- 五分厂第一党支部 --------------------------------------------------------------------------------------
    Spec(
        "B07", "prev", "evaluated", AQ, ZZ, "危险工序人机隔离操作安全改造", "50.00", ("技术图纸", "制度", "节创价值"),
        "冲压、切割等危险工序人机混合作业，存在较大安全风险。",
        "围绕安全、环保、扩能开展创新，对危险工序实施人机隔离操作改造。",
        "完成8个危险工序人机隔离改造；相关工序零伤害。",
        team=5, led=True, grade=EXCELLENT,
        outcome="先后完成8个危险工序人机隔离操作安全改造项目并投入使用，大幅提升了危险加工工序的本质安全度",
        results=(
            R("技术图纸", "8个危险工序人机隔离防护装置图纸"),
            R("制度", "危险工序人机隔离操作规程"),
            R("节创价值", "安全投入节约和效率提升的节创价值", value="42.00"),
        ),
    ),
    Spec(
        "B07", "cur", "running", AQ, ZZ, "热处理炉温均匀性提升", "12.00", ("试验报告", "操作法"),
        "热处理炉温均匀性差，零件硬度波动，返工多。",
        "改进炉内气流和装炉方式，提高炉温均匀性。",
        "炉温均匀性达到±5℃；热处理返工率降至0.5%以下。",
        led=True,
    ),
    Spec(
        "B07", "cur", "terminated", JY, DY, "机加工序刀具消耗降低", "8.00", ("节创价值",),
        "机加工序刀具消耗大，成本高。",
        "优化刀具选型和切削参数。",
        "刀具消耗降低20%。",
        team=3,
        note="该产品机加任务于二季度整体转至外协，项目失去实施条件，经党委会研究同意终止。",
    ),
    Spec(
        "B07", "new", "submitted", AQ, ZZ, "表面处理线废水在线监测改进", "6.00", ("流程", "技术图纸"),
        "表面处理线废水指标靠人工取样化验，超标发现滞后。",
        "加装在线监测仪表，超标自动报警。",
        "废水指标在线监测覆盖率100%；超标零排放。",
        team=3,
    ),
    # --- 五分厂第二党支部 --------------------------------------------------------------------------------------
    Spec(
        "B08", "cur", "completed", AQ, XZ, "危险工序人机隔离操作安全改造（二期）", "30.00", ("技术图纸", "制度"),
        "一期改造后，装配、检测工序仍有5处人机交叉作业点。",
        "推广一期经验，完成装配、检测工序人机隔离改造。",
        "完成5处改造并投入使用；相关工序零伤害。",
        team=5, led=True,
        outcome="完成装配、检测工序5处人机隔离改造并投入使用，相关工序实现零伤害",
        results=(
            R("技术图纸", "装配、检测工序人机隔离装置图纸"),
            R("制度", "人机隔离装置点检制度"),
        ),
    ),
    Spec(
        "B08", "cur", "running_objection", AQ, DY, "无损检测工艺规程优化", "6.00", ("标准", "操作法"),
        "无损检测工艺规程多年未修订，新材料、新结构检测依据不足。",
        "验证相控阵检测新工艺，修订无损检测工艺规程。",
        "规程覆盖全部在产产品；一次检测准确率提高。",
        note="无损检测规程修订属于日常技术管理工作，是否适合作为创新项目？",
        reply="经核实，项目包含相控阵检测新工艺验证，超出日常规程修订范围，异议不成立，维持立项。",
    ),
    Spec(
        "B08", "prev", "evaluated", KY, ZZ, "装配线扩能改造", "25.00", ("流程", "节创价值"),
        "装配线产能不足，旺季需要加班加点。",
        "平衡装配节拍，改造瓶颈工位。",
        "装配线产能提高20%。",
        grade=PASS,
        outcome="瓶颈工位改造完成，装配线产能提高14%，未完全达到预期",
        results=(
            R("流程", "装配线节拍平衡作业流程"),
            R("节创价值", "减少加班形成的节创价值", value="12.50"),
        ),
    ),
    Spec(
        "B08", "new", "returned", JY, DY, "计量器具周期检定信息化管理", "4.00", ("流程", "软件著作权"),
        "计量器具周期检定靠纸质台账，超期使用时有发生。",
        "建立计量器具信息化台账，到期自动提醒。",
        "计量器具超期率为零。",
        team=3,
        note="项目目标偏笼统，请写明覆盖的器具数量、超期率控制指标，并说明与质量安全部计量工作的分工。",
    ),
    # --- 动力能源车间党支部 (no branch-led action this year) --------------------------------------------------
    Spec(
        "B09", "prev", "evaluated", JY, XZ, "空压站节能运行优化", "35.00", ("节创价值", "制度"),
        "空压站多台空压机同时运行，加卸载频繁，电耗高。",
        "按用气负荷优化机组组合和压力设定。",
        "空压站单位产气电耗降低10%。",
        team=4, led=True, grade=GOOD,
        outcome="优化机组组合和压力设定，空压站单位产气电耗降低11.8%",
        results=(
            R("制度", "空压站经济运行规程"),
            R("节创价值", "节电形成的节创价值", value="38.60"),
        ),
    ),
    Spec(
        "B09", "cur", "running", AQ, ZZ, "配电室巡检标准化作业", "3.00", ("制度", "操作法"),
        "配电室巡检项目和路线不统一，隐患漏检。",
        "编制标准化巡检卡和路线，推行标准化作业。",
        "巡检覆盖率100%；巡检时间缩短20%。",
    ),
    Spec(
        "B09", "cur", "rejected", JY, DY, "锅炉燃烧优化降低天然气消耗", "20.00", ("节创价值",),
        "锅炉燃烧效率低，天然气消耗大。",
        "优化燃烧器配风。",
        "天然气单耗降低5%。",
        team=3,
        note="锅炉房已列入公司清洁能源改造计划整体拆除，项目实施基础不存在，不予立项。",
    ),
    # --- 质量安全部党支部 ---------------------------------------------------------------------------------------
    Spec(
        "B10", "cur", "evaluated", AQ, XZ, "质量问题归零管理流程优化", "5.00", ("流程", "制度"),
        "质量问题归零周期长，技术归零和管理归零脱节。",
        "优化质量问题归零流程，明确责任和时限。",
        "质量问题平均归零周期缩短30%。",
        led=True, grade=PASS,
        outcome="归零流程上线运行，平均归零周期缩短22%",
        results=(
            R("流程", "质量问题技术归零、管理归零工作流程"),
            R("制度", "质量问题归零管理办法（修订）"),
        ),
    ),
    Spec(
        "B10", "prev", "evaluated", AQ, ZZ, "安全隐患排查“随手拍”机制", "3.00", ("制度", "流程"),
        "安全隐患排查靠专项检查，一线员工参与少。",
        "建立安全隐患“随手拍”机制，人人都是安全员。",
        "全年收集并整改隐患300条以上。",
        grade=GOOD,
        outcome="全年收集隐患426条，整改率100%",
        results=(
            R("制度", "安全隐患随手拍管理办法"),
            R("流程", "隐患随手拍受理、整改、反馈流程"),
        ),
    ),
    Spec(
        "B10", "new", "publicity", AQ, DY, "计量检测能力提升", "6.00", ("标准", "试验报告"),
        "部分新产品检测项目需要外委，周期长、费用高。",
        "建立关键检测项目的自检能力。",
        "外委检测项目减少5项。",
        team=3,
    ),
    # --- 运营管理部党支部 ---------------------------------------------------------------------------------------
    Spec(
        "B11", "prev", "evaluated", JY, XZ, "设备TPM管理改善", "40.00", ("制度", "流程", "节创价值"),
        "设备以事后修理为主，重、精、关键设备故障停机损失大。",
        "对重、精、关键设备推行预防维修，改变事后修理的观念。",
        "重、精、关键设备故障停机损失为零。",
        team=5, led=True, grade=GOOD,
        outcome="实现TPM管理中自主保全、预防维修、专业保全三大核心内容，设备停机损失为零",
        results=(
            R("制度", "设备TPM管理办法"),
            R("流程", "设备自主保全点检流程"),
            R("节创价值", "设备停机损失降低的节创价值", value="36.80"),
        ),
    ),
    Spec(
        "B11", "cur", "running_ext_approved", JY, ZZ, "重点设备预防性维修体系建设", "25.00",
        ("制度", "流程", "节创价值"),
        "在TPM基础上，进口数控设备的预防性维修仍缺少标准和备件保障。",
        "建立重点设备预防性维修标准和备件保障机制。",
        "重点设备故障停机时间减少30%。",
        team=5, led=True,
        note="进口数控设备专用备件到货推迟，预防性维修验证需顺延一个季度，申请延期至12月31日。",
    ),
    Spec(
        "B11", "cur", "review", JY, DY, "生产数据采集与车间看板", "18.00", ("软件著作权", "节创价值"),
        "车间生产数据靠手工填报，管理人员看不到实时进度。",
        "采集关键设备和工序数据，建立车间电子看板。",
        "关键设备数据自动采集率90%；报表工作量减少50%。",
        outcome="关键设备数据自动采集率达到92%，车间看板上线运行",
        results=(
            R("软件著作权", "车间生产数据采集与看板系统V1.0", reference="2026SR0345678"),
            R("节创价值", "报表工时节约和停机减少的节创价值", value="15.40"),
        ),
    ),
    Spec(
        "B11", "prev", "rejected", JY, DY, "设备备件库存压降", "10.00", ("节创价值",),
        "设备备件库存积压。",
        "清理呆滞备件，降低库存。",
        "备件库存降低20%。",
        team=3,
        note="项目内容属于部门年度考核的常规工作，创新点不足，建议结合TPM项目统筹考虑。",
    ),
    # --- 党群工作部党支部 ---------------------------------------------------------------------------------------
    Spec(
        "B12", "cur", "evaluated", DJ, ZZ, "“党员创新工程”信息化管理平台建设", "0", ("制度", "流程"),
        "党员创新工程立项、公示、进展检查、验收评估靠纸质表格和微信群，资料不全、统计困难。",
        "建设党员创新工程信息化管理平台，实现全过程线上管理、及时公开。",
        "各党支部100%线上立项；季度进展检查表100%线上报送。",
        team=5, led=True, grade=GOOD,
        outcome="管理平台上线运行，各党支部全部线上立项，季度进展线上报送率100%",
        results=(
            R("制度", "党员创新工程管理办法（修订）"),
            R("流程", "项目立项、公示、验收线上流程"),
        ),
    ),
    Spec(
        "B12", "cur", "running_completion_returned", DJ, DY, "“大师工作室+员工微课堂”培训模式推广", "0", ("制度",),
        "青年职工技能提升慢，师带徒缺少固定载体。",
        "在各车间推广“大师工作室+员工微课堂”培训模式。",
        "开设微课堂40期以上；培训考核合格率95%。",
        outcome="在6个车间推广“大师工作室+员工微课堂”，开课42期",
        results=(R("制度", "“大师工作室+员工微课堂”管理办法"),),
        note="成果材料只有制度文本，请补充微课堂开课记录和培训考核数据后再申请验收。",
    ),
    Spec(
        "B12", "prev", "terminated", DJ, ZZ, "党员责任区标准化建设", "0", ("制度",),
        "党员责任区设置不统一，职责不清。",
        "统一党员责任区设置标准，明确谁来干、干什么、怎么干、干到什么程度。",
        "建立党员责任区60个以上。",
        note="党委将党员责任区建设纳入全公司党建示范点创建统一推进，本项目并入该项工作，予以终止。",
    ),
    # --- 财务审计部党支部 (no branch-led action this year) ---------------------------------------------------
    Spec(
        "B13", "cur", "running_late", JY, DY, "成本核算精细化与费用报销流程优化", "8.00", ("流程", "节创价值"),
        "产品成本核算颗粒度粗，费用报销审批环节多、周期长。",
        "细化成本核算到工序，精简报销审批流程。",
        "报销平均周期缩短到5个工作日；成本核算到工序。",
    ),
    Spec(
        "B13", "new", "draft", GG, ZZ, "内部审计问题整改跟踪机制", "2.00", ("制度",),
        "审计发现问题整改跟踪靠台账，整改不彻底的问题反复出现。",
        "建立审计问题整改跟踪和销号机制。",
        "审计问题整改销号率100%。",
        team=3,
    ),
    Spec(
        "B13", "prev", "evaluated", GG, XZ, "资金集中管理降低财务费用", "30.00", ("制度", "节创价值"),
        "各单位资金分散存放，资金使用效率低，贷款利息支出大。",
        "推行资金集中管理，统筹调度。",
        "财务费用降低15%。",
        grade=PASS,
        outcome="资金集中管理制度落地，财务费用降低9%",
        results=(
            R("制度", "资金集中管理办法"),
            R("节创价值", "利息支出减少", value="18.90"),
        ),
    ),
    # --- 采购仓储配送中心直属党支部 -----------------------------------------------------------------------------
    Spec(
        "B14", "prev", "evaluated", JY, XZ, "拓展供应渠道，降低采购成本，减少供应风险", "60.00", ("节创价值", "制度"),
        "部分物资供应商单一，采购价格高，断供风险大。",
        "围绕降本总目标拓展供应渠道，畅通采购供应链。",
        "降低采购成本50万元以上；单一来源物资减少30%。",
        team=5, led=True, grade=EXCELLENT,
        outcome="在四个项目上实现降低采购成本60余万元，单一来源物资减少35%",
        results=(
            R("制度", "供应商开发与准入管理办法"),
            R("节创价值", "四个项目降低采购成本", value="62.30"),
        ),
    ),
    Spec(
        "B14", "cur", "running", JY, ZZ, "仓储配送“定置定位”管理", "8.00", ("制度", "流程"),
        "库房物资摆放混乱，找料时间长，配送差错时有发生。",
        "划分定置区域，推行定置定位和看板管理。",
        "找料时间缩短50%；配送差错为零。",
        led=True,
    ),
    Spec(
        "B14", "new", "submitted", AQ, DY, "供应商质量评价体系建设", "3.00", ("制度",),
        "供应商质量评价只看合格率，优劣难分。",
        "建立多维度供应商质量评价体系，评价结果与采购份额挂钩。",
        "主要供应商100%纳入评价。",
        team=3,
    ),
)  # fmt: skip

# --- 登高计划: two or three per branch; (goal, result when done, value) ------------------------------------

PLANS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "B01": (
        ("提高航相机光学组件一次装调合格率至98%", "一次装调合格率由93%提升到98.5%", "3.20"),
        ("掌握五轴数控编程，独立完成薄壁件加工程序编制", "", "0"),
    ),
    "B02": (
        ("建立科研项目节点预警台账，节点按期完成率达到95%", "", "0"),
        ("完成三维设计软件高级应用培训并取得认证", "取得认证，完成2个产品的三维建模", "0"),
    ),
    "B03": (
        ("液压调试一次合格率提升至99%", "一次合格率达到99.2%", "4.50"),
        ("掌握环境试验箱维护保养技能，减少外委维修", "全年减少外委维修6次", "1.80"),
        ("提升某试验台辅助设备使用寿命", "", "0"),
    ),
    "B04": (
        ("降低药芯焊丝成型工序断带率50%", "断带率降低56%", "6.40"),
        ("考取焊接检验高级工", "", "0"),
    ),
    "B05": (
        ("焊条压涂偏心度合格率提升至99.5%", "", "0"),
        ("烘焙工序能耗降低5%", "能耗降低5.8%", "2.60"),
    ),
    "B06": (
        ("掌握激光-电弧复合焊工艺，完成3项工艺评定", "完成3项工艺评定", "0"),
        ("发表焊接技术论文1篇", "", "0"),
    ),
    "B07": (
        ("热处理工序返工率降低到0.5%以下", "返工率降至0.4%", "3.10"),
        ("学习数控车床编程，取得技师资格", "", "0"),
    ),
    "B08": (
        ("取得相控阵无损检测Ⅱ级资格证书", "已取得证书", "0"),
        ("装配工序工时定额优化，减少工时10%", "", "0"),
    ),
    "B09": (
        ("配电设备巡检路线优化，单次巡检时间缩短20分钟", "单次巡检时间缩短25分钟", "0.80"),
        ("空压机节能运行，月节电1万度", "月均节电1.2万度", "5.20"),
    ),
    "B10": (
        ("编写质量问题案例集，组织案例教学4次", "", "0"),
        ("取得注册安全工程师资格", "", "0"),
    ),
    "B11": (
        ("关键设备点检标准化，编制点检卡20份", "编制点检卡24份", "1.50"),
        ("完成车间看板数据接口开发", "", "0"),
    ),
    "B12": (
        ("每季度编发党员创新工程简报1期", "已编发3期", "0"),
        ("组织“讲好劳模故事”宣讲4场", "", "0"),
    ),
    "B13": (
        ("差旅费报销审核时限压缩至3个工作日", "平均审核时限2.6个工作日", "0"),
        ("完成内部审计项目3项，提出整改建议15条", "", "0"),
    ),
    "B14": (
        ("开发合格供应商3家，降低采购单价3%", "开发供应商4家，采购单价降低3.4%", "8.60"),
        ("仓库盘点准确率提升至99.8%", "盘点准确率99.9%", "0"),
        ("叉车作业安全规范执行零违章", "", "0"),
    ),
}

# --- text for reports and decisions --------------------------------------------------------------------------

EARLY_WORK = (
    "召开项目启动会，明确{n}名成员分工和节点计划；完成现状调研和基础数据收集，梳理出主要问题{k}项。",
    "完成现场写实和问题分析，形成初步方案并经支部委员会审议；党员骨干与班组技术人员结对开展前期试验。",
)
MID_WORK = (
    "按方案完成第{k}轮试验验证，关键参数初步确定；组织群众提出改进建议{m}条，采纳{a}条。",
    "改进措施在现场试运行，跟踪数据{m}组，效果与预期基本一致；同步起草相关制度和作业指导书。",
)
LATE_WORK = (
    "改进措施全面推广应用，连续{k}周数据稳定；开始整理技术资料和成果材料。",
    "完成阶段效果测算，编制成果材料初稿；对试运行中发现的{k}个问题逐项整改。",
)
PROBLEMS = (
    "生产任务紧，试验时间需穿插安排。",
    "部分外购件到货延迟，影响试验进度。",
    "数据采集手段有限，部分指标需人工统计。",
    "",
    "",
)
NEXT_STEPS = (
    "下季度完成方案优化和扩大验证。",
    "继续跟踪运行数据，按节点推进。",
    "组织现场交流，把好的做法推广到其他班组。",
)
DUTIES = ("技术方案", "现场试验", "数据统计分析", "质量检验", "工装设计", "资料整理", "现场实施", "安全监护")
EVALUATION_COMMENTS = {
    EXCELLENT: "项目目标全面完成，成果转化效果显著，党员带头攻坚克难作用突出。",
    GOOD: "项目按计划完成，主要指标达到预期，成果形式规范。",
    PASS: "项目基本完成，部分指标未完全达到预期，成果推广还需加强。",
}
ACCEPT_COMMENTS = ("成果材料齐全，指标达到申报要求，同意验收。", "经现场核查，成果真实有效，同意验收。", "")

# The timestamps the services write with the real time, re-dated to the story time of their step.
STAMPED: tuple[tuple[Any, str], ...] = (
    (Project, "created_at"),
    (Project, "approved_at"),
    (Project, "updated_at"),
    (Project.history.model, "history_date"),
    (ProjectTransition, "at"),
    (Objection, "raised_at"),
    (Objection, "resolved_at"),
    (ProgressReport, "submitted_at"),
    (Result, "created_at"),
    (Extension, "requested_at"),
    (Extension, "decided_at"),
    (Evaluation, "created_at"),
    (ImprovementPlan, "created_at"),
    (Notification, "created_at"),
)


# --- dates ---------------------------------------------------------------------------------------------------


def programme_year(today: date | None = None) -> int:
    """The year whose whole story (filing to acceptance in early November) lies in the past."""
    today = today or timezone.localdate()
    return today.year if today >= date(today.year, 11, 15) else today.year - 1


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    return date(year + (quarter == 4), quarter * 3 % 12 + 1, 1) - timedelta(days=1)


def quarters_ending_between(first: date, last: date) -> list[tuple[int, int]]:
    """Quarters whose last day lies in [first, last]."""
    found = []
    year, quarter = quarter_of(first)
    while quarter_end(year, quarter) <= last:
        if quarter_end(year, quarter) >= first:
            found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _month_end(day: date, months: int) -> date:
    """The last day of the month ``months`` after the month of ``day``."""
    first = date(day.year, day.month, 1)
    for _ in range(months + 1):
        first = _next_month(first)
    return first - timedelta(days=1)


class DemoBuildError(RuntimeError):
    """A demo story did not end where the catalogue says (the workflow or the configuration changed)."""


# --- result ---------------------------------------------------------------------------------------------------


@dataclass
class ServiceAccount:
    username: str
    branch: str
    full_name: str


@dataclass
class DemoProjectsResult:
    created: bool  # False: the company already had projects (or is missing) and nothing was written
    statuses: dict[str, int] = field(default_factory=dict)
    returned: int = 0
    years: dict[int, int] = field(default_factory=dict)
    plans: int = 0
    branches_without_led: list[str] = field(default_factory=list)
    service_accounts: list[ServiceAccount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


# --- building -------------------------------------------------------------------------------------------------


class _Clock:
    """Re-dates what the steps wrote to the story's dates, in a few UPDATEs at the end.

    The services stamp rows with the real time (``timezone.now()``), and the steps run one after the
    other, so every row a step wrote carries a time between the step's start and end: that interval
    maps it to the step's story time. (Load the demo into a database nobody is writing to: a row
    someone else wrote during a step would be re-dated too.)
    """

    CHUNK = 150  # steps per UPDATE (three parameters each)

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.steps: list[tuple[datetime, datetime, datetime]] = []

    def run(self, when: datetime, fn, **kwargs):
        began = timezone.now()
        out = fn(**kwargs)
        self.steps.append((began, timezone.now(), when))
        return out

    def apply(self) -> None:
        redate(self.steps, STAMPED, read_before=self.now - timedelta(days=14), chunk_size=self.CHUNK)


def redate(steps, stamped, *, read_before: datetime, chunk_size: int = 150) -> None:
    """Move every row a step wrote (stamped between its start and end) to the step's story time, with
    ``CASE`` updates that work on every database; notifications older than ``read_before`` are marked read."""
    for start in range(0, len(steps), chunk_size):
        chunk = steps[start : start + chunk_size]
        span = (chunk[0][0], chunk[-1][1])
        for model, name in stamped:
            values: dict[str, Any] = {
                name: Case(*(When(**{f"{name}__range": (b, e)}, then=Value(w)) for b, e, w in chunk), default=F(name))
            }
            if model is Notification:
                old = [
                    When(created_at__range=(b, e), then=Value(w + timedelta(hours=2)))
                    for b, e, w in chunk
                    if w < read_before
                ]
                if old:
                    values["read_at"] = Case(*old, default=F("read_at"))
            model._default_manager.filter(**{f"{name}__range": span}).update(**values)


@dataclass
class _People:
    secretary: Member
    head: Member | None
    party: list[Member]  # full members on duty who may lead (secretary and company leaders apart)
    everyone: list[Member]  # on duty, company leaders apart
    led: Counter = field(default_factory=Counter)


class _Builder:
    LONG = {
        "evaluated",
        "completed",
        "review",
        "running",
        "running_ext_pending",
        "running_ext_approved",
        "running_objection",
        "running_completion_returned",
        "running_late",
        "terminated",
        "rejected",
    }
    RECENT = {"draft", "returned", "submitted", "publicity", "objection"}

    def __init__(self, *, committee: Organization, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.year = programme_year(today)
        self.programme = ProgrammeSettings.load()
        self.clock = _Clock(self.now)
        self.categories = {c.name: c for c in Category.objects.all()}
        self.sources = {s.name: s for s in TopicSource.objects.all()}
        self.result_types = {t.name: t for t in ResultType.objects.all()}
        self.rubric = list(RubricItem.objects.filter(is_active=True))
        users = {u.username: u for u in User.objects.filter(username__in=["reviewer", "committee", "staff"])}
        missing = {"reviewer", "committee", "staff"} - set(users)
        if missing:
            raise DemoBuildError(f"demo logins missing: {', '.join(sorted(missing))}")
        self.reviewer, self.committee, self.staff = users["reviewer"], users["committee"], users["staff"]
        self.branches = {
            o.code: o for o in Organization.objects.branches().filter(committee.subtree_q(), is_active=True)
        }
        self.people = self._people()
        self.actors = {key: self._actor(key) for key in self.people}
        self.last: datetime | None = None  # the latest step of the project being played
        self.latest: datetime | None = None  # the latest step of any project

    # --- people and actors -----------------------------------------------------------------------------

    def _people(self) -> dict[str, _People]:
        found: dict[str, _People] = {}
        members = Member.objects.filter(is_active=True, organization__code__startswith=f"{COMPANY_CODE}-").order_by(
            "employee_no"
        )
        by_branch: dict[str, list[Member]] = {}
        for member in members.select_related("organization"):
            key = member.organization.code.split("-")[1]
            by_branch.setdefault(key, []).append(member)
        for spec in all_branches():
            people = by_branch.get(spec.key, [])
            secretary = next((m for m in people if m.party_post == PartyPost.SECRETARY), None)
            if secretary is None or branch_code(spec.key) not in self.branches:
                continue
            head = next(
                (
                    m
                    for m in people
                    if m.leader_level == LeaderLevel.DEPARTMENT and m.party_post == PartyPost.COMMITTEE_MEMBER
                ),
                None,
            )
            usable = [m for m in people if m.on_duty and m.leader_level != LeaderLevel.COMPANY]
            party = [m for m in usable if m.party_status == PartyStatus.FULL and m != secretary]
            found[spec.key] = _People(secretary, head, party, usable)
        return found

    def _actor(self, key: str) -> User:
        """The branch's demo secretary login, or a service account that cannot sign in."""
        branch = self.branches[branch_code(key)]
        login = SECRETARY_LOGINS.get(key)
        if login:
            user = User.objects.filter(username=login, role=Role.SECRETARY, scope=branch, is_active=True).first()
            if user is not None:
                return user
        username = f"{SERVICE_PREFIX}{branch.code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            secretary = self.people[key].secretary
            linked = User.objects.filter(member=secretary).exists()
            user = User(
                username=username,
                full_name=secretary.name,
                role=Role.SECRETARY,
                scope=branch,
                member=None if linked else secretary,
                must_change_password=True,
            )
            user.set_unusable_password()
            user_save(user=user, before=None, by=None)
        return user

    def _leader(self, spec: Spec) -> Member:
        people = self.people[spec.branch]
        if spec.led and self.rng.random() < 0.6:
            # 支部书记亲自挂帅, or the department head.
            choice = people.secretary if people.head is None or self.rng.random() < 0.5 else people.head
            people.led[choice.pk] += 1
            return choice
        fewest = min(people.led[m.pk] for m in people.party)
        choice = self.rng.choice([m for m in people.party if people.led[m.pk] == fewest])
        people.led[choice.pk] += 1
        return choice

    def _team(self, spec: Spec, leader: Member) -> list[services.TeamEntry]:
        people = [m for m in self.people[spec.branch].everyone if m != leader]
        size = max(1, min(spec.team - 1, len(people)))
        non_party = [m for m in people if m.party_status == PartyStatus.NONE]
        chosen: list[Member] = []
        if non_party and self.rng.random() < 0.7:
            chosen.append(self.rng.choice(non_party))
        rest = [m for m in people if m not in chosen]
        chosen += self.rng.sample(rest, size - len(chosen))
        self.rng.shuffle(chosen)
        duties = self.rng.sample(DUTIES, len(chosen))
        return [
            services.TeamEntry(m, TeamRole.CORE if i < 2 else TeamRole.MEMBER, duties[i]) for i, m in enumerate(chosen)
        ]

    # --- time ---------------------------------------------------------------------------------------------

    def _when(self, day: date) -> datetime:
        """A working-hours moment on ``day``, after the previous step (of this project, and of any project:
        the steps run in date order, so approval times follow the numbers the approvals took)."""
        moment = timezone.make_aware(datetime.combine(day, time(8, 30))) + timedelta(minutes=self.rng.randint(0, 540))
        floor = max((m for m in (self.last, self.latest) if m is not None), default=None)
        if floor is not None and moment <= floor:
            moment = floor + timedelta(minutes=self.rng.randint(5, 40))
        moment = min(moment, self.now - timedelta(minutes=1))
        self.last = self.latest = moment
        return moment

    def _step(self, day: date, fn, **kwargs):
        when = self._when(day)
        return self.clock.run(when, fn, **kwargs), when

    def _days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    # --- one project ------------------------------------------------------------------------------------------

    def run(self, specs: list[Spec]) -> None:
        """Plan every story, then play all their steps in date order (numbers follow approval dates)."""
        steps = []
        states: list[dict[str, Any]] = []
        for index, spec in enumerate(specs):
            state: dict[str, Any] = {"last": None}
            states.append(state)
            events = self._long(spec) if spec.story in self.LONG else self._recent(spec)
            events.sort(key=lambda event: event[0])  # stable: same-day steps keep their order
            steps += [(day, index, n, action) for n, (day, action) in enumerate(events)]
        steps.sort(key=lambda step: step[:3])
        for day, index, _n, action in steps:
            state = states[index]
            self.last = state["last"]
            action(day, state)
            state["last"] = self.last

    def _data(self, spec: Spec, *, year: int, start: date, end: date) -> dict[str, Any]:
        return {
            "year": year,
            "title": spec.title,
            "organization": self.branches[branch_code(spec.branch)],
            "category": self.categories[spec.category],
            "topic_source": self.sources[spec.source],
            "problem": spec.problem,
            "goals": spec.goals,
            "indicators": spec.indicators,
            "planned_start": start,
            "planned_end": end,
            "expected_value": Decimal(spec.value),
            "is_branch_led": spec.led,
        }

    def _create(self, spec: Spec, *, year: int, start: date, end: date):
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            leader = self._leader(spec)
            team = self._team(spec, leader)
            data = {**self._data(spec, year=year, start=start, end=end), "leader": leader}
            types = [self.result_types[name] for name in spec.expects]
            project, _when = self._step(
                day, services.project_create, by=actor, data=data, team=team, result_types=types
            )
            state.update(project=project, team=team, leader=leader)

        return run

    def _transition(self, action: str, by: User, comment: str = ""):
        def run(day: date, state: dict) -> None:
            state["project"], _when = self._step(
                day, services.project_transition, project=state["project"], action=action, by=by, comment=comment
            )

        return run

    def _submit(self, spec: Spec):
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            state["project"], _when = self._step(day, services.project_submit, project=state["project"], by=actor)

        return run

    def _fix(self, spec: Spec):
        """The secretary edits a returned project (optimistic locking: the version read is the one saved)."""
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            project = Project.objects.get(pk=state["project"].pk)
            data = {"indicators": f"{spec.indicators}（已按审核意见细化季度节点和量化指标）"}
            state["project"], _when = self._step(
                day, services.project_update, project=project, by=actor, data=data, expected_version=project.version
            )

        return run

    def _approve(self, spec: Spec, *, meeting: bool):
        def run(day: date, state: dict) -> None:
            details = {}
            if meeting:
                details = {
                    "date": day.isoformat(),
                    "meeting": f"党委会 {day.year} 第{day.timetuple().tm_yday // 14 + 1}次",
                    "attendees": "党委书记、副书记及党委委员共7人，纪委书记列席",
                    "vote": "7:0",
                }
            comment = f"同意立项，按规定公示{self.programme.publicity_days}天。"
            project, when = self._step(
                day, services.project_approve, project=state["project"], by=self.reviewer, comment=comment,
                meeting=details,
            )  # fmt: skip
            ends = when.date() + timedelta(days=self.programme.publicity_days)
            Project.objects.filter(pk=project.pk).update(publicity_ends_on=ends)
            state["project"] = project

        return run

    def _start(self):
        """Publicity over: the lazy check starts the project (by the system)."""

        def run(day: date, state: dict) -> None:
            project = Project.objects.get(pk=state["project"].pk)
            moment = timezone.make_aware(datetime.combine(day, time(0, 10)))
            self.last = max(self.last, moment) if self.last else moment
            state["project"] = self.clock.run(self.last, services.project_start_if_due, project=project)
            if state["project"].status != Status.IN_PROGRESS:
                raise DemoBuildError(f"{project.title}: did not start after publicity")

        return run

    def _object(self, spec: Spec):
        def run(day: date, state: dict) -> None:
            state["objection"], _when = self._step(
                day, services.objection_lodge, project=state["project"], by=self.staff, text=spec.note
            )

        return run

    def _resolve(self, spec: Spec):
        def run(day: date, state: dict) -> None:
            self._step(
                day, services.objection_resolve, objection=state["objection"], by=self.committee, upheld=False,
                resolution=spec.reply,
            )  # fmt: skip

        return run

    def _report(self, spec: Spec, year: int, quarter: int, progress: int, *, final: bool = False):
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            n = len(state["team"]) + 1
            if final:
                work = f"项目全部完成：{spec.outcome}。成果材料已整理归档。"
                problems, next_steps = "", "申请结题验收，做好成果推广。"
            else:
                pool = EARLY_WORK if progress < 40 else MID_WORK if progress < 75 else LATE_WORK
                work = self.rng.choice(pool).format(
                    n=n, k=self.rng.randint(2, 6), m=self.rng.randint(8, 30), a=self.rng.randint(3, 7)
                )
                problems, next_steps = self.rng.choice(PROBLEMS), self.rng.choice(NEXT_STEPS)
            data = {
                "year": year,
                "quarter": quarter,
                "progress": progress,
                "work_done": work,
                "problems": problems,
                "next_steps": next_steps,
                "is_final": final,
            }
            self._step(day, services.report_file, project=state["project"], by=actor, data=data)

        return run

    def _result(self, spec: Spec, result: R, achieved: date):
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            title = result.title
            if "{member}" in title:
                title = title.format(member=self.rng.choice(state["team"]).member.name)
            description = ""
            if result.type == "节创价值":
                description = "按项目实施前后对比测算，经财务审计部审核确认。"
            elif result.type == "专利":
                description = "已获国家知识产权局授权。"
            data = {
                "result_type": self.result_types[result.type],
                "title": title,
                "achieved_on": achieved,
                "value": Decimal(result.value),
                "reference": result.reference,
                "description": description,
            }
            self._step(day, services.result_add, project=state["project"], by=actor, data=data)

        return run

    def _request_completion(self, spec: Spec):
        actor = self.actors[spec.branch]

        def run(day: date, state: dict) -> None:
            project = Project.objects.get(pk=state["project"].pk)
            members = [e.member for e in state["team"]] + [state["leader"]]
            party = sum(m.party_status != PartyStatus.NONE for m in members)
            value = sum((Decimal(r.value) for r in spec.results), Decimal("0"))
            kinds = "、".join(dict.fromkeys(r.type for r in spec.results))
            summary = (
                f"项目于{project.planned_start.year}年{project.planned_start.month}月启动，{len(members)}名成员（其中党员{party}名）按计划推进。"
                f"{spec.outcome}。共形成成果{len(spec.results)}项（{kinds}）"
                + (f"，节创价值{value}万元。" if value else "。")
            )
            state["project"], _when = self._step(
                day, services.project_request_completion, project=project, by=actor, summary=summary
            )

        return run

    def _extension(self, spec: Spec, new_end: date, *, decide_on: date | None):
        actor = self.actors[spec.branch]

        def request(day: date, state: dict) -> None:
            state["extension"], _when = self._step(
                day, services.extension_request, project=state["project"], by=actor, new_end=new_end, reason=spec.note
            )

        def decide(day: date, state: dict) -> None:
            self._step(
                day, services.extension_decide, extension=state["extension"], by=self.committee, approve=True,
                comment=f"同意延期至{new_end.year}年{new_end.month}月{new_end.day}日。",
            )  # fmt: skip

        return request, decide

    def _evaluate(self, spec: Spec):
        def run(day: date, state: dict) -> None:
            total = self._target_total(spec)
            scores = self._scores(total)
            evaluation, when = self._step(
                day, services.project_evaluate, project=state["project"], by=self.reviewer, scores=scores,
                comments=EVALUATION_COMMENTS[spec.grade],
            )  # fmt: skip
            if evaluation.grade != spec.grade:
                raise DemoBuildError(f"{spec.title}: graded {evaluation.grade}, not {spec.grade}")
            Evaluation.objects.filter(pk=evaluation.pk).update(year=when.year)

        return run

    def _target_total(self, spec: Spec) -> Decimal:
        s = self.programme
        full = sum((i.max_score for i in self.rubric), Decimal("0"))
        if spec.grade == EXCELLENT:
            low, high = s.grade_excellent + 1, min(full, s.grade_excellent + 6)
            if spec.flagship:
                low = high = min(full, s.grade_excellent + 5)
        elif spec.grade == GOOD:
            low, high = s.grade_good + 1, s.grade_excellent - Decimal("1.5")
        else:
            low, high = s.grade_pass + 6, s.grade_good - 2
        steps = int((high - low) * 2)
        return low + Decimal(self.rng.randint(0, max(steps, 0))) / 2

    def _scores(self, total: Decimal) -> dict[int, Decimal]:
        """Scores on the rubric (half points) that add up to ``total``, each within its maximum."""
        full = sum((i.max_score for i in self.rubric), Decimal("0"))
        scores = [min(i.max_score, (total * i.max_score / full * 2).to_integral_value() / 2) for i in self.rubric]
        for _ in range(3):  # a little spread between the items
            a, b = self.rng.sample(range(len(scores)), 2) if len(scores) > 1 else (0, 0)
            move = Decimal(self.rng.choice((1, 2, 3))) / 2
            if a != b and scores[a] - move >= 0 and scores[b] + move <= self.rubric[b].max_score:
                scores[a] -= move
                scores[b] += move
        gap = total - sum(scores)
        for i, item in enumerate(self.rubric):
            room = item.max_score - scores[i] if gap > 0 else scores[i]
            change = min(abs(gap), room)
            scores[i] += change if gap > 0 else -change
            gap -= change if gap > 0 else -change
        return {item.pk: score for item, score in zip(self.rubric, scores, strict=True)}

    # --- stories ---------------------------------------------------------------------------------------------

    def _long(self, spec: Spec) -> list[tuple[date, Any]]:
        """A project of the programme year or the year before: filed in January to March."""
        rng = self.rng
        y = self.year if spec.when == "cur" else self.year - 1
        story = spec.story
        created = date(y, 1, 8) + self._days(0, 55)
        submitted = created + self._days(1, 4)
        events: list[tuple[date, Any]] = [(submitted, self._submit(spec))]
        if spec.returned_once:
            returned = submitted + self._days(2, 4)
            fixed = returned + self._days(1, 2)
            submitted = fixed + self._days(0, 2)
            events += [
                (returned, self._transition("return", self.reviewer, spec.returned_once)),
                (fixed, self._fix(spec)),
                (submitted, self._submit(spec)),
            ]
        decided = submitted + self._days(3, 7)
        start = _next_month(decided + timedelta(days=self.programme.publicity_days + 1))
        if story == "rejected":
            end = _month_end(start, 6)
            events += [(decided, self._transition("reject", self.reviewer, spec.note))]
            return [(created, self._create(spec, year=y, start=start, end=end)), *events]

        publicity_end = decided + timedelta(days=self.programme.publicity_days)
        events.append((decided, self._approve(spec, meeting=spec.led or rng.random() < 0.4)))
        started = publicity_end + timedelta(days=1)
        if story == "running_objection":
            lodged, resolved = decided + timedelta(days=1), decided + timedelta(days=3)
            events += [(lodged, self._object(spec)), (resolved, self._resolve(spec))]
            started = max(started, resolved + timedelta(days=1))
        events.append((started, self._start()))

        # planned end and the quarters reported on
        finishing = story in ("evaluated", "completed", "review", "running_completion_returned")
        if finishing:
            if spec.when == "prev":
                end = date(y, 9, 30) if rng.random() < 0.5 else date(y, 12, 31)
            elif story in ("review", "running_completion_returned") or spec.flagship or start.month > 3:
                end = date(y, 9, 30)
            else:
                end = date(y, 6, 30) if rng.random() < 0.5 else date(y, 9, 30)
        elif story == "running_ext_approved":
            end = date(y, 9, 30)
        elif story == "terminated":
            end = date(y, 12, 31)
        else:
            end = date(y, rng.choice((10, 11, 12)), 1)
            end = _month_end(end, 0)
        if story == "running_ext_pending":
            end = date(y, 12, 31)

        stopped = end
        if finishing:
            quarters = quarters_ending_between(start, end - timedelta(days=1))
        elif story == "terminated":
            stopped = date(y, 6, 20) + self._days(0, 25) if spec.when == "cur" else date(y, 8, 10) + self._days(0, 15)
            quarters = quarters_ending_between(start, stopped - timedelta(days=12))[-2:] or []
        else:
            quarters = quarters_ending_between(start, min(end, date(y, 9, 30)))
        quarters = quarters[-3:]
        if story == "running_late" and len(quarters) > 1:
            quarters = quarters[:-1]  # the last quarter's report is overdue
        span = max((end - start).days, 1)
        progress = 0
        for year, quarter in quarters:
            share = (quarter_end(year, quarter) - start).days / span
            progress = max(progress + 10, min(90, int(share * 100 * rng.uniform(0.8, 1.0))))
            progress = min(progress, 95)
            filed = quarter_end(year, quarter) + self._days(4, 12)
            events.append((filed, self._report(spec, year, quarter, progress)))

        if story == "running_ext_pending":
            asked = date(y, 11, 2) + self._days(0, 6)
            request, _decide = self._extension(spec, date(y + 1, 3, 31), decide_on=None)
            events.append((asked, request))
        elif story == "running_ext_approved":
            asked = date(y, 9, 3) + self._days(0, 5)
            request, decide = self._extension(spec, date(y, 12, 31), decide_on=None)
            events += [(asked, request), (asked + self._days(4, 7), decide)]
        elif story == "terminated":
            events.append((stopped, self._transition("terminate", self.committee, spec.note)))

        if finishing:
            final = end + self._days(3, 8)
            year, quarter = quarter_of(end)
            events.append((final, self._report(spec, year, quarter, 100, final=True)))
            # results over the second half of the work, 节创价值 measured last
            first = start + timedelta(days=(end - start).days // 2)
            days = sorted(first + self._days(0, (end - first).days) for _r in spec.results)
            ordered = sorted(spec.results, key=lambda r: r.type == "节创价值")
            for result, achieved in zip(ordered, days, strict=True):
                recorded = min(achieved + self._days(0, 4), final)
                events.append((recorded, self._result(spec, result, achieved)))
            if story == "review":
                requested = max(final + timedelta(days=1), date(y, 10, 15) + self._days(0, 24))
            else:
                requested = final + self._days(1, 3)
            events.append((requested, self._request_completion(spec)))
            if story == "running_completion_returned":
                events.append(
                    (requested + self._days(4, 8), self._transition("return_completion", self.reviewer, spec.note))
                )
            if story in ("completed", "evaluated"):
                accepted = requested + self._days(5, 12)
                events.append((accepted, self._transition("accept", self.reviewer, rng.choice(ACCEPT_COMMENTS))))
                if story == "evaluated":
                    if spec.when == "prev" and end.month == 9:
                        evaluated = date(y, 12, 8) + self._days(0, 14)
                    elif end.month == 6 and spec.when == "cur":
                        evaluated = max(accepted + timedelta(days=20), date(y, 9, 10) + self._days(0, 30))
                    else:
                        evaluated = accepted + self._days(8, 15)
                    events.append((evaluated, self._evaluate(spec)))
        return [(created, self._create(spec, year=y, start=start, end=end)), *events]

    def _recent(self, spec: Spec) -> list[tuple[date, Any]]:
        """Filed in the last weeks, to start next month."""
        today, days = self.today, self.programme.publicity_days
        start = _next_month(today + timedelta(days=7))
        end = _month_end(start, self.rng.randint(4, 7))
        story = spec.story
        events: list[tuple[date, Any]] = []
        if story == "draft":
            created = today - self._days(2, 15)
        elif story == "returned":
            created = today - self._days(25, 35)
            submitted = created + self._days(1, 3)
            events += [
                (submitted, self._submit(spec)),
                (submitted + self._days(3, 6), self._transition("return", self.reviewer, spec.note)),
            ]
        elif story == "submitted":
            submitted = today - self._days(1, 6)
            created = submitted - self._days(2, 10)
            events.append((submitted, self._submit(spec)))
        else:  # publicity, objection: approved so recently that publicity is still on
            low = 2 if story == "objection" else 1
            ago = self.rng.randint(low, max(low, days - 1))
            decided = today - timedelta(days=min(ago, days - 1) if days > 1 else 0)
            submitted = decided - self._days(3, 7)
            created = submitted - self._days(2, 12)
            events += [(submitted, self._submit(spec)), (decided, self._approve(spec, meeting=False))]
            if story == "objection":
                events.append((min(decided + timedelta(days=1), today), self._object(spec)))
        return [(created, self._create(spec, year=start.year, start=start, end=end)), *events]

    # --- 登高计划 ----------------------------------------------------------------------------------------------------

    def plans(self) -> int:
        count = 0
        for key, plans in PLANS.items():
            if key not in self.people:
                continue
            people = self.people[key]
            non_party = [m for m in people.everyone if m.party_status == PartyStatus.NONE]
            party = [m for m in people.everyone if m.party_status != PartyStatus.NONE]
            chosen = self.rng.sample(party, len(plans))
            if non_party:  # one plan per branch by non-party staff (群众技能登高)
                chosen[self.rng.randrange(len(plans))] = self.rng.choice(non_party)
            for member, (goal, result, value) in zip(chosen, plans, strict=True):
                self.last = self.latest = None
                day = date(self.year, 1, 15) + self._days(0, 60)
                self._step(
                    day, services.plan_create, by=self.actors[key], member=member, year=self.year, goal=goal,
                    result=result, value=Decimal(value), is_done=bool(result),
                )  # fmt: skip
                count += 1
        return count


def _summary(committee: Organization, year: int) -> DemoProjectsResult:
    projects = Project.objects.filter(organization__path__startswith=committee.path)
    statuses = Counter(projects.values_list("status", flat=True))
    branches = Organization.objects.branches().filter(committee.subtree_q(), is_active=True)
    led = set(projects.filter(year=year, is_branch_led=True).values_list("organization_id", flat=True))
    service = User.objects.filter(username__startswith=SERVICE_PREFIX, scope__path__startswith=committee.path)
    return DemoProjectsResult(
        created=False,
        statuses={s.value: statuses.get(s.value, 0) for s in Status},
        returned=projects.filter(status=Status.DRAFT, returned=True).count(),
        years=dict(sorted(Counter(projects.values_list("year", flat=True)).items())),
        plans=ImprovementPlan.objects.filter(organization__path__startswith=committee.path).count(),
        branches_without_led=[b.name for b in branches if b.pk not in led],
        service_accounts=[
            ServiceAccount(u.username, u.scope.name, u.full_name)
            for u in service.select_related("scope").order_by("username")
        ],
    )


@transaction.atomic
def load_demo_projects(*, seed: int = DEMO_SEED, today: date | None = None) -> DemoProjectsResult:
    """Build the demo projects and plans, unless the demo company is missing or has projects already."""
    today = today or timezone.localdate()
    committee = Organization.objects.filter(code=COMPANY_CODE).first()
    if committee is None:
        return DemoProjectsResult(created=False)
    year = programme_year(today)
    if Project.objects.filter(organization__path__startswith=committee.path).exists():
        return _summary(committee, year)

    # Comments the services write (“Publicity period ended.”) are stored in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        builder = _Builder(committee=committee, seed=seed, today=today)
        builder.run([s for s in CATALOGUE if s.branch in builder.people])
        plans = builder.plans()
        builder.clock.apply()
    result = _summary(committee, year)
    result.created = True
    record(
        event=Event.CREATE,
        obj=committee,
        detail={"source": "load_demo.projects", "projects": result.total, "plans": plans, "statuses": result.statuses},
    )
    return result
