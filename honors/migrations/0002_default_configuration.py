"""Default configuration: the post rubric (考核评选细则), an award rubric, grade levels and award types.

All of it is editable in the Django admin afterwards; this only seeds a new database.
"""

from decimal import Decimal

from django.db import migrations

POST_RUBRIC = (
    "党员创新示范岗考核评选细则",
    "80",
    [
        ("创建方案", "15", "目标明确、措施具体、分工到人"),
        ("公开承诺", "15", "承诺公开、内容具体、群众知晓"),
        ("创新成果", "30", "解决生产难题、形成制度流程专利等成果"),
        ("示范带动", "20", "党员带头、带动群众参与创新"),
        ("群众评价", "20", "群众评议满意度"),
    ],
)
AWARD_RUBRIC = (
    "评选表彰评分细则",
    "0",
    [
        ("政治表现", "20", "理想信念坚定、遵规守纪"),
        ("工作业绩", "40", "完成任务、解决难题、创造价值"),
        ("创新贡献", "25", "创新成果与推广应用"),
        ("群众认可", "15", "群众评价与带动作用"),
    ],
)
GRADE_LEVELS = [("A", "好", 1), ("B", "较好", 2), ("C", "一般", 3), ("D", "差", 4)]
# (name, recipient kind, level, scored on the award rubric)
AWARDS = [
    ("优秀共产党员", "member", "company", True),
    ("优秀党务工作者", "member", "company", True),
    ("先进基层党组织", "branch", "company", True),
    ("优秀党员创新项目", "project", "company", True),
    ("季度党员先锋岗", "post", "plant", False),
]


def seed(apps, schema_editor):
    Rubric = apps.get_model("honors", "Rubric")
    Criterion = apps.get_model("honors", "Criterion")
    GradeLevel = apps.get_model("honors", "GradeLevel")
    Award = apps.get_model("honors", "Award")
    rubrics = {}
    for use, (name, pass_score, criteria) in (("post", POST_RUBRIC), ("award", AWARD_RUBRIC)):
        rubric, created = Rubric.objects.get_or_create(name=name, defaults={"use": use, "pass_score": Decimal(pass_score)})
        if created:
            for order, (title, max_score, description) in enumerate(criteria, start=1):
                Criterion.objects.create(
                    rubric=rubric, order=order, title=title, max_score=Decimal(max_score), description=description
                )
        rubrics[use] = rubric
    for code, label, order in GRADE_LEVELS:
        GradeLevel.objects.get_or_create(code=code, defaults={"label": label, "order": order})
    for name, kind, level, scored in AWARDS:
        Award.objects.get_or_create(
            name=name, defaults={"recipient_kind": kind, "level": level, "rubric": rubrics["award"] if scored else None}
        )


class Migration(migrations.Migration):
    dependencies = [("honors", "0001_honors")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
