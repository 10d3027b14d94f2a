"""Default configuration: categories, topic sources, result types, rubric, programme settings.

All of it is editable in the Django admin afterwards; this only seeds a new database.
"""

from decimal import Decimal

from django.db import migrations

CATEGORIES = ["科研生产", "安全质量", "精益管理", "深化改革", "党的建设"]
TOPIC_SOURCES = ["行政点题", "党组织选题", "向党员征题"]
# (name, carries_value, needs_reference)
RESULT_TYPES = [
    ("制度", False, False),
    ("流程", False, False),
    ("论文", False, True),
    ("专利", False, True),
    ("节创价值", True, False),
    ("技术图纸", False, False),
    ("研制总结", False, False),
    ("试验报告", False, False),
    ("操作法", False, False),
    ("标准", False, True),
    ("软件著作权", False, True),
]
RUBRIC = [
    ("项目管理", "20", "立项规范、分工明确、资料完整"),
    ("进度", "20", "按计划节点推进，季度进展按时报送"),
    ("质量", "20", "目标与指标达成情况"),
    ("成果水平", "20", "成果形式、创新程度与节创价值"),
    ("党员作用发挥", "20", "党员带头攻关、带动群众参与"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("projects", "Category")
    TopicSource = apps.get_model("projects", "TopicSource")
    ResultType = apps.get_model("projects", "ResultType")
    RubricItem = apps.get_model("projects", "RubricItem")
    ProgrammeSettings = apps.get_model("projects", "ProgrammeSettings")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(TOPIC_SOURCES, start=1):
        TopicSource.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, carries_value, needs_reference) in enumerate(RESULT_TYPES, start=1):
        ResultType.objects.get_or_create(
            name=name, defaults={"order": order, "carries_value": carries_value, "needs_reference": needs_reference}
        )
    for order, (name, max_score, guidance) in enumerate(RUBRIC, start=1):
        RubricItem.objects.get_or_create(
            name=name, defaults={"order": order, "max_score": Decimal(max_score), "guidance": guidance}
        )
    ProgrammeSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
