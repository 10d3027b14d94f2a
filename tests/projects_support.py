"""Helpers shared by the branch-secretary project page tests (tests/test_projects_*.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils import timezone
from PIL import Image

from projects import services
from projects.models import Category, ResultType, TopicSource

from .factories import make_project


def draft(company, users, **overrides):
    overrides.setdefault("leader", company.member_a)
    return make_project(organization=company.branch_a, by=users["secretary_a"], **overrides)


def submitted(company, users, **overrides):
    project = draft(company, users, **overrides)
    return services.project_submit(project=project, by=users["secretary_a"])


def approved(company, users, **overrides):
    project = submitted(company, users, **overrides)
    return services.project_approve(project=project, by=users["reviewer"], meeting={"meeting": "党委会第3次"})


def in_progress(company, users, **overrides):
    project = approved(company, users, **overrides)
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    return services.project_start_if_due(project=project)


def add_result(project, users, **overrides):
    data = {
        "result_type": ResultType.objects.get(name="专利"),
        "title": "一种焊接夹具",
        "achieved_on": timezone.localdate(),
        "value": Decimal("35.50"),
        "reference": "ZL2026 1 0000001.0",
    }
    data.update(overrides)
    return services.result_add(project=project, by=users["secretary_a"], data=data)


def add_report(project, users, *, quarter=1, final=False):
    return services.report_file(
        project=project,
        by=users["secretary_a"],
        data={
            "year": 2026,
            "quarter": quarter,
            "progress": 100 if final else 40,
            "work_done": "完成试验",
            "is_final": final,
        },
    )


def form_data(company, **overrides) -> dict:
    """A complete, valid POST of the application form (team formset empty)."""
    data = {
        "year": "2026",
        "title": "焊接工艺参数优化",
        "category": str(Category.objects.get(name="科研生产").pk),
        "topic_source": str(TopicSource.objects.get(name="党组织选题").pk),
        "leader": str(company.member_a.pk),
        "problem": "焊缝一次合格率偏低",
        "goals": "一次合格率提升到98%",
        "indicators": "合格率≥98%",
        "planned_start": "2026-03-01",
        "planned_end": "2026-12-31",
        "expected_result_types": [str(ResultType.objects.get(name="专利").pk)],
        "expected_value": "12.50",
        "action": "draft",
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
    }
    data.update(overrides)
    return data


def team_rows(rows) -> dict:
    """Formset fields for [(member, role, duty), …]."""
    data = {"team-TOTAL_FORMS": str(len(rows))}
    for i, (member, role, duty) in enumerate(rows):
        data[f"team-{i}-member"] = str(member.pk)
        data[f"team-{i}-role"] = role
        data[f"team-{i}-duty"] = duty
    return data


# --- file samples --------------------------------------------------------------------------------------


def png_bytes(size=(40, 30), *, with_exif=False, fmt="PNG") -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam Inc."  # Make
        exif[0x0131] = "secret-software"  # Software
        image.save(out, format=fmt, exif=exif.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def jpeg_bytes(size=(40, 30), *, with_exif=False) -> bytes:
    return png_bytes(size, with_exif=with_exif, fmt="JPEG")


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def office_bytes(part: str = "word/document.xml", *, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()
