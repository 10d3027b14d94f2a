"""The project ledger and the results ledger (台账, issue 7).

The project ledger has the import's columns and cell words (``projects/sheets.py``), so that an export
re-imports unchanged; 负责人 (the leader's name) comes after them. Rows are read as tuples
(``values_list(...).iterator()``), and each chunk's team numbers and expected result types come with two
queries per chunk: 50,000 projects are written in about 1 s per 10,000 rows with a few MB of memory
(``measure_project_export``, reported by the benchmark command).
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

import portal.db  # noqa: F401 (registers the ``any_of`` lookup)
from branches.ledgers import OrgReferences, org_references
from portal.ledger import write_ledger
from portal.permissions import scope_q, scoped_projects
from portal.spreadsheets.columns import NO, YES, join_list

from .models import Project, Result, ResultType, TeamMember
from .sheets import PROJECT_COLUMNS, PROJECT_SHEET, STATUS_WORDS

CHUNK_SIZE = 2000
LIST_ORDER = ("-year", "-created_at", "-id")  # the project list's order
RESULT_ORDER = ("-project__year", "-project__created_at", "-project__id", "achieved_on", "id")

PROJECT_HEADERS = [*(c.header for c in PROJECT_COLUMNS), "负责人"]
PROJECT_WIDTHS = [*(c.width for c in PROJECT_COLUMNS), 10]

RESULT_SHEET = "成果"
RESULT_HEADERS = [
    "项目编号",
    "项目名称",
    "所在党支部",
    "成果名称",
    "成果形式",
    "日期",
    "节创价值（万元）",
    "编号或刊物",
    "说明",
]
RESULT_WIDTHS = [14, 36, 24, 30, 12, 12, 12, 22, 50]

_PROJECT_FIELDS = (
    "id",
    "number",
    "year",
    "title",
    "organization_id",
    "category__name",
    "topic_source__name",
    "leader_id",
    "leader__employee_no",
    "planned_start",
    "planned_end",
    "status",
    "expected_value",
    "is_branch_led",
    "leader__name",
)


def ledger_projects(user) -> QuerySet[Project]:
    """The projects of the user's own scope, in the list's order: the ledger of the office that keeps them
    (other branches' published projects, which the list also shows, are not this office's ledger)."""
    return scoped_projects(user).filter(scope_q(user)).order_by(*LIST_ORDER)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def project_rows(
    projects: QuerySet[Project], references: OrgReferences, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[Any]]:
    """项目编号 … 党组织引领行动, then 负责人. Two queries (result types, projects), then two per chunk."""
    rows = projects.values_list(*_PROJECT_FIELDS).iterator(chunk_size=chunk_size)
    through = Project.expected_result_types.through
    # the few result types, in their display order: (order, id, name) sorts each project's list
    type_names = {pk: (order, pk, name) for pk, order, name in ResultType.objects.values_list("pk", "order", "name")}
    for chunk in _chunks(rows, chunk_size):
        ids = [row[0] for row in chunk]
        team: dict[int, list[tuple[int, str]]] = defaultdict(list)
        people = TeamMember.objects.filter(project__id__any_of=ids).order_by("project_id", "role", "id")
        for project_id, member_id, employee_no in people.values_list("project_id", "member_id", "member__employee_no"):
            team[project_id].append((member_id, employee_no))
        types: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for project_id, type_id in through.objects.filter(project__id__any_of=ids).values_list(
            "project_id", "resulttype_id"
        ):
            types[project_id].append(type_names[type_id])
        for (
            pk,
            number,
            year,
            title,
            organization_id,
            category,
            topic_source,
            leader_id,
            leader_no,
            planned_start,
            planned_end,
            status,
            expected_value,
            is_branch_led,
            leader_name,
        ) in chunk:
            yield [
                number or "",
                year,
                title,
                references.by_id.get(organization_id, ""),
                category,
                topic_source,
                leader_no,
                join_list(no for member_id, no in team.get(pk, ()) if member_id != leader_id),
                planned_start,
                planned_end,
                STATUS_WORDS.get(status, status),
                join_list(name for _order, _pk, name in sorted(types.get(pk, ()))),
                expected_value,
                YES if is_branch_led else NO,
                leader_name,
            ]


def ledger_results(projects: QuerySet[Project]) -> QuerySet[Result]:
    """The results of the given projects, project by project (in the list's order), then by date."""
    return Result.objects.filter(project__in=projects.order_by().values("pk")).order_by(*RESULT_ORDER)


def result_rows(results: QuerySet[Result], references: OrgReferences) -> Iterator[list[Any]]:
    """项目编号, 项目名称, 所在党支部, 成果名称, 成果形式, 日期, 节创价值（万元）, 编号或刊物, 说明 (one query)."""
    values = results.values_list(
        "project__number",
        "project__title",
        "project__organization_id",
        "title",
        "result_type__name",
        "achieved_on",
        "value",
        "reference",
        "description",
    )
    for (
        number,
        project_title,
        organization_id,
        title,
        kind,
        achieved_on,
        value,
        reference,
        description,
    ) in values.iterator(chunk_size=CHUNK_SIZE):
        yield [
            number or "",
            project_title,
            references.by_id.get(organization_id, ""),
            title,
            kind,
            achieved_on,
            value,
            reference,
            description,
        ]


def project_ledger_title() -> str:
    return _("Innovation projects ledger")


def result_ledger_title() -> str:
    return _("Project results ledger")


def write_project_ledger(fileobj, *, projects: QuerySet[Project]) -> int:
    """The project ledger of ``projects`` into ``fileobj``; returns the number of rows."""
    return write_ledger(
        fileobj,
        title=project_ledger_title(),
        headers=PROJECT_HEADERS,
        rows=project_rows(projects, org_references()),
        widths=PROJECT_WIDTHS,
        sheet=PROJECT_SHEET,
    )


def measure_project_export(user) -> dict[str, float | int]:
    """Export every project of ``user``'s scope into a temporary file twice: once timed (wall clock), once
    under tracemalloc for the peak of memory allocated during the export (the worker's extra memory).

    Returns ``rows``, ``seconds``, ``seconds_per_10k`` and ``peak_mb``.
    """
    projects = ledger_projects(user)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        rows = write_project_ledger(out, projects=projects)
        seconds = time.perf_counter() - start
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    try:
        with tempfile.TemporaryFile() as out:
            write_project_ledger(out, projects=projects)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        if not tracing:
            tracemalloc.stop()
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "seconds_per_10k": round(seconds * 10_000 / rows, 3) if rows else 0.0,
        "peak_mb": round(peak / 1024 / 1024, 2),
    }
